from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from alongside.access.models import Role
from alongside.common.spheres import UnscopedSphereRead
from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.eligibility.queries import (
    ELIGIBILITY_ROLES,
    assessors_free_to_assess,
    earlier_redemptions,
    foodbank_counts,
    has_assessed,
    is_repeat_visit,
    supported_among,
    supports_person,
    vouchers_for_person,
    vouchers_visible_to,
)
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    UserFactory,
)


def test_unscoped_voucher_reads_raise(world, make_voucher):
    voucher = make_voucher(person=world.person)
    with pytest.raises(UnscopedSphereRead):
        list(Voucher.objects.all())
    with pytest.raises(UnscopedSphereRead):
        Voucher.objects.filter(person=world.person).count()
    with pytest.raises(UnscopedSphereRead):
        Voucher.objects.get(pk=voucher.pk)
    with pytest.raises(UnscopedSphereRead):
        list(voucher.partner.vouchers.all())  # reverse relations fail closed too


def test_eligibility_roles_come_from_the_role_table():
    assert frozenset({Role.ASSESSOR}) == ELIGIBILITY_ROLES


def test_only_assessors_see_vouchers_and_only_their_organisation(world, make_voucher):
    voucher = make_voucher(person=world.person)
    assert list(vouchers_visible_to(world.members["amir"])) == [voucher]
    for name in ("alice", "cara", "colin", "vic", "sam", "dana", "fern", "olly"):
        assert list(vouchers_visible_to(world.members[name])) == [], name
    assert list(vouchers_visible_to(None)) == []
    oscar = MembershipFactory(organisation=world.other_org, role=Role.ASSESSOR)
    assert list(vouchers_visible_to(oscar)) == []
    left = world.members["amir"]
    left.left_on = timezone.localdate()
    assert list(vouchers_visible_to(left)) == []


def test_vouchers_for_person_newest_first(world, make_voucher):
    older = make_voucher(person=world.person, days_ago=40)
    newer = make_voucher(person=world.person, days_ago=3)
    make_voucher(person=PersonFactory(team=world.team))
    assert list(vouchers_for_person(world.members["amir"], world.person.pk)) == [newer, older]
    assert list(vouchers_for_person(world.members["alice"], world.person.pk)) == []


def _at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def test_foodbank_counts_parcels_and_unique_people_separately(world, make_voucher):
    pat, jo = world.person, PersonFactory(team=world.team)
    # Pat: three vouchers in March (4 parcels), one in April. Jo: one in March.
    for day, parcels in ((3, 1), (10, 2), (31, 1)):
        make_voucher(person=pat, redeemed_at=_at(2025, 3, day, 23), parcels=parcels)
    make_voucher(person=pat, redeemed_at=_at(2025, 4, 1, 0), parcels=1)
    make_voucher(person=jo, redeemed_at=_at(2025, 3, 15), parcels=2)
    make_voucher()  # waiting: not counted
    make_voucher(person=jo, redeemed_at=_at(2025, 6, 1))  # after the period
    counts = foodbank_counts(world.members["amir"], date(2025, 2, 1), date(2025, 5, 31))
    assert [(m.month, m.parcels, m.vouchers, m.people) for m in counts.months] == [
        (date(2025, 2, 1), 0, 0, 0),
        (date(2025, 3, 1), 6, 4, 2),
        (date(2025, 4, 1), 1, 1, 1),
        (date(2025, 5, 1), 0, 0, 0),
    ]
    assert (counts.parcels, counts.vouchers, counts.people) == (7, 5, 2)


def test_foodbank_counts_are_empty_for_other_roles_and_organisations(world, make_voucher):
    make_voucher(person=world.person, redeemed_at=_at(2025, 3, 3))
    for name in ("alice", "colin", "dana", "fern", "olly"):
        counts = foodbank_counts(world.members[name], date(2025, 3, 1), date(2025, 3, 31))
        assert (counts.parcels, counts.people, [m.parcels for m in counts.months]) == (0, 0, [0])


def test_repeat_visits_count_earlier_redemptions_in_six_months(world, make_voucher):
    make_voucher(person=world.person, days_ago=230)  # too long before either
    make_voucher(person=world.person, days_ago=150)
    second = make_voucher(person=world.person, days_ago=20)
    make_voucher(person=PersonFactory(team=world.team), days_ago=10)  # someone else
    third = make_voucher(person=world.person, days_ago=0)
    assert earlier_redemptions(second) == 1 and not is_repeat_visit(second)
    assert earlier_redemptions(third) == 2 and is_repeat_visit(third)
    assert earlier_redemptions(make_voucher()) == 0


def test_supports_person_covers_spells_past_and_present_and_contacts(world):
    pat = world.person
    alice, cara, colin, vic, amir = (
        world.user(n) for n in ("alice", "cara", "colin", "vic", "amir")
    )
    assert supports_person(alice.pk, pat.pk)  # named worker now
    assert not supports_person(cara.pk, pat.pk)
    SpellFactory(
        person=pat,
        worker=cara,
        started_on=date(2020, 1, 1),
        ended_on=date(2020, 6, 1),
    )
    assert supports_person(cara.pk, pat.pk)  # had a spell, years ago
    ContactFactory(person=pat, worker=colin, at=timezone.now() - timedelta(days=2000))
    assert supports_person(colin.pk, pat.pk)  # led a contact, long ago
    ContactFactory(person=pat, worker=alice).also_present.add(vic)
    assert supports_person(vic.pk, pat.pk)  # joined a contact
    assert not supports_person(amir.pk, pat.pk)
    assert not supports_person(alice.pk, world.other_person.pk)
    assert supported_among(vic.pk, [pat.pk, world.other_person.pk]) == {pat.pk}
    assert supported_among(vic.pk, []) == set()


def test_has_assessed_is_true_only_for_who_redeemed(world, make_voucher):
    make_voucher(person=world.person)
    make_voucher()  # recorded by amir, not redeemed for anyone
    assert has_assessed(world.user("amir").pk, world.person.pk)
    assert not has_assessed(world.user("alice").pk, world.person.pk)
    assert not has_assessed(world.user("amir").pk, world.other_person.pk)


def test_assessors_free_to_assess_leaves_out_supporters_and_leavers(world):
    beth = MembershipFactory(
        organisation=world.org,
        role=Role.ASSESSOR,
        user=UserFactory(username="beth", first_name="Beth", last_name="Jones"),
    )
    MembershipFactory(
        organisation=world.org,
        role=Role.ASSESSOR,
        user=UserFactory(first_name="Gone", last_name="Away"),
        left_on=date(2024, 6, 1),
    )
    MembershipFactory(organisation=world.other_org, role=Role.ASSESSOR)
    ContactFactory(person=world.person, worker=world.user("alice")).also_present.add(beth.user)
    amir = world.user("amir").get_full_name()
    assert assessors_free_to_assess(world.org.pk, world.person.pk) == [amir]


def test_referral_partner_is_not_a_fail_closed_model(world, partner):
    assert list(ReferralPartner.objects.all()) == [partner]
