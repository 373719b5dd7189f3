"""Shared computers: nothing kept in the browser's cache, idle sessions signed out, sessions that
end with the browser (issue 11, part 3; decision 0013)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age
from django.utils.http import urlencode

from alongside.measures import services
from alongside.measures.builtins import ONS4
from alongside.measures.models import SittingKind
from alongside.measures.tests.helpers import version
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.helpers import reset_rate_limits

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY)]
AWAY = reverse("access:signed_out_away")


def never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


# Cache-Control ----------------------------------------------------------------------------------


def test_sign_in_page_errors_and_public_links_are_never_stored(world):
    reset_rate_limits()
    anonymous = Client()
    assert never_stored(anonymous.get(reverse("access:login")))
    failed = anonymous.post(  # "login" is django-allauth's name for the username field
        reverse("access:login"), {"username": "alice", "login": "alice", "password": "wrong"}
    )
    assert failed.status_code in (200, 400) and never_stored(failed)  # it shows the name typed
    assert never_stored(world.client("alice").get("/no-such-page/"))
    _, token = services.start_sitting(
        world.person, by=world.members["alice"], versions=[version(ONS4)], kind=SittingKind.LINK
    )
    for url in (reverse("measures:answer", args=[token]), "/connections/i/not-a-token/"):
        response = anonymous.get(url)
        assert response.status_code in (200, 404) and never_stored(response), url


def test_a_record_page_and_the_api_are_never_stored(world):
    client = world.client("alice")
    page = client.get(reverse("people:person", args=[world.person.pk]))
    assert page.status_code == 200 and never_stored(page)
    assert get_max_age(page) in (None, 0)
    api = client.get(f"/api/v1/people/{world.person.pk}")
    assert api.status_code == 200 and never_stored(api)


# Sessions end with the browser ----------------------------------------------------------------


def test_the_session_cookie_ends_when_the_browser_closes(world):
    client = world.client("alice")
    response = client.get(reverse("relationships:home"))  # the first page saves the session
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie


# Idle sign-out ---------------------------------------------------------------------------------


@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_an_idle_session_is_signed_out_with_a_kind_page(world, time_machine):
    client = world.client("alice")
    person = reverse("people:person", args=[world.person.pk])
    assert client.get(person).status_code == 200
    time_machine.shift(timedelta(minutes=59))
    assert client.get(person).status_code == 200  # still here: this counts as activity
    time_machine.shift(timedelta(minutes=60, seconds=30))
    response = client.get(person)
    assert response.status_code == 302
    assert response.url == AWAY + "?" + urlencode({"next": person})
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and never_stored(page)
    assert "You were signed out because you were away" in body
    assert f'href="{reverse("access:login")}?next=%2Fpeople%2F' in body
    assert "Pat" not in body and "Alice" not in body and "alice" not in body
    # The session is over: the record now asks for a sign-in.
    again = client.get(person)
    assert again.status_code == 302 and again.url.startswith(reverse("access:login"))


@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_the_idle_time_is_a_setting(world, time_machine, settings):
    settings.ALONGSIDE_SESSION_IDLE_MINUTES = 5
    client = world.client("alice")
    home = reverse("relationships:home")
    assert client.get(home).status_code == 200
    time_machine.shift(timedelta(minutes=4))
    assert client.get(home).status_code == 200
    time_machine.shift(timedelta(minutes=6))
    assert client.get(home).url.startswith(AWAY)


@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_the_signed_out_page_does_not_carry_a_name_searched_for(world, time_machine):
    client = world.client("alice")
    people = reverse("people:person_list")
    assert client.get(people).status_code == 200
    time_machine.shift(timedelta(hours=2))
    response = client.get(people, {"q": "Pat Example"})
    assert response.url == AWAY + "?" + urlencode({"next": people})
    assert "Pat" not in client.get(response.url).content.decode()


@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_htmx_is_told_to_go_to_the_signed_out_page_not_given_a_page_to_swap(world, time_machine):
    client = world.client("alice")
    people = reverse("people:person_list")
    assert client.get(people).status_code == 200
    time_machine.shift(timedelta(hours=2))
    response = client.get(people, {"q": "Pat"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == AWAY
    assert response.content == b""
    # Once signed out, htmx is sent to the sign-in page the same way (not handed it to swap in).
    later = client.get(people, {"q": "Pat"}, headers={"HX-Request": "true"})
    assert later.status_code == 200 and later.content == b""
    assert later["HX-Redirect"].startswith(reverse("access:login"))


@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_an_idle_api_call_gets_the_apis_own_401_not_the_signed_out_page(world, time_machine):
    client = world.client("alice")
    url = f"/api/v1/people/{world.person.pk}"
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(hours=2))
    response = client.get(url)
    anonymous = Client().get(url)
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})
    assert (response.status_code, response.content) == (anonymous.status_code, anonymous.content)
    assert response["Content-Type"] == anonymous["Content-Type"]
    assert "Pat" not in response.content.decode()
    # The session is over all the same: a page now asks for a sign-in.
    page = client.get(reverse("people:person", args=[world.person.pk]))
    assert page.status_code == 302 and page.url.startswith(reverse("access:login"))


def test_the_signed_out_page_needs_no_sign_in_and_ignores_an_outside_next(client):
    page = client.get(AWAY, {"next": "https://evil.example/"})
    body = page.content.decode()
    assert page.status_code == 200 and "evil.example" not in body
    assert f'href="{reverse("access:login")}"' in body
