"""Changing what account recovery rests on (the e-mail address, the authenticator app) needs the
password or a code again, not just a session left open (ASVS 7.5.1)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from alongside.access.models import Role
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password


def test_adding_an_email_address_asks_for_the_password_first(db):
    member = MembershipFactory(role=Role.SUPPORTER)
    client = Client()
    client.force_login(member.user)  # a session, but no recent sign-in
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "taken-over@example.org"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="taken-over@example.org").exists()
    # having typed the password again, the change is allowed
    client.post(response.url, {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "taken-over@example.org"})
    assert EmailAddress.objects.filter(user=member.user, email="taken-over@example.org").exists()


def test_removing_the_authenticator_app_asks_again_too(db):
    member = MembershipFactory(role=Role.SUPPORTER, authenticator_app=True)
    client = Client()
    client.force_login(member.user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert "reauthenticate" in response.url
    assert Authenticator.objects.filter(user=member.user, type=Authenticator.Type.TOTP).exists()
