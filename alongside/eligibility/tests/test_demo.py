import random
from collections import Counter
from datetime import date, timedelta

from alongside.eligibility.demo import build_foodbank
from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.eligibility.queries import is_repeat_visit
from alongside.people.models import Person
from alongside.testing.factories import OrganisationFactory, TeamFactory, UserFactory

TODAY = date(2025, 6, 30)


def _build(seed: int, size: int = 120):
    organisation = OrganisationFactory()
    team = TeamFactory(organisation=organisation, name="Foodbank")
    people = Person.objects.bulk_create(
        Person(organisation=organisation, team=team, given_name=f"Person {n}") for n in range(size)
    )
    assessor = UserFactory()
    counts = build_foodbank(
        organisation, rng=random.Random(seed), people=people, assessor=assessor, today=TODAY
    )
    vouchers = list(
        Voucher.objects.for_system("test").filter(organisation=organisation).order_by("id")
    )
    return organisation, people, counts, vouchers


def _shape(people, vouchers):
    index = {person.pk: n for n, person in enumerate(people)}
    return [
        (
            v.code,
            v.issued_on,
            v.adults,
            v.children,
            v.reason_codes,
            v.parcels,
            index.get(v.person_id),
            v.redeemed_at,
        )
        for v in vouchers
    ]


def test_build_foodbank_is_deterministic_for_a_seed(db):
    _, people_a, counts_a, vouchers_a = _build(7)
    _, people_b, counts_b, vouchers_b = _build(7)
    assert counts_a == counts_b
    assert _shape(people_a, vouchers_a) == _shape(people_b, vouchers_b)
    _, people_c, _, vouchers_c = _build(8)
    assert _shape(people_c, vouchers_c) != _shape(people_a, vouchers_a)


def test_build_foodbank_makes_a_realistic_foodbank(db):
    organisation, people, counts, vouchers = _build(11, size=200)
    assert ReferralPartner.objects.filter(organisation=organisation).count() == 4
    assert counts["referral_partners"] == 4 and counts["vouchers"] == len(vouchers)
    per_person = Counter(v.person_id for v in vouchers if v.person_id)
    assert counts["people_with_vouchers"] == len(per_person)
    assert 0.2 * len(people) <= len(per_person) <= 0.4 * len(people)
    assert sum(1 for n in per_person.values() if n >= 3) >= 3
    waiting = [v for v in vouchers if v.redeemed_at is None]
    assert len(waiting) == counts["vouchers_waiting"] >= 3
    assert all(v.person_id is None for v in waiting)
    assert len({v.code for v in vouchers}) == len(vouchers)
    earliest = TODAY - timedelta(days=730)
    for v in vouchers:
        assert earliest <= v.issued_on <= TODAY
        if v.redeemed_at:
            assert v.issued_on <= v.redeemed_at.date() <= TODAY
            assert v.parcels in (1, 2)
    # At least one person's latest visit brings the offer of deeper support.
    assert any(is_repeat_visit(v) for v in vouchers if v.redeemed_at)
