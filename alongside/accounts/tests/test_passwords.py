"""Passwords: no words an attacker would try first for this service (ASVS 5.0 6.2.11), and the
most common passwords refused offline (6.2.4, 6.2.12; decision 0028)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from alongside.testing.clock import SUMMER_MIDDAY

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)


def refused(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize(
    "password",
    [
        "Alongside2026!",  # the product
        "my al0ngs1de pass",  # the product, with digits for letters
        "coordinator-of-everything",  # a role
        "Safeguarding Lead 99",
        "datalead-staple-horse",
        "the riverside team rocks",  # the organisation's name (world.org: Riverside)
        "RIVERSIDE!!2026 summer",
    ],
)
def test_context_words_are_refused(world, password):
    messages = refused(password, world.user("alice"))
    assert messages and any("would try first" in message for message in messages), messages


def test_another_organisations_name_is_not_refused_and_good_phrases_pass(world):
    assert refused("hillside orchard morning walk", world.user("alice")) == []  # not her org
    assert refused("correct horse battery staple", world.user("alice")) == []
    assert refused("correct horse battery staple") == []  # no user yet


def test_the_common_password_list_is_the_offline_breached_password_check(db):
    for common in ("password123", "iloveyou", "qwertyuiop"):
        assert any("too common" in m for m in refused(common)), common


def test_the_sign_in_pages_refuse_context_words_when_changing_a_password(world):
    client = Client()
    client.post(reverse("access:login"), {"login": "alice", "password": PASSWORD})
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Alongside-forever-1",
            "password2": "Alongside-forever-1",
        },
    )
    assert response.status_code in (200, 400)
    assert "would try first" in response.content.decode()
