"""The kiosk: while the person holds the tablet, the worker's session reaches nothing but the
questions; every other page asks for the worker's password first (issue 11, part 3; decision 0013)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from alongside.measures.builtins import RELATIONSHIP_CHECK
from alongside.measures.models import Sitting
from alongside.measures.tests.helpers import RC_ALL_AGREE, form_data, version
from alongside.relationships.models import Contact
from alongside.testing.clock import SUMMER_MIDDAY

# The sitting's expiry and the idle sign-out both read the clock.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY)]
PASSWORD = "a long test password"
UNLOCK = reverse("access:kiosk_unlock")


def hand_over(world) -> tuple[Client, str]:
    """alice starts a kiosk sitting for Pat and opens it: the tablet is handed over."""
    user = world.user("alice")
    user.set_password(PASSWORD)
    user.save()
    client = world.client("alice")
    started = client.post(
        reverse("measures:ask", args=[world.person.pk]),
        {"instruments": [version(RELATIONSHIP_CHECK).pk], "kind": "kiosk", "days": 14},
    )
    sitting = Sitting.objects.get()
    assert started.url == reverse("measures:sitting", args=[sitting.pk])
    page = client.get(started.url)
    assert page.status_code == 200 and "Hello Pat" in page.content.decode()
    return client, started.url


def test_the_api_answers_401_in_json_while_the_tablet_is_handed_over(world):
    client, sitting = hand_over(world)
    for url in (f"/api/v1/people/{world.person.pk}", "/api/v1/people"):
        response = client.get(url)
        anonymous = Client().get(url)  # exactly what the API answers a caller not signed in
        assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"}), url
        assert (response.content, response["Content-Type"]) == (
            anonymous.content,
            anonymous["Content-Type"],
        ), url
        assert "Pat" not in response.content.decode()
    # Not a sign-out: the person carries on with the questions.
    assert client.get(sitting).status_code == 200


def test_every_other_page_asks_for_the_workers_password(world):
    client, sitting = hand_over(world)
    person = reverse("people:person", args=[world.person.pk])
    for url in (
        person,
        reverse("relationships:home"),
        reverse("measures:ask", args=[world.person.pk]),  # where Back goes
        reverse("access:login"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == UNLOCK + "?" + urlencode({"next": url}), url
    # A search comes back to the page, not the name searched for (the unlock page's address).
    search = client.get(reverse("people:person_list"), {"q": "Pat"})
    assert search.url == UNLOCK + "?" + urlencode({"next": reverse("people:person_list")})
    page = client.get(UNLOCK, {"next": person})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Pat" not in body and "Example" not in body and "Find a person" not in body
    assert "no-store" in page["Cache-Control"]


def test_nothing_can_be_written_or_swapped_in_while_handed_over(world):
    client, _ = hand_over(world)
    before = Contact.objects.count()
    posted = client.post(
        reverse("relationships:record_contact", args=[world.person.pk]), {"minutes": 1}
    )
    assert posted.status_code == 302 and posted.url == UNLOCK
    assert Contact.objects.count() == before
    htmx = client.get(reverse("people:person_list"), {"q": "Pat"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.content == b""
    assert htmx["HX-Redirect"] == UNLOCK


def test_the_person_answers_and_hands_back_then_the_worker_unlocks(world):
    client, sitting = hand_over(world)
    done = client.post(sitting, form_data(RELATIONSHIP_CHECK, RC_ALL_AGREE))
    assert done.url == reverse("measures:kiosk_done")
    thanks = client.get(done.url).content.decode()
    assert "hand the tablet back" in thanks and UNLOCK in thanks
    person = reverse("people:person", args=[world.person.pk])
    assert client.get(person).status_code == 302
    wrong = client.post(UNLOCK + "?" + urlencode({"next": person}), {"password": "guess"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert client.get(person).status_code == 302
    right = client.post(
        UNLOCK, {"password": PASSWORD, "next": person}, headers={"HX-Request": "false"}
    )
    assert right.status_code == 302 and right.url == person
    assert client.get(person).status_code == 200


def test_handing_over_and_unlocking_change_the_session_key(world):
    client, _ = hand_over(world)
    handed = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(UNLOCK, {"password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != handed


def test_an_unsafe_next_is_ignored(world):
    client, _ = hand_over(world)
    response = client.post(UNLOCK, {"password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("relationships:home")


def test_five_wrong_passwords_end_the_session(world):
    client, _ = hand_over(world)
    for _ in range(4):
        assert client.post(UNLOCK, {"password": "guess"}).status_code == 400
    ended = client.post(UNLOCK, {"password": "guess"})
    assert ended.status_code == 302 and ended.url.startswith(reverse("access:login"))
    # Even the right password is too late now: the worker signs in again from the start.
    again = client.get(reverse("people:person", args=[world.person.pk]))
    assert again.status_code == 302 and again.url.startswith(reverse("access:login"))


def test_the_worker_may_sign_out_from_the_locked_tablet(world):
    client, _ = hand_over(world)
    out = client.post(reverse("access:logout"))
    assert out.status_code == 302 and out.url.startswith(reverse("access:login"))
    assert client.get(reverse("relationships:home")).url.startswith(reverse("access:login"))


def test_a_read_out_sitting_does_not_lock_the_session(world):
    client = world.client("alice")
    started = client.post(
        reverse("measures:ask", args=[world.person.pk]),
        {"instruments": [version(RELATIONSHIP_CHECK).pk], "kind": "read_out", "days": 14},
    )
    assert client.get(started.url).status_code == 200
    assert client.get(reverse("people:person", args=[world.person.pk])).status_code == 200
