"""However busy, a signed-in session ends ALONGSIDE_SESSION_MAX_HOURS after it began (ASVS 7.3.2;
docs/access-and-audit.md, "Shared computers")."""

from datetime import timedelta

import pytest
from django.urls import reverse

from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)]


def test_a_busy_session_still_ends_after_the_absolute_limit(world, time_machine, settings):
    assert settings.ALONGSIDE_SESSION_MAX_HOURS == 12
    client = world.client("alice")
    person = reverse("people:person", args=[world.person.pk])
    for _ in range(23):  # busy all day: a page every half hour
        assert client.get(person).status_code == 200
        time_machine.shift(timedelta(minutes=30))
    assert client.get(person).status_code == 200  # 11 h 30 in
    time_machine.shift(timedelta(minutes=31))
    response = client.get(person)
    assert response.status_code == 302 and response.url.startswith(reverse("access:login"))
    assert "_auth_user_id" not in client.session
    again = client.get(person)  # the session is over, not just this request
    assert again.status_code == 302 and again.url.startswith(reverse("access:login"))


def test_the_api_gets_its_own_401_after_the_limit(world, time_machine, settings):
    settings.ALONGSIDE_SESSION_MAX_HOURS = 1
    settings.ALONGSIDE_SESSION_IDLE_MINUTES = 600
    client = world.client("alice")
    assert client.get("/api/v1/people").status_code == 200
    time_machine.shift(timedelta(minutes=61))
    assert client.get("/api/v1/people").status_code == 401
