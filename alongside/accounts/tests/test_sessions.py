"""Your sessions: see where you are signed in, and end the others (issue 18, item 7; decision
0028). A sign-in on each browser is listed with its device, an approximate address (never the
full one) and when it was last active; ending one signs that browser out at once (ASVS 5.0
7.5.2; the policy, 7.1.2, is in docs/access-and-audit.md)."""

import pytest
from django.test import Client
from django.urls import reverse

from alongside.accounts.models import AccountSession
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.testing.clock import SUMMER_MIDDAY

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)


def sign_in(username: str, agent: str, address: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("access:login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return client


def signed_in(client: Client) -> bool:
    return client.get(reverse("relationships:home")).status_code == 200


def confirm_password(client: Client) -> None:
    """Ending sessions asks for the password again (allauth's reauthentication, 5 minutes)."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def two_browsers() -> tuple[Client, Client]:
    office = sign_in("alice", FIREFOX_ON_WINDOWS, "203.0.113.77")
    phone = sign_in("alice", SAFARI_ON_IPHONE, "2001:db8:85a3:8d3:1319:8a2e:370:7348")
    confirm_password(office)
    return office, phone


def test_you_see_each_browser_signed_in_with_an_approximate_address(world):
    office, phone = two_browsers()
    sign_in("cara", FIREFOX_ON_WINDOWS, "198.51.100.9")  # someone else's: never listed
    page = office.get(reverse("accounts:sessions")).content.decode()
    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    assert "203.0.113.x" in page and "2001:db8:85a3::" in page
    for full in ("203.0.113.77", "8a2e", "198.51.100"):
        assert full not in page
    for row in AccountSession.objects.all():  # nor is the full address stored
        assert row.approximate_address in {"203.0.113.x", "2001:db8:85a3::/48", "198.51.100.x"}
    assert "Your sessions" in office.get(reverse("accounts:account")).content.decode()


def test_ending_another_session_signs_that_browser_out_and_is_audited(world):
    office, phone = two_browsers()
    other = AccountSession.objects.get(user=world.user("alice"), device="Safari on iPhone")
    response = office.post(reverse("accounts:end_sessions"), {"session": other.pk})
    assert response.status_code == 302 and response.url == reverse("accounts:sessions")
    assert not signed_in(phone) and signed_in(office)
    assert list(AccountSession.objects.filter(user=world.user("alice"))) != []
    assert not AccountSession.objects.filter(pk=other.pk).exists()
    [event] = AuditEvent.objects.filter(action=actions.ACCOUNT_SESSION_ENDED.name)
    assert event.actor_id == world.user("alice").pk
    assert event.summary["device"] == "Safari on iPhone" and "8a2e" not in str(event.summary)


def test_ending_all_others_keeps_this_one(world):
    office, phone = two_browsers()
    laptop = sign_in("alice", SAFARI_ON_IPHONE, "192.0.2.1")
    response = office.post(reverse("accounts:end_sessions"), {"session": "others"})
    assert response.status_code == 302
    assert signed_in(office) and not signed_in(phone) and not signed_in(laptop)
    assert AccountSession.objects.filter(user=world.user("alice")).count() == 1
    [event] = AuditEvent.objects.filter(action=actions.ACCOUNT_OTHER_SESSIONS_ENDED.name)
    assert event.summary["sessions"] == 2


def test_you_cannot_end_this_session_or_someone_elses_from_the_list(world):
    office, _phone = two_browsers()
    cara = sign_in("cara", FIREFOX_ON_WINDOWS, "198.51.100.9")
    theirs = AccountSession.objects.get(user=world.user("cara"))
    assert office.post(reverse("accounts:end_sessions"), {"session": theirs.pk}).status_code == 404
    assert signed_in(cara)
    mine = AccountSession.objects.get(user=world.user("alice"), device="Firefox on Windows")
    assert office.post(reverse("accounts:end_sessions"), {"session": mine.pk}).status_code == 404
    assert office.post(reverse("accounts:end_sessions"), {"session": "x"}).status_code == 404
    assert signed_in(office)


def test_changing_your_password_ends_your_other_sessions(world):
    office, phone = two_browsers()
    response = office.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new long phrase 4 me",
            "password2": "a new long phrase 4 me",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in(office) and not signed_in(phone)
    [row] = AccountSession.objects.filter(user=world.user("alice"))
    assert row.device == "Firefox on Windows"
    assert office.session.session_key == row.session_key  # followed the key it changed to


def test_signing_out_forgets_the_session(world):
    office, phone = two_browsers()
    phone.post(reverse("access:logout"))
    assert list(
        AccountSession.objects.filter(user=world.user("alice")).values_list("device", flat=True)
    ) == ["Firefox on Windows"]


def test_ending_sessions_asks_for_the_password_first(world, time_machine):
    """ASVS 5.0 7.5.2: a session left open on a shared computer cannot sign its owner out
    everywhere else without the password; a confirmation lasts 5 minutes."""
    office = sign_in("alice", FIREFOX_ON_WINDOWS, "203.0.113.77")
    phone = sign_in("alice", SAFARI_ON_IPHONE, "192.0.2.1")
    response = office.post(reverse("accounts:end_sessions"), {"session": "others"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert signed_in(phone)
    response = office.post(response.url, {"password": PASSWORD})  # the form, with ?next=
    assert response.status_code == 302  # allauth went on with the request it held
    assert not signed_in(phone) and signed_in(office)

    laptop = sign_in("alice", SAFARI_ON_IPHONE, "192.0.2.2")
    time_machine.shift(6 * 60)
    response = office.post(reverse("accounts:end_sessions"), {"session": "others"})
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert signed_in(laptop)


@pytest.mark.parametrize("signal", ["authenticator_added", "authenticator_removed"])
def test_a_change_of_authenticator_app_ends_your_other_sessions(world, signal):
    """ASVS 5.0 7.4.3: after a change of any factor, the other browsers are signed out."""
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from alongside.accounts.services import add_authenticator_app

    office, phone = two_browsers()
    add_authenticator_app(world.user("alice"))
    request = RequestFactory().get("/account/2fa/")
    request.session = SessionStore(session_key=office.session.session_key)
    request.user = world.user("alice")
    getattr(mfa_signals, signal).send(
        sender=Authenticator,
        request=request,
        user=world.user("alice"),
        authenticator=Authenticator.objects.filter(user=world.user("alice")).first(),
    )
    assert signed_in(office) and not signed_in(phone)
