"""Referrals in: a partner's key (hashed, rotatable, rate limited), the coordinator's triage with
the possible-match check and a named worker, and the partner told only the outcome."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.common import links
from alongside.inbox.queries import Kind, inbox_for
from alongside.people.models import Person
from alongside.referrals import services
from alongside.referrals.models import InStatus, ReferralIn
from alongside.referrals.queries import referrals_summary
from alongside.relationships.models import NamedWorkerSpell
from alongside.testing.factories import PersonFactory

# Every test here reads the clock (answer dates, the report period): one fixed instant.
pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)

REASON = "Lost her husband in spring CANARY-REFERRAL-IN"


def _partner(world, email="surgery@example.org"):
    return services.add_partner(
        world.org, by=world.members["colin"], name="Riverside Surgery", email=email
    )


def _form(key, **extra):
    data = {
        "key": key,
        "their_reference": "RS-1042",
        "given_name": "Robin",
        "family_name": "Newcombe",
        "phone": "07700 900555",
        "need": "connection",
        "reason": REASON,
        "agreed": "on",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_key_is_kept_only_as_a_hash_and_a_new_one_replaces_it(world):
    partner, key = _partner(world)
    assert partner.key_hash != key and len(partner.key_hash) == 64
    assert services.partner_for_key(key) == partner
    new = services.rotate_key(partner, by=world.members["colin"])
    assert services.partner_for_key(key) is None
    assert services.partner_for_key(new) == partner
    assert AuditEvent.objects.filter(action="referrals.partner.key_rotated").exists()


@pytest.mark.django_db
def test_a_partner_refers_through_the_public_form(world, client):
    _partner_row, key = _partner(world)
    url = reverse("referrals:partner_form")
    assert client.get(url).status_code == 200
    response = client.post(url, _form("wrong-key"))
    assert response.status_code == 400 and "That key does not work" in response.content.decode()
    response = client.post(url, _form(key, agreed=""))
    assert response.status_code == 400
    assert ReferralIn.objects.count() == 0
    response = client.post(url, _form(key))
    assert response.status_code == 200 and "we have your referral" in response.content.decode()
    referral = ReferralIn.objects.get()
    assert referral.reason == REASON and referral.status == InStatus.WAITING
    assert AuditEvent.objects.filter(action="referrals.in.received").exists()
    kinds = {s.kind: s for s in inbox_for(world.members["colin"]).sections}
    assert "Robin Newcombe" in kinds[Kind.REFERRAL_IN].items[0].detail
    assert Kind.REFERRAL_IN not in {s.kind for s in inbox_for(world.members["alice"]).sections}


@pytest.mark.django_db
def test_wrong_keys_are_rate_limited_by_address(world, client, monkeypatch):
    monkeypatch.setattr(links, "RATE_PER_IP", 2)
    url = reverse("referrals:partner_form")
    statuses = [client.post(url, _form(f"guess-{n}")).status_code for n in range(4)]
    assert statuses[:2] == [400, 400] and statuses[-1] == 429


@pytest.mark.django_db
def test_triage_accepts_onto_a_new_record_with_a_named_worker_and_tells_the_partner_only_the_outcome(
    world, django_capture_on_commit_callbacks
):
    partner, _key = _partner(world)
    referral = services.receive(
        partner,
        given_name="Robin",
        family_name="Newcombe",
        phone="07700 900555",
        need="connection",
        reason=REASON,
        their_reference="RS-1042",
        agreed=True,
    )
    colin = world.client("colin")
    url = reverse("referrals:incoming_one", args=[referral.pk])
    page = colin.get(url)
    assert page.status_code == 200 and REASON in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = colin.post(
            url,
            {"decision": "accept", "team": world.team.pk, "worker": world.user("cara").pk},
        )
    assert response.status_code == 302, response.content.decode()
    referral.refresh_from_db()
    person = Person.objects.get(given_name="Robin")
    assert referral.status == InStatus.ACCEPTED and referral.person == person
    assert NamedWorkerSpell.objects.get(person=person, ended_on__isnull=True).worker == world.user(
        "cara"
    )
    (email,) = mail.outbox
    assert (
        email.to == ["surgery@example.org"] and "RS-1042" in email.body and "accepted" in email.body
    )
    assert REASON not in email.body and "Robin" not in email.body
    assert AuditEvent.objects.filter(action="referrals.in.accepted", person_id=person.pk).exists()


@pytest.mark.django_db
def test_triage_asks_about_a_possible_match_and_can_use_that_record(world):
    partner, _key = _partner(world, email="")
    known = PersonFactory(team=world.team, given_name="Robin", family_name="Newcombe")
    referral = services.receive(
        partner,
        given_name="Robin",
        family_name="Newcombe",
        phone="",
        email="r@example.org",
        need="money",
        reason="",
        agreed=True,
    )
    colin = world.client("colin")
    url = reverse("referrals:incoming_one", args=[referral.pk])
    assert "may already be known to us" in colin.get(url).content.decode()
    response = colin.post(
        url, {"decision": "accept", "team": world.team.pk, "worker": world.user("cara").pk}
    )
    assert response.status_code == 400  # a possible match: asked, nothing saved
    assert ReferralIn.objects.get().status == InStatus.WAITING
    response = colin.post(
        url, {"decision": "accept", "person": known.pk, "worker": world.user("cara").pk}
    )
    assert response.status_code == 302
    assert ReferralIn.objects.get().person == known
    assert Person.objects.filter(given_name="Robin").count() == 1


@pytest.mark.django_db
def test_not_suitable_tells_the_partner_nothing_more(world, django_capture_on_commit_callbacks):
    partner, _key = _partner(world)
    referral = services.receive(
        partner, given_name="Robin", phone="1", need="money", reason=REASON, agreed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            referral, by=world.members["colin"], decision=services.Decision(accept=False)
        )
    assert ReferralIn.objects.get().status == InStatus.NOT_SUITABLE
    assert "not one we can take on" in mail.outbox[0].body and REASON not in mail.outbox[0].body


@pytest.mark.django_db
def test_only_coordinators_triage(world):
    partner, _key = _partner(world)
    referral = services.receive(partner, given_name="Robin", phone="1", need="money", agreed=True)
    for name in ("alice", "dana", "fern", "olly"):
        assert (
            world.client(name)
            .get(reverse("referrals:incoming_one", args=[referral.pk]))
            .status_code
            == 404
        )


@pytest.mark.django_db
def test_the_report_counts_by_need_and_outcome_with_small_numbers_withheld(world):
    from alongside.referrals.tests.test_referrals_out import _refer

    answered = []
    for n in range(7):
        referral, _token = _refer(world, need="money")
        if n < 5:
            services.answer(referral, status="seen", reason="")
            answered.append(referral)
    _refer(world, need="housing")
    partner, _key = _partner(world, email="")
    services.receive(partner, given_name="Robin", phone="1", need="money", agreed=True)
    summary = referrals_summary(world.org.pk, date(2026, 6, 1), date(2026, 6, 30))
    rows = {row.label: row.cells for row in summary.out_rows}
    assert rows["Money, debt or benefits"] == [
        "7",
        "5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
    ]
    assert rows["Housing"][0] == "fewer than 5"
    assert summary.out_sent == "8"
    assert summary.answered_share == "62%"  # 5 of 8
    assert summary.in_rows[0].cells[0] == "fewer than 5"
    body = world.client("fern").get(reverse("reports:report") + "?start=2026-06-01&end=2026-06-30")
    assert "Referrals out and in" in body.content.decode()
    assert "62%" in body.content.decode()


@pytest.mark.django_db
def test_an_old_referral_is_outside_the_period(world):
    from alongside.referrals.tests.test_referrals_out import _refer

    _refer(world)
    summary = referrals_summary(world.org.pk, date(2026, 1, 1), date(2026, 1, 31))
    assert summary.out_rows == [] and summary.answered_share == "fewer than 5"


@pytest.mark.django_db
def test_a_partner_refers_through_the_api_with_its_key_and_reads_only_the_outcome(world, client):
    partner, key = _partner(world)
    body = {
        "given_name": "Robin",
        "phone": "07700 900555",
        "need": "money",
        "agreed": True,
        "reason": REASON,
        "their_reference": "RS-9",
    }
    url = "/api/v1/referrals/in"
    assert client.post(url, body, content_type="application/json").status_code == 404
    response = client.post(
        url, body, content_type="application/json", headers={"X-Partner-Key": "wrong"}
    )
    assert response.status_code == 404
    response = client.post(
        url,
        {**body, "need": "nonsense"},
        content_type="application/json",
        headers={"X-Partner-Key": key},
    )
    assert response.status_code == 422 and ReferralIn.objects.count() == 0
    response = client.post(
        url, body, content_type="application/json", headers={"X-Partner-Key": key}
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["outcome"] == "waiting" and answer["their_reference"] == "RS-9"
    referral = ReferralIn.objects.get()
    services.decide(referral, by=world.members["colin"], decision=services.Decision(accept=False))
    outcome = client.get(f"{url}/{referral.pk}", headers={"X-Partner-Key": key}).json()
    assert outcome == {"id": referral.pk, "their_reference": "RS-9", "outcome": "not_suitable"}
    assert REASON not in str(outcome)
    other, other_key = services.add_partner(
        world.org, by=world.members["colin"], name="Other", email=""
    )
    assert (
        client.get(f"{url}/{referral.pk}", headers={"X-Partner-Key": other_key}).status_code == 404
    )
