from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.eligibility import services
from alongside.eligibility.models import ReasonCode, ReferralPartner, Voucher
from alongside.people.models import Person
from alongside.relationships.models import Contact, WorkerRequest
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    UserFactory,
)


def _voucher_count() -> int:
    return Voucher.objects.for_system("test").count()


def _record(world, partner, **overrides):
    fields = dict(
        by=world.members["amir"],
        code=" fb 1023 ",
        adults=2,
        children=1,
        reason_codes=[ReasonCode.BENEFIT_DELAY, ReasonCode.DEBT],
        issued_on=timezone.localdate() - timedelta(days=2),
        issued_by_name="Dr  Okafor",
    )
    fields.update(overrides)
    return services.record_voucher(partner, **fields)


def test_record_voucher_normalises_the_code_and_audits_without_its_contents(world, partner):
    voucher = _record(world, partner)
    stored = Voucher.objects.for_system("test").get()
    assert (stored.pk, stored.code, stored.adults, stored.children) == (voucher.pk, "FB1023", 2, 1)
    assert stored.reason_codes == ["benefit_delay", "debt"]
    assert stored.issued_by_name == "Dr Okafor"
    assert (stored.person_id, stored.redeemed_at, stored.parcels) == (None, None, None)
    event = AuditEvent.objects.get()
    assert (event.action, event.sphere, event.summary) == (
        "eligibility.voucher.recorded",
        "eligibility",
        {"partner": partner.pk},
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"adults": 0}, "adults"),
        ({"adults": 21}, "adults"),
        ({"children": 21}, "children"),
        ({"children": -1}, "children"),
        ({"issued_on": SUMMER_MIDDAY.date() + timedelta(days=1)}, "issued_on"),
        ({"code": "   "}, "code"),
        ({"code": "FB*12"}, "code"),
        ({"reason_codes": []}, "reason_codes"),
        ({"reason_codes": ["bad_luck"]}, "reason_codes"),
        ({"issued_by_name": " "}, "issued_by_name"),
    ],
)
# "Tomorrow" is worked out when the tests are collected: travel to a fixed day, so that it is
# still tomorrow when the test runs, even after midnight.
@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_record_voucher_bad_input_is_refused_and_writes_nothing(world, partner, overrides, field):
    with pytest.raises(ValidationError) as error:
        _record(world, partner, **overrides)
    assert set(error.value.message_dict) == {field}
    assert _voucher_count() == 0
    assert AuditEvent.objects.count() == 0


def test_record_voucher_reports_every_problem_at_once(world, partner):
    with pytest.raises(ValidationError) as error:
        _record(world, partner, adults=0, children=30, code="")
    assert set(error.value.message_dict) == {"adults", "children", "code"}
    assert "at least one adult" in error.value.message_dict["adults"][0]


def test_record_voucher_refuses_a_duplicate_code_however_it_is_typed(world, partner):
    _record(world, partner, code="FB1023")
    with pytest.raises(ValidationError) as error:
        _record(world, partner, code="fb 10 23")
    assert error.value.message_dict["code"] == ["A voucher with code FB1023 is already recorded."]
    assert _voucher_count() == 1
    assert AuditEvent.objects.count() == 1


def test_record_voucher_same_code_in_another_organisation_is_fine(world, partner):
    _record(world, partner, code="FB1023")
    oscar = MembershipFactory(organisation=world.other_org, role=Role.ASSESSOR)
    elsewhere = ReferralPartner.objects.create(
        organisation=world.other_org, name="Hillside GP", kind="gp_surgery"
    )
    _record(world, elsewhere, by=oscar, code="FB1023")
    assert _voucher_count() == 2


def test_record_voucher_refuses_inactive_or_unknown_partner(world, partner):
    partner.active = False
    partner.save()
    with pytest.raises(ValidationError) as error:
        _record(world, partner)
    assert "no longer issues vouchers" in error.value.message_dict["partner"][0]
    other = ReferralPartner.objects.create(
        organisation=world.other_org, name="Hillside GP", kind="gp_surgery"
    )
    with pytest.raises(ValidationError) as error:
        _record(world, other)
    assert set(error.value.message_dict) == {"partner"}
    assert _voucher_count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("name", ["alice", "colin", "sam", "dana", "fern", "olly"])
def test_only_an_assessor_may_record_vouchers(world, partner, name):
    with pytest.raises(PermissionDenied):
        _record(world, partner, by=world.members[name])
    assert _voucher_count() == 0


def test_redeem_voucher_attaches_the_person_once(world, make_voucher):
    voucher = make_voucher()
    at = timezone.now() - timedelta(minutes=1)
    services.redeem_voucher(
        voucher, by=world.members["amir"], person=world.person, parcels=2, at=at
    )
    stored = Voucher.objects.for_system("test").get(pk=voucher.pk)
    assert (stored.person_id, stored.redeemed_at, stored.redeemed_by_id, stored.parcels) == (
        world.person.pk,
        at,
        world.user("amir").pk,
        2,
    )
    assert stored.role_separation_relaxed is False
    event = AuditEvent.objects.get()
    assert (event.action, event.person_id, event.summary) == (
        "eligibility.voucher.redeemed",
        world.person.pk,
        {"parcels": 2, "role_separation_relaxed": False},
    )
    # Nothing about the voucher reaches the support sphere or the shared contact log.
    assert SupportNote.objects.for_system("test").count() == 0
    assert Contact.objects.count() == 0


def test_redeem_voucher_defaults_to_one_parcel_now(world, make_voucher):
    voucher = services.redeem_voucher(make_voucher(), by=world.members["amir"], person=world.person)
    assert voucher.parcels == 1
    assert abs(voucher.redeemed_at - timezone.now()) < timedelta(seconds=5)


def test_redeeming_twice_is_refused_and_changes_nothing(world, make_voucher):
    voucher = make_voucher()
    services.redeem_voucher(voucher, by=world.members["amir"], person=world.person)
    other = PersonFactory(team=world.team)
    with pytest.raises(ValidationError) as error:
        services.redeem_voucher(voucher, by=world.members["amir"], person=other)
    assert "already redeemed" in error.value.message_dict["voucher"][0]
    # A stale copy (someone else redeemed it a moment ago) is refused by the database too.
    stale = Voucher.objects.for_system("test").get(pk=voucher.pk)
    stale.redeemed_at = stale.person = stale.redeemed_by = stale.parcels = None
    with pytest.raises(ValidationError):
        services.redeem_voucher(stale, by=world.members["amir"], person=other)
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).person_id == world.person.pk
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"parcels": 0}, "parcels"),
        ({"parcels": 6}, "parcels"),
        ({"at": timezone.now() + timedelta(days=1)}, "at"),
        ({"at": timezone.now() - timedelta(days=30)}, "at"),
    ],
)
def test_redeem_bad_input_is_refused_and_writes_nothing(world, make_voucher, overrides, field):
    voucher = make_voucher()
    with pytest.raises(ValidationError) as error:
        services.redeem_voucher(
            voucher, **{"by": world.members["amir"], "person": world.person, **overrides}
        )
    assert set(error.value.message_dict) == {field}
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).redeemed_at is None
    assert AuditEvent.objects.count() == 0


def test_redeem_for_a_person_in_another_organisation_is_refused(world, make_voucher):
    voucher = make_voucher()
    with pytest.raises(ValidationError) as error:
        services.redeem_voucher(voucher, by=world.members["amir"], person=world.other_person)
    assert set(error.value.message_dict) == {"person"}
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).redeemed_at is None
    assert AuditEvent.objects.count() == 0


def test_an_assessor_of_another_organisation_may_not_redeem(world, make_voucher):
    oscar = MembershipFactory(organisation=world.other_org, role=Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        services.redeem_voucher(make_voucher(), by=oscar, person=world.person)
    assert AuditEvent.objects.count() == 0


def _amir_supports_pat(world, how):
    amir = world.user("amir")
    if how == "named worker now":
        world.person.spells.update(ended_on=timezone.localdate())
        SpellFactory(person=world.person, worker=amir)
    elif how == "named worker before":
        SpellFactory(
            person=world.person,
            worker=amir,
            started_on=timezone.localdate() - timedelta(days=900),
            ended_on=timezone.localdate() - timedelta(days=800),
        )
    elif how == "led a contact":
        ContactFactory(person=world.person, worker=amir)
    else:
        ContactFactory(person=world.person, worker=world.user("alice")).also_present.add(amir)


@pytest.mark.parametrize(
    "how", ["named worker now", "named worker before", "led a contact", "joined a contact"]
)
def test_a_supporter_may_not_redeem_for_the_person_they_support(world, make_voucher, how):
    _amir_supports_pat(world, how)
    beth = MembershipFactory(
        organisation=world.org,
        role=Role.ASSESSOR,
        user=UserFactory(username="beth", first_name="Beth", last_name="Jones"),
    )
    voucher = make_voucher()
    with pytest.raises(ValidationError) as error:
        services.redeem_voucher(voucher, by=world.members["amir"], person=world.person)
    message = error.value.message_dict["person"][0]
    assert "You support Pat Example" in message
    assert "does not decide what they get" in message
    assert "Ask Beth Jones to redeem it instead." in message
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).redeemed_at is None
    assert AuditEvent.objects.count() == 0
    # Beth does not support Pat, so she can.
    services.redeem_voucher(voucher, by=beth, person=world.person)


def test_refusal_without_another_assessor_says_who_can_do_it(world, make_voucher):
    _amir_supports_pat(world, "led a contact")
    with pytest.raises(ValidationError) as error:
        services.redeem_voucher(make_voucher(), by=world.members["amir"], person=world.person)
    assert "Ask another assessor who does not support them" in error.value.message_dict["person"][0]


def test_relaxed_organisation_allows_it_and_records_the_relaxation(world, make_voucher):
    world.org.allow_assessor_and_supporter = True
    world.org.save()
    _amir_supports_pat(world, "led a contact")
    amir = world.members["amir"]
    amir.organisation.refresh_from_db()
    voucher = services.redeem_voucher(make_voucher(), by=amir, person=world.person)
    assert voucher.role_separation_relaxed is True
    stored = Voucher.objects.for_system("test").get(pk=voucher.pk)
    assert stored.role_separation_relaxed is True
    event = AuditEvent.objects.get(action="eligibility.voucher.redeemed")
    assert event.summary == {"parcels": 1, "role_separation_relaxed": True}


def test_a_third_redemption_in_six_months_is_never_refused(world, make_voucher):
    make_voucher(person=world.person, days_ago=60)
    make_voucher(person=world.person, days_ago=30)
    voucher = services.redeem_voucher(make_voucher(), by=world.members["amir"], person=world.person)
    assert voucher.is_redeemed


def test_redeem_for_someone_new_adds_them_and_redeems_together(world, make_voucher):
    voucher = make_voucher()
    services.redeem_voucher_for_new_person(
        voucher,
        by=world.members["amir"],
        team=world.team,
        given_name=" Jo ",
        family_name="Bloggs",
        parcels=1,
    )
    person = Person.objects.get(given_name="Jo")
    assert (person.family_name, person.team, person.organisation) == (
        "Bloggs",
        world.team,
        world.org,
    )
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).person_id == person.pk
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "people.person.created",
        "eligibility.voucher.redeemed",
    ]


def test_redeem_for_someone_new_writes_nothing_when_refused(world, make_voucher):
    voucher = make_voucher()
    services.redeem_voucher(voucher, by=world.members["amir"], person=world.person)
    people = Person.objects.count()
    for kwargs in (
        {"voucher": voucher},  # already redeemed
        {"voucher": make_voucher(), "parcels": 9},
        {"voucher": make_voucher(), "given_name": "  "},
        {"voucher": make_voucher(), "team": world.other_person.team},
    ):
        fields = {
            "by": world.members["amir"],
            "team": world.team,
            "given_name": "Jo",
            "family_name": "Bloggs",
            "parcels": 1,
            **kwargs,
        }
        with pytest.raises(ValidationError):
            services.redeem_voucher_for_new_person(fields.pop("voucher"), **fields)
    assert Person.objects.count() == people
    assert AuditEvent.objects.count() == 1
    assert Voucher.objects.for_system("test").filter(redeemed_at__isnull=False).count() == 1


def test_accept_support_offer_records_a_neutral_worker_request(world, make_voucher):
    voucher = make_voucher(person=world.person, code="CANARY-77")
    request = services.accept_support_offer(
        voucher, by=world.members["amir"], on=timezone.localdate()
    )
    stored = WorkerRequest.objects.get()
    assert stored.pk == request.pk
    assert (stored.person, stored.requested_worker, stored.in_their_words) == (
        world.person,
        None,
        "Would like to talk to someone about what is going on",
    )
    assert list(AuditEvent.objects.order_by("id").values_list("action", "summary")) == [
        ("relationships.worker_request.recorded", {"requested_worker": None}),
        ("eligibility.support_offer.accepted", {"worker_request": request.pk}),
    ]


def test_accept_support_offer_needs_a_redeemed_voucher(world, make_voucher):
    with pytest.raises(ValidationError):
        services.accept_support_offer(
            make_voucher(), by=world.members["amir"], on=timezone.localdate()
        )
    assert WorkerRequest.objects.count() == 0


def test_partners_are_added_deactivated_and_reactivated_with_audit(world):
    amir = world.members["amir"]
    partner = services.add_referral_partner(
        world.org, by=amir, name="  Hill  Street School ", kind="school"
    )
    assert partner.name == "Hill Street School"
    with pytest.raises(ValidationError) as error:
        services.add_referral_partner(world.org, by=amir, name="hill street school", kind="school")
    assert set(error.value.message_dict) == {"name"}
    with pytest.raises(ValidationError) as error:
        services.add_referral_partner(world.org, by=amir, name="", kind="bank")
    assert set(error.value.message_dict) == {"name", "kind"}
    services.set_referral_partner_active(partner, by=amir, active=False)
    services.set_referral_partner_active(partner, by=amir, active=False)  # no change, no event
    services.set_referral_partner_active(partner, by=amir, active=True)
    assert ReferralPartner.objects.count() == 1
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "eligibility.partner.added",
        "eligibility.partner.deactivated",
        "eligibility.partner.reactivated",
    ]


def test_audit_summaries_never_hold_what_the_voucher_says(world, partner):
    voucher = _record(world, partner, code="CANARY1", issued_by_name="Dr Canary")
    services.redeem_voucher(voucher, by=world.members["amir"], person=world.person)
    services.accept_support_offer(voucher, by=world.members["amir"], on=timezone.localdate())
    text = str(list(AuditEvent.objects.values_list("summary", flat=True)))
    for secret in ("CANARY", "Canary", "benefit_delay", "debt"):
        assert secret not in text
