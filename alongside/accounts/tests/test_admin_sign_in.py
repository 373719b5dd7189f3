"""The Django admin is no second way in (issue 18, item 9; decision 0026).

Its own login form is gone (allauth's `secure_admin_login`: `/admin/login/` only redirects to
`/login/`, where the limits hold), and no admin page opens to a session whose sign-in did not
take the second step: a staff account without an authenticator app is sent to set one up, one
with an app that signed in some other way is asked for a code first (ASVS 5.0 6.3.3, 6.3.4).
"""

import pytest
from django.test import Client
from django.urls import reverse

from alongside.accounts.services import add_authenticator_app
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import UserFactory
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
pytestmark = [pytest.mark.time_machine(SUMMER_MIDDAY, tick=False), pytest.mark.django_db]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def admin_index(client: Client):
    return client.get(reverse("admin:index"))


def test_the_admin_login_form_signs_no_one_in():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("access:login"))
    assert not signed_in(client)
    assert admin_index(client).status_code == 302


def test_a_staff_account_without_an_authenticator_app_cannot_open_the_admin():
    """Staff accounts belong to no organisation, so no organisation's policy asks them for a
    second step; the admin does, whatever the organisation says."""
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(reverse("access:login"), {"login": "root", "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)  # the password alone signs in...
    for path in (reverse("admin:index"), "/admin/access/organisation/"):
        response = client.get(path)
        assert response.status_code == 302, path  # ...but opens no admin page
        assert response.url == reverse("accounts:two_step_needed")
    page = client.get(reverse("accounts:two_step_needed")).content.decode()
    assert "Set up an authenticator app" in page


def test_a_staff_account_with_an_app_opens_the_admin_only_after_the_code():
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    add_authenticator_app(root, TEST_TOTP_SECRET)
    client = Client()
    response = client.post(reverse("access:login"), {"login": "root", "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate") and not signed_in(client)
    assert admin_index(client).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert signed_in(client)
    assert admin_index(client).status_code == 200


def test_a_session_that_skipped_the_second_step_is_asked_for_the_code():
    """A session signed in without the code (here `force_login`; in life any path that calls
    Django's `login` without allauth's two steps) must give the code before the admin opens."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    add_authenticator_app(root, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(root)
    response = admin_index(client)
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F"
    response = client.post(
        reverse("mfa_reauthenticate"), {"code": totp_code(TEST_TOTP_SECRET), "next": "/admin/"}
    )
    assert response.status_code == 302
    assert admin_index(client).status_code == 200


def test_a_worker_who_is_not_staff_gets_no_admin(world):
    client = world.client("dana")  # a data lead, signed in with the second step (the factory)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
