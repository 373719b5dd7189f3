"""Signing in through allauth: limits, two-step sign-in, passwords, and the audit of each."""

import logging
import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from alongside.access.models import Role, TwoStepPolicy
from alongside.accounts.adapters import MFAAdapter
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
LOGIN = "/login/"  # the address scripts and CONTRACTS use
pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)


def post_login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"login": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def events(action: actions.Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action.name).order_by("id"))


# --- limits ---------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused(world):
    """The brute force of issue 12, each guess from a new address: the account locks."""
    client = Client()
    for guess in range(30):
        response = post_login(client, "alice", f"guess-{guess}", address=f"10.1.{guess}.1")
        assert response.status_code == 200 and not signed_in(client)
    response = post_login(client, "alice", PASSWORD, address="10.9.9.9")
    assert not signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    # Audited: the five wrong passwords that were checked, and one lock-out (not 25).
    assert len(events(actions.ACCOUNT_SIGN_IN_FAILED)) == 5
    locks = events(actions.ACCOUNT_LOCKED_OUT)
    assert len(locks) == 1 and locks[0].actor_id is None
    assert locks[0].subject_id == str(world.members["alice"].pk)
    assert not events(actions.ACCOUNT_SIGNED_IN)


def test_the_lock_lifts_as_the_window_passes_and_backs_off(world, time_machine):
    client = Client()
    for guess in range(5):
        post_login(client, "alice", f"guess-{guess}")
    time_machine.shift(timedelta(minutes=6))
    post_login(client, "alice", PASSWORD, address="10.0.0.2")
    assert signed_in(client), "5 failures lock for 5 minutes only"
    client = Client()
    for guess in range(5):
        post_login(client, "alice", f"again-{guess}", address="10.0.0.3")
    time_machine.shift(timedelta(minutes=6))
    post_login(client, "alice", PASSWORD, address="10.0.0.4")
    assert not signed_in(client), "10 failures in an hour lock for the hour"
    time_machine.shift(timedelta(hours=1))
    post_login(client, "alice", PASSWORD, address="10.0.0.5")
    assert signed_in(client)


def test_one_address_guessing_many_accounts_is_refused(world):
    client = Client()
    for guess, name in enumerate(["alice", "cara", "vic", "amir", "fern"] * 2):
        post_login(client, name, f"guess-{guess}", address="192.0.2.7")
    post_login(client, "olly", PASSWORD, address="192.0.2.7")
    assert not signed_in(client)
    post_login(client, "olly", PASSWORD, address="192.0.2.8")
    assert signed_in(client)


def test_the_limits_are_counted_in_the_database_shared_by_every_process(world):
    """The default cache is the database: every app server process reads the same counts."""
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    post_login(Client(), "alice", "wrong")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM alongside_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("login_failed" in key for key in keys), keys


def test_the_admin_login_goes_through_the_same_sign_in(world):
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and not signed_in(client)
    for guess in range(5):
        post_login(client, "root", f"guess-{guess}", address=f"10.2.{guess}.1")
    post_login(client, "root", PASSWORD)
    assert not signed_in(client), "the admin's account locks like any other"
    assert staff.is_staff


# --- two-step sign-in -----------------------------------------------------------------------


def test_data_lead_signs_in_with_a_code_from_the_app(world):
    client = Client()
    response = post_login(client, "dana", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get(reverse("relationships:home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302 and signed_in(client)
    assert client.get(reverse("access:notifications")).status_code == 200
    [event] = events(actions.ACCOUNT_SIGNED_IN)
    assert event.summary == {"address": "127.0.0.1", "method": "password+totp"}
    assert event.actor_id == world.user("dana").pk


def test_a_wrong_code_is_refused_and_audited(world):
    client = Client()
    post_login(client, "dana", PASSWORD)
    wrong = f"{(int(totp_code(TEST_TOTP_SECRET)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200 and not signed_in(client)
    assert len(events(actions.ACCOUNT_TWO_STEP_FAILED)) == 1


def test_a_recovery_code_stands_in_for_the_app(world):
    dana = world.user("dana")
    codes = RecoveryCodes(
        Authenticator.objects.get(user=dana, type=Authenticator.Type.RECOVERY_CODES)
    ).generate_codes()
    client = Client()
    post_login(client, "dana", PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert signed_in(client)
    assert events(actions.ACCOUNT_SIGNED_IN)[0].summary["method"] == "password+recovery_codes"
    client = Client()
    post_login(client, "dana", PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert not signed_in(client), "a recovery code works once"


def test_a_lead_without_an_app_is_sent_to_set_one_up_first(
    world, django_capture_on_commit_callbacks
):
    lead = MembershipFactory(
        organisation=world.org, role=Role.SAFEGUARDING_LEAD, authenticator_app=False
    )
    client = Client()
    client.force_login(lead.user)
    for url in (reverse("relationships:home"), reverse("safeguarding:concerns"), "/api/v1/people"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response.url == reverse("accounts:two_step_needed")
    assert client.get(reverse("accounts:two_step_needed")).status_code == 200
    # Setting it up asks for the password again (allauth), as after any sign-in a while ago.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response.url.startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("access:notifications")).status_code == 200
    assert "totp" in [e.summary["type"] for e in events(actions.ACCOUNT_TWO_STEP_ADDED)]
    # and now that it is required, the lead cannot take it away again
    totp = Authenticator.objects.get(user=lead.user, type=Authenticator.Type.TOTP)
    assert MFAAdapter().can_delete_authenticator(totp) is False


def test_other_roles_need_it_only_when_the_organisation_asks_everyone(world):
    client = world.client("alice")
    assert client.get(reverse("access:notifications")).status_code == 200
    world.org.two_step_sign_in = TwoStepPolicy.EVERYONE
    world.org.save()
    response = world.client("alice").get(reverse("relationships:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:two_step_needed")


def test_the_demo_organisation_asks_it_of_the_data_lead_only(db):
    demo = OrganisationFactory(is_demo=True, two_step_sign_in=TwoStepPolicy.DEMO_DATA_LEAD_ONLY)
    coordinator = MembershipFactory(organisation=demo, role=Role.COORDINATOR)
    data_lead = MembershipFactory(organisation=demo, role=Role.DATA_LEAD, authenticator_app=False)
    client = Client()
    client.force_login(coordinator.user)
    assert client.get(reverse("access:notifications")).status_code == 200
    client.force_login(data_lead.user)
    assert client.get(reverse("relationships:home")).status_code == 302


def test_the_data_lead_chooses_two_step_for_everyone(world):
    client = world.client("dana")
    page = client.get(reverse("access:organisation_settings")).content.decode()
    assert "Who must sign in in two steps" in page and "demo" not in page.lower()
    response = client.post(
        reverse("access:organisation_settings"), {"two_step_sign_in": "everyone"}
    )
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.two_step_sign_in == TwoStepPolicy.EVERYONE
    [event] = events(actions.ACCESS_ORGANISATION_TWO_STEP_CHANGED)
    assert event.summary == {"from": "leads", "to": "everyone"}
    response = client.post(reverse("access:organisation_settings"), {"two_step_sign_in": "none"})
    assert response.status_code == 400, "no choice lets a data lead turn it off"
    response = world.client("colin").post(
        reverse("access:organisation_settings"), {"two_step_sign_in": "leads"}
    )
    assert response.status_code == 404


# --- passwords ------------------------------------------------------------------------------


def test_forgotten_password_is_reset_by_an_emailed_link_which_also_lifts_the_lock(world):
    alice = world.user("alice")
    alice.email = "alice@example.org"
    alice.save()
    client = Client()
    for guess in range(5):
        post_login(client, "alice", f"guess-{guess}", address=f"10.3.{guess}.1")
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://[^\s]+/account/password/reset/key/[^\s]+", message.body)
    assert link, message.body
    response = client.get(link.group(0))
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response.url, {"password1": "a new long password", "password2": "a new long password"}
    )
    assert response.status_code == 302
    assert len(events(actions.ACCOUNT_PASSWORD_RESET)) == 1
    post_login(client, "alice", "a new long password", address="10.4.0.1")
    assert signed_in(client), "the reset lifted the account's lock"


def test_a_reset_for_an_unknown_address_sends_nothing(world):
    Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert mail.outbox == []


def test_password_change_is_audited(world):
    client = world.client("alice")
    assert client.get(reverse("account_change_password")).status_code == 200
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another long one", "password2": "another long one"},
    )
    assert response.status_code == 302
    assert world.user("alice").check_password("another long one") is False  # stale instance
    world.members["alice"].user.refresh_from_db()
    assert world.members["alice"].user.check_password("another long one")
    assert len(events(actions.ACCOUNT_PASSWORD_CHANGED)) == 1


# --- what is recorded, and who sees it ------------------------------------------------------


def test_no_password_or_code_is_written_to_the_audit_or_the_log(world, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    post_login(client, "alice", "secret-guess-1")
    post_login(client, "nobody-here", "secret-guess-2")
    post_login(client, "dana", PASSWORD)
    code = totp_code(TEST_TOTP_SECRET)
    client.post(reverse("mfa_authenticate"), {"code": code})
    stored = " ".join(str(e.summary) for e in AuditEvent.objects.all())
    for secret in ("secret-guess-1", "secret-guess-2", PASSWORD, code, "nobody-here"):
        assert secret not in stored
        assert secret not in caplog.text


def test_your_account_lists_your_sign_ins_and_the_data_lead_sees_everyones(world):
    post_login(Client(), "alice", PASSWORD)
    post_login(Client(), "cara", "wrong")
    page = world.client("alice").get(reverse("accounts:account")).content.decode()
    assert "Your recent sign-ins" in page and "Signed in" in page and "10.0.0.1" in page
    assert "Wrong password" not in page, "cara's failure is not on alice's page"
    page = world.client("dana").get(reverse("accounts:organisation_sign_ins")).content.decode()
    assert "alice" in page and "cara" in page and "Wrong password" in page
    assert world.client("alice").get(reverse("accounts:organisation_sign_ins")).status_code == 404
    assert world.client("olly").get(reverse("accounts:organisation_sign_ins")).status_code == 404


def test_sign_up_is_closed(db):
    response = Client().get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode()
