"""The volunteer journey: a public enquiry, each step dated with who did it, going back with a
reason, references and checks as facts, who is waiting on what in the coordinator's inbox, and
an account through the ordinary invitation when they become active."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.access.models import Membership, Role
from alongside.audit.models import AuditEvent
from alongside.common import links
from alongside.connections.models import VolunteerProfile
from alongside.inbox.queries import Kind, inbox_for
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.helpers import reset_rate_limits
from alongside.volunteers import services
from alongside.volunteers.forms import CheckForm
from alongside.volunteers.models import Check, CheckKind, Reference, Stage, Volunteer
from alongside.workers.models import Invitation

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)
TODAY = date(2026, 6, 15)


def _enquiry(world, **extra):
    data = {"given_name": "Robin", "family_name": "Hart", "email": "robin@example.org"}
    data.update(extra)
    return services.enquire(world.org, **data)


def _cleared(volunteer, by):
    """What the default requirements need (decision 0092): two satisfactory references and a
    basic DBS check in date."""
    for referee in ("Jan Price", "Sam Okoro"):
        reference = services.ask_reference(volunteer, by=by, referee=referee, asked_on=TODAY)
        services.reference_received(reference, by=by, received_on=TODAY, satisfactory=True)
    services.save_check(
        volunteer,
        by=by,
        kind=CheckKind.DBS,
        requested_on=TODAY,
        level="basic",
        certificate_number="001234567890",
        issued_on=TODAY,
    )


def _section(world, kind=Kind.VOLUNTEER_WAITING, persona="colin"):
    inbox = inbox_for(world.members[persona], today=TODAY)
    return next((s for s in inbox.sections if s.kind == kind), None)


def test_the_public_form_names_the_organisation_and_takes_an_enquiry(world, client):
    reset_rate_limits()
    url = reverse("volunteers:enquire", args=[world.org.slug])
    page = client.get(url)
    assert page.status_code == 200 and "Volunteer with Riverside Test Hub" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    response = client.post(
        url,
        {"given_name": "Robin", "email": "Robin@Example.org", "offer": "Saturday mornings"},
    )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    volunteer = Volunteer.objects.get()
    assert (volunteer.stage, volunteer.email, volunteer.enquired_on) == (
        Stage.ENQUIRY,
        "robin@example.org",
        TODAY,
    )
    (change,) = volunteer.changes.all()
    assert change.by is None and change.to_stage == Stage.ENQUIRY and change.on == TODAY
    assert AuditEvent.objects.filter(action="volunteers.volunteer.enquired").count() == 1


def test_a_bad_enquiry_answers_400_in_plain_english_and_saves_nothing(world, client):
    reset_rate_limits()
    url = reverse("volunteers:enquire", args=[world.org.slug])
    response = client.post(url, {"given_name": "", "email": "not an address"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter your first name" in text and "email address" in text
    assert not Volunteer.objects.exists()


def test_an_unknown_organisation_is_404_and_sending_is_rate_limited(world, client, monkeypatch):
    reset_rate_limits()
    assert client.get("/volunteers/offer/no-such-place/").status_code == 404
    monkeypatch.setattr(links, "RATE_PER_IP", 2)
    url = reverse("volunteers:enquire", args=[world.org.slug])
    codes = [client.post(url, {"given_name": "", "email": ""}).status_code for _ in range(4)]
    assert codes[:1] == [400] and codes[-1] == 429


def test_each_step_is_dated_with_who_and_going_back_needs_a_reason(world):
    colin = world.members["colin"]
    volunteer = _enquiry(world)
    services.move(volunteer, to=Stage.CONVERSATION, by=colin)
    services.move(volunteer, to=Stage.REFERENCES, by=colin)
    with pytest.raises(ValidationError) as error:
        services.move(volunteer, to=Stage.CONVERSATION, by=colin)
    assert "Say why" in error.value.message_dict["reason"][0]
    services.move(volunteer, to=Stage.CONVERSATION, by=colin, reason="Wants to talk again first")
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.CONVERSATION
    steps = [(c.from_stage, c.to_stage, c.by, c.reason) for c in volunteer.changes.all()]
    assert steps == [
        ("", Stage.ENQUIRY, None, ""),
        (Stage.ENQUIRY, Stage.CONVERSATION, colin.user, ""),
        (Stage.CONVERSATION, Stage.REFERENCES, colin.user, ""),
        (Stage.REFERENCES, Stage.CONVERSATION, colin.user, "Wants to talk again first"),
    ]
    assert AuditEvent.objects.filter(action="volunteers.volunteer.moved").count() == 3


def test_becoming_active_invites_them_through_the_ordinary_invitation(
    world, django_capture_on_commit_callbacks
):
    colin = world.members["colin"]
    volunteer = _enquiry(world)
    _cleared(volunteer, colin)
    services.move(volunteer, to=Stage.INDUCTION, by=colin)
    with django_capture_on_commit_callbacks(execute=True):
        services.move(volunteer, to=Stage.ACTIVE, by=colin)
    volunteer.refresh_from_db()
    membership = volunteer.membership
    assert membership is not None and membership.role == Role.VOLUNTEER
    assert membership.team == colin.team and membership.user.email == "robin@example.org"
    assert Invitation.objects.get(membership=membership).is_usable
    assert any("invited" in m.subject for m in mail.outbox)
    profile = VolunteerProfile.objects.create(organisation=world.org, membership=membership)
    services.move(volunteer, to=Stage.PAUSED, by=colin, reason="Exams")
    profile.refresh_from_db()
    assert not profile.available_for_matching
    services.move(volunteer, to=Stage.LEAVING, by=colin)
    membership.refresh_from_db()
    assert membership.leaving_on == TODAY


def test_becoming_active_with_an_address_already_in_use_is_refused_whole(world):
    colin = world.members["colin"]
    UserFactory(username="taken@example.org", email="taken@example.org")
    volunteer = _enquiry(world, email="taken@example.org")
    _cleared(volunteer, colin)
    with pytest.raises(ValidationError) as error:
        services.move(volunteer, to=Stage.ACTIVE, by=colin)
    assert "could not be invited" in error.value.message_dict["to"][0]
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.ENQUIRY and volunteer.membership is None
    assert volunteer.changes.count() == 1


def test_the_inbox_says_who_is_waiting_on_what_until_it_comes_back(world):
    colin = world.members["colin"]
    volunteer = _enquiry(world)
    services.move(volunteer, to=Stage.REFERENCES, by=colin)
    reference = services.ask_reference(
        volunteer, by=colin, referee="Jan Price (former manager)", asked_on=date(2026, 6, 3)
    )
    services.save_check(volunteer, by=colin, kind=CheckKind.DBS, requested_on=date(2026, 5, 1))
    section = _section(world)
    details = [item.detail for item in section.items]
    assert "Waiting for a reference from Jan Price (former manager) for 12 days." in details
    assert "DBS check not back after 45 days." in details
    assert all(item.title == "Robin Hart" for item in section.items)
    dbs = next(i for i in section.items if "DBS" in i.detail)
    assert dbs.overdue(TODAY) and dbs.action_url == f"/volunteers/{volunteer.pk}/"
    services.reference_received(reference, by=colin, received_on=TODAY, satisfactory=True)
    check = Check.objects.get()
    services.save_check(
        volunteer,
        by=colin,
        check=check,
        kind=CheckKind.DBS,
        requested_on=check.requested_on,
        level="enhanced_barred",
        certificate_number="0012 3456 7890",
        issued_on=date(2026, 6, 1),
    )
    assert _section(world) is None
    check.refresh_from_db()
    assert check.certificate_number == "001234567890" and check.done
    # Only the coordinator's inbox carries the work; a supporter's "to do" does not.
    assert _section(world, persona="alice") is None


def test_the_inbox_kind_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    colin = world.members["colin"]
    for n in range(6):
        volunteer = _enquiry(world, email=f"v{n}@example.org")
        services.move(volunteer, to=Stage.REFERENCES, by=colin)
        services.ask_reference(volunteer, by=colin, referee=f"R{n}", asked_on=TODAY)
        services.save_check(volunteer, by=colin, kind=CheckKind.DBS, requested_on=TODAY)
    from alongside.inbox.queries import volunteers_waiting

    with django_assert_max_num_queries(3):
        items = volunteers_waiting(colin, today=TODAY)
    assert len(items) == 12


def test_checks_are_facts_with_plain_english_mistakes(world):
    colin = world.members["colin"]
    volunteer = _enquiry(world)
    assert not any(f.__class__.__name__ == "FileField" for f in CheckForm().fields.values())
    with pytest.raises(ValidationError) as error:
        services.save_check(
            volunteer,
            by=colin,
            kind=CheckKind.DBS,
            requested_on=TODAY,
            level="enhanced",
            certificate_number="12345",
            issued_on=TODAY,
        )
    assert "12 digits" in error.value.message_dict["certificate_number"][0]
    with pytest.raises(ValidationError) as error:
        services.save_check(
            volunteer,
            by=colin,
            kind=CheckKind.RIGHT_TO_VOLUNTEER,
            requested_on=TODAY,
            level="basic",
        )
    assert "only the day it was seen" in error.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as error:
        services.save_check(volunteer, by=colin, kind=CheckKind.DBS, requested_on=date(2026, 7, 1))
    assert "future" in error.value.message_dict["requested_on"][0]
    assert not Check.objects.exists()


def test_pages_answer_400_on_bad_input_and_404_to_other_roles(world):
    volunteer = _enquiry(world)
    colin = world.client("colin")
    page = colin.get(f"/volunteers/{volunteer.pk}/")
    assert page.status_code == 200 and "Robin Hart" in page.content.decode()
    bad = colin.post(f"/volunteers/{volunteer.pk}/references/", {"referee": "", "asked_on": ""})
    assert bad.status_code == 400 and "Enter" in bad.content.decode()
    assert not Reference.objects.exists()
    moved = colin.post(
        f"/volunteers/{volunteer.pk}/move/", {"to": "conversation", "on": "2026-06-15"}
    )
    assert moved.status_code == 302
    for persona in ("alice", "vic", "amir", "sam", "fern"):
        assert world.client(persona).get(f"/volunteers/{volunteer.pk}/").status_code == 404
        assert world.client(persona).get("/volunteers/").status_code == 404
    elsewhere = MembershipFactory(organisation=world.other_org, role=Role.COORDINATOR)
    assert isinstance(elsewhere, Membership)
    from django.test import Client

    other = Client()
    other.force_login(elsewhere.user)
    assert other.get(f"/volunteers/{volunteer.pk}/").status_code == 404
    assert world.client("dana").get(f"/volunteers/{volunteer.pk}/").status_code == 200


def test_an_enquiry_sent_twice_is_one_enquiry(world, client):
    reset_rate_limits()
    url = reverse("volunteers:enquire", args=[world.org.slug])
    offer = {"given_name": "Robin", "email": "robin@example.org", "offer": "Saturdays"}
    for _ in range(2):
        response = client.post(url, offer)
        assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert Volunteer.objects.count() == 1
    assert AuditEvent.objects.filter(action="volunteers.volunteer.enquired").count() == 1
    # Once answered (moved on), a new offer from the same address is a new enquiry.
    services.move(Volunteer.objects.get(), to=Stage.LEAVING, by=world.members["colin"], reason="x")
    client.post(url, offer)
    assert Volunteer.objects.count() == 2


def test_a_reference_asked_for_twice_by_one_submit_is_saved_once(world):
    volunteer = _enquiry(world)
    colin = world.client("colin")
    form = {
        "referee": "Pat Lee",
        "asked_on": "2026-06-15",
        "submit_token": "one-submit-token-for-this-test",
    }
    first = colin.post(f"/volunteers/{volunteer.pk}/references/", form)
    second = colin.post(f"/volunteers/{volunteer.pk}/references/", form)
    assert first.status_code == 302 and second.status_code == 303  # 303: "already saved"
    assert Reference.objects.filter(volunteer=volunteer).count() == 1


def test_the_public_form_carries_a_submit_token_and_one_form_sent_twice_is_one_enquiry(
    world, client
):
    reset_rate_limits()
    url = reverse("volunteers:enquire", args=[world.org.slug])
    assert 'name="submit_token"' in client.get(url).content.decode()
    offer = {
        "given_name": "Robin",
        "email": "robin@example.org",
        "submit_token": "one-drawn-enquiry-form-token",
    }
    assert client.post(url, offer).status_code == 200
    # Answered in between, so the address rule alone would take a second enquiry: the token
    # still makes the same form sent again the same enquiry.
    services.move(Volunteer.objects.get(), to=Stage.CONVERSATION, by=world.members["colin"])
    again = client.post(url, offer)
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    assert Volunteer.objects.count() == 1
    assert AuditEvent.objects.filter(action="volunteers.volunteer.enquired").count() == 1
    # A fresh form (a new token) is a new offer.
    client.post(url, {**offer, "submit_token": "another-drawn-enquiry-form"})
    assert Volunteer.objects.count() == 2
