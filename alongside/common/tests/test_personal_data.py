"""Issue 18, item 3: personal data kept out of cookies, logs and shared browsers."""

import base64
import binascii
from datetime import timedelta

import pytest
from django.urls import reverse

from alongside.people.models import Person


def test_a_flash_message_never_travels_in_a_cookie(world):
    """ "Zebedee added." names a person: it is kept in the session, never in a readable cookie."""
    client = world.client("alice")
    response = client.post(
        reverse("people:person_create"),
        {"given_name": "Zebedee", "team": world.team.pk, "contact_preference": "phone"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.filter(given_name="Zebedee").exists()
    for name, morsel in response.cookies.items():
        assert "Zebedee" not in _readable(morsel.value), f"the name is in the {name!r} cookie"
    assert "messages" not in response.cookies  # session storage: no messages cookie at all
    # Positive control: the message itself still reaches the person who made the change.
    assert "Zebedee added." in client.get(response["Location"]).content.decode()


def _readable(value: str) -> str:
    """A cookie's value as anyone holding the browser could read it: signed cookies are only
    base64 (Django's cookie message storage signs, it does not encrypt)."""
    readable = value
    for part in value.split(":"):
        try:
            readable += base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode(
                errors="replace"
            )
        except (binascii.Error, ValueError):
            continue
    return readable


CLEAR = '"cache", "cookies", "storage"'


def test_signing_out_tells_the_browser_to_forget_the_site(world):
    """On a shared computer the next person must find nothing: no cached page, cookie or storage."""
    client = world.client("alice")
    page = client.get(reverse("people:person", args=[world.person.pk]))
    assert "Clear-Site-Data" not in page, "only signing out clears"
    response = client.post(reverse("access:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR
    # allauth's own address for it too.
    other = world.client("cara")
    assert other.post(reverse("account_logout"))["Clear-Site-Data"] == CLEAR


@pytest.mark.time_machine("2026-06-01 10:00 +00:00", tick=False)
def test_the_idle_sign_out_also_tells_the_browser_to_forget_the_site(world, time_machine):
    client = world.client("alice")
    home = reverse("relationships:home")
    assert "Clear-Site-Data" not in client.get(home)
    time_machine.shift(timedelta(hours=2))
    response = client.get(home)
    assert response.status_code == 302 and response["Clear-Site-Data"] == CLEAR


def test_pages_send_no_referrer_to_other_sites(world):
    """A search's `?q=` stays on this site: other sites are sent no address from here."""
    response = world.client("alice").get(reverse("people:person_list"), {"q": "Pat"})
    assert response["Referrer-Policy"] == "same-origin"
