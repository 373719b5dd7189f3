"""Coordinators create spaces and sessions; repeating patterns generate sessions."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.spaces.models import Session, Space
from alongside.spaces.tests.helpers import make_space

pytestmark = pytest.mark.django_db


def test_coordinator_creates_a_space_for_their_team(world):
    response = world.client("colin").post(
        reverse("spaces:create"),
        {
            "name": "Online coffee",
            "access": "drop_in",
            "online_link": "https://meet.example.org/c",
            "host": world.user("vic").pk,
            "team": world.team.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    space = Space.objects.get(name="Online coffee")
    assert (space.team, space.host, space.venue) == (world.team, world.user("vic"), "")
    assert AuditEvent.objects.filter(action="spaces.space.created").exists()


def test_a_space_needs_a_venue_or_a_link(world):
    response = world.client("colin").post(
        reverse("spaces:create"),
        {"name": "Nowhere", "access": "drop_in", "team": world.team.pk},
    )
    assert response.status_code == 400
    assert "Say where it meets" in response.content.decode()
    assert not Space.objects.exists()


def test_repeating_sessions_are_generated_and_not_doubled(world):
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    url = reverse("spaces:repeat", args=[space.pk])
    data = {
        "weekday": 1,
        "starts_at": "12:00",
        "ends_at": "14:00",
        "every_weeks": 2,
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-28",
    }
    assert world.client("alice").post(url, data).status_code == 302
    days = list(Session.objects.filter(space=space).values_list("on", flat=True))
    assert days == [date(2026, 1, 6), date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 17)]
    # the same pattern again adds nothing twice
    assert world.client("colin").post(url, data).status_code == 302
    assert Session.objects.filter(space=space).count() == 4
    bad = world.client("alice").post(url, data | {"ends_at": "11:00"})
    assert bad.status_code == 400 and Session.objects.filter(space=space).count() == 4


def test_an_extra_session_and_cancelling_one(world):
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    day = timezone.localdate() + timedelta(days=3)
    add = reverse("spaces:add_session", args=[space.pk])
    data = {"on": day.isoformat(), "starts_at": "18:00", "ends_at": "19:00"}
    assert world.client("alice").post(add, data).status_code == 302
    again = world.client("alice").post(add, data)
    assert again.status_code == 400 and "already a session" in again.content.decode()
    session = Session.objects.get(space=space)
    assert (
        world.client("colin").post(reverse("spaces:cancel_session", args=[session.pk])).status_code
        == 302
    )
    session.refresh_from_db()
    assert session.is_cancelled
    listing = world.client("cara").get(reverse("spaces:list")).content.decode()
    assert "Cancelled" in listing


def test_editing_a_space(world):
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    url = reverse("spaces:edit", args=[space.pk])
    assert world.client("colin").get(url).status_code == 200
    response = world.client("colin").post(
        url,
        {
            "name": "Lunch club",
            "access": "invitation",
            "venue": "The hall",
            "team": world.team.pk,
            "host": world.user("alice").pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.access == "invitation"
    assert AuditEvent.objects.get(action="spaces.space.changed").summary == {"fields": ["access"]}


def test_invite_from_the_person(world):
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    url = reverse("spaces:invite", args=[world.person.pk])
    assert world.client("cara").post(url, {"space": space.pk}).status_code == 302
    assert world.client("cara").post(url, {"space": space.pk}).status_code == 302
    assert space.invitations.count() == 1
