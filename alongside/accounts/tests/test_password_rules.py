"""Passwords and codes as ASVS 6.2 and 6.5 ask: masked but pasteable, any characters, long ones
whole and exactly as typed; a reset never skips the second step; a TOTP code works once."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_password_box_is_masked_and_nothing_stops_a_password_manager(db):
    page = Client().get("/login/").content.decode()
    [box] = re.findall(r"<input[^>]*name=\"password\"[^>]*>", page)
    assert 'type="password"' in box
    assert 'autocomplete="off"' not in box and "onpaste" not in page


def test_a_long_password_of_any_characters_is_checked_whole_and_exactly(world):
    # 80 characters, spaces, no digits or capitals required, letters from other alphabets
    password = "correct horse battery staple, then a long walk home by the río — ünd Ωmega!!"
    password += "x" * (80 - len(password))
    alice = world.user("alice")
    alice.set_password(password)
    alice.save()
    for wrong in (password[:64], password.upper(), password.strip("x")):
        client = Client()
        client.post("/login/", {"login": "alice", "password": wrong}, REMOTE_ADDR="10.6.0.1")
        assert not signed_in(client), "neither cut short nor changed in case"
    client = Client()
    client.post("/login/", {"login": "alice", "password": password}, REMOTE_ADDR="10.6.0.2")
    assert signed_in(client)


def test_a_password_reset_does_not_skip_the_second_step(world):
    dana = world.user("dana")
    dana.email = "dana@example.org"
    dana.save()
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "dana@example.org"})
    [message] = mail.outbox
    link = re.search(r"https?://[^\s]+/account/password/reset/key/[^\s]+", message.body)
    assert link
    response = client.get(link.group(0))
    client.post(
        response.url, {"password1": "a new long password", "password2": "a new long password"}
    )
    assert not signed_in(client), "a reset does not sign in"
    response = client.post("/login/", {"login": "dana", "password": "a new long password"})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not signed_in(client), "the code is still asked for"


def test_a_totp_code_signs_in_once_only(world):
    code = totp_code(TEST_TOTP_SECRET)
    first = Client()
    first.post("/login/", {"login": "dana", "password": PASSWORD})
    first.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in(first)
    second = Client()
    second.post("/login/", {"login": "dana", "password": PASSWORD})
    second.post(reverse("mfa_authenticate"), {"code": code})
    assert not signed_in(second), "a code seen once (over the shoulder) does not work again"


def test_signing_in_starts_a_new_session_and_signing_out_ends_it_on_the_server(world):
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/login/", {"login": "alice", "password": PASSWORD})
    after = client.cookies["sessionid"].value
    assert signed_in(client) and after != before, "a new key at sign-in: no fixation"
    client.post(reverse("access:logout"))
    stale = Client()
    stale.cookies["sessionid"] = after  # the old cookie, kept by someone
    response = stale.get(reverse("relationships:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("access:login"))
