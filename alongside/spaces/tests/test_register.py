"""The register: one tap per person, idempotent, htmx rows, the door welcome, bad input."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.common.once import new_token
from alongside.people.models import Person
from alongside.spaces import services
from alongside.spaces.models import Attendance, DoorWelcome, Invitation
from alongside.spaces.tests.helpers import attend, make_session, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    space = make_space(world.org, team=world.team, host=world.user("vic"))
    return make_session(space)


def _mark(world, persona, session, person, **extra):
    url = reverse("spaces:mark_present", args=[session.pk, person.pk])
    return world.client(persona).post(url, **extra)


def test_register_lists_recent_comers_and_invited_people(world, session):
    last_week = make_session(session.space, on=session.on - timedelta(days=7))
    attend(last_week, world.person)
    long_ago = make_session(session.space, on=session.on - timedelta(weeks=20))
    gone = Person.objects.create(organisation=world.org, team=world.team, given_name="Gone")
    attend(long_ago, gone)
    invited = Person.objects.create(organisation=world.org, team=world.team, given_name="Ivy")
    Invitation.objects.create(
        organisation=world.org, space=session.space, person=invited, invited_by=world.user("colin")
    )
    page = world.client("vic").get(reverse("spaces:register", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pat Example" in html and "Ivy" in html and "Invited" in html
    assert "Gone" not in html


def test_one_tap_marks_present_and_a_second_tap_changes_nothing(world, session):
    attend(make_session(session.space, on=session.on - timedelta(days=7)), world.person)
    first = _mark(world, "vic", session, world.person)
    assert first.status_code == 302
    assert first.url.endswith(f"#person-{world.person.pk}")
    events = AuditEvent.objects.filter(action="spaces.attendance.marked").count()
    second = _mark(world, "vic", session, world.person)
    assert second.status_code == 302
    assert Attendance.objects.filter(session=session, person=world.person).count() == 1
    assert AuditEvent.objects.filter(action="spaces.attendance.marked").count() == events == 1


def test_htmx_tap_swaps_just_the_row(world, session):
    response = _mark(world, "alice", session, world.person, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li id="person-{world.person.pk}" class="is-present"')
    assert "<html" not in html and "Undo" in html
    undo = world.client("alice").post(
        reverse("spaces:mark_absent", args=[session.pk, world.person.pk]), HTTP_HX_REQUEST="true"
    )
    assert undo.status_code == 200 and 'class="is-present"' not in undo.content.decode()
    assert not Attendance.objects.filter(session=session).exists()
    assert AuditEvent.objects.filter(action="spaces.attendance.unmarked").count() == 1


def test_marking_a_get_is_refused(world, session):
    url = reverse("spaces:mark_present", args=[session.pk, world.person.pk])
    assert world.client("alice").get(url).status_code == 405


def test_a_session_still_to_come_or_cancelled_is_answered_and_nothing_saved(world, session):
    tomorrow = make_session(session.space, on=timezone.localdate() + timedelta(days=1))
    response = _mark(world, "alice", tomorrow, world.person)
    assert response.status_code == 400
    assert "has not happened yet" in response.content.decode()
    services.cancel_session(session, by=world.members["colin"])
    response = _mark(world, "alice", session, world.person)
    assert response.status_code == 400 and "cancelled" in response.content.decode()
    assert not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(action="spaces.attendance.marked").exists()


def test_someone_from_another_organisation_cannot_be_marked(world, session):
    assert _mark(world, "alice", session, world.other_person).status_code == 404
    with pytest.raises(ValidationError):
        services.mark_present(session, world.other_person, by=world.members["alice"])
    assert not Attendance.objects.exists()


def test_volunteer_host_marks_only_the_expected_or_people_they_work_with(world, session):
    stranger = Person.objects.create(organisation=world.org, team=world.team, given_name="Sol")
    assert _mark(world, "vic", session, stranger).status_code == 404
    Invitation.objects.create(
        organisation=world.org, space=session.space, person=stranger, invited_by=world.user("colin")
    )
    assert _mark(world, "vic", session, stranger).status_code == 302


def test_welcomed_at_the_door_with_just_a_first_name(world, session):
    url = reverse("spaces:new_here", args=[session.pk])
    response = world.client("vic").post(url, {"given_name": " Mo ", "contact_details": ""})
    assert response.status_code == 302
    person = Person.objects.get(given_name="Mo")
    assert person.family_name == "" and person.team == world.team
    assert person.contact_preference == "in_person"
    assert DoorWelcome.objects.get(person=person).session == session
    assert Attendance.objects.filter(session=session, person=person).exists()
    page = world.client("vic").get(reverse("spaces:register", args=[session.pk]))
    assert "New here" in page.content.decode()
    assert (
        AuditEvent.objects.filter(
            action__in=[
                "people.person.created",
                "spaces.person.welcomed_at_door",
                "spaces.attendance.marked",
            ],
            person_id=person.pk,
        ).count()
        == 3
    )


def test_door_welcome_without_a_name_is_answered_and_creates_nobody(world, session):
    before = Person.objects.count()
    response = world.client("alice").post(
        reverse("spaces:new_here", args=[session.pk]), {"given_name": "  ", "contact_details": "07"}
    )
    assert response.status_code == 400
    assert "first name" in response.content.decode().lower()
    assert Person.objects.count() == before and not DoorWelcome.objects.exists()


def test_door_welcome_is_all_or_nothing(world, session, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the tablet dropped")

    # welcome_at_door calls the register module's own mark_present.
    monkeypatch.setattr("alongside.spaces.services.register.mark_present", broken)
    before = Person.objects.count()
    with pytest.raises(RuntimeError):
        services.welcome_at_door(session, by=world.members["alice"], given_name="Mo")
    assert Person.objects.count() == before
    assert not DoorWelcome.objects.exists()
    assert not AuditEvent.objects.filter(action="people.person.created").exists()


def test_find_someone_not_on_the_list(world, session):
    page = world.client("alice").get(reverse("spaces:register", args=[session.pk]), {"q": "Pat"})
    assert page.status_code == 200
    assert (
        reverse("spaces:mark_present", args=[session.pk, world.person.pk]) in page.content.decode()
    )


def test_sessions_can_be_cancelled_only_before_anyone_is_marked(world, session):
    attend(session, world.person)
    response = world.client("colin").post(reverse("spaces:cancel_session", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_welcome_sent_twice_welcomes_one_person(world, session):
    url = reverse("spaces:new_here", args=[session.pk])
    page = world.client("vic").get(reverse("spaces:register", args=[session.pk]))
    assert 'name="submit_token"' in page.content.decode()
    form = {"given_name": "Mo", "contact_details": "", "submit_token": new_token()}
    first = world.client("vic").post(url, form)
    again = world.client("vic").post(url, form)
    assert first.status_code == 302
    # the repeat lands on the register the first led to (a #fragment is not kept)
    assert again.status_code == 303 and again["Location"] == first["Location"].split("#")[0]
    assert Person.objects.filter(given_name="Mo").count() == 1
    assert DoorWelcome.objects.count() == 1
