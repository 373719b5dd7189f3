"""In Chromium: the data lead signs in with a code from an authenticator app; a lead without one
is sent to set it up. Every page is checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from alongside.access.models import Role
from alongside.conftest import World
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


def test_the_data_lead_signs_in_with_a_code_and_sees_the_sign_ins(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    dana = world.user("dana")
    dana.set_password(PASSWORD)
    dana.save()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    assert_no_axe_violations(page)
    screenshot(page, "sign-in-two-step")
    page.get_by_label("Code").fill(totp_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/2fa/" not in url and "/login/" not in url)
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("cell", name="Signed in")).to_be_visible()
    expect(page.get_by_role("cell", name="password+totp")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "your-account")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="See everyone's sign-ins").click()
    expect(page.get_by_role("cell", name="dana")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_lead_without_an_app_sets_one_up_before_anything_else(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    lead = MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="newlead"),
        role=Role.COORDINATOR,
        team=world.team,
        authenticator_app=False,
    )
    lead.user.set_password(PASSWORD)
    lead.user.save()
    log_in(page, live_server.url, username="newlead", password=PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Set up an authenticator app").click()
    # allauth asks for the password again before a change to how you sign in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    assert_no_axe_violations(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_no_axe_violations(page)
    screenshot(page, "set-up-authenticator-app")
    secret = page.get_by_label("Secret").input_value()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Set up two-step sign-in")


def test_forgotten_password_page_is_accessible(live_server, db, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "password-reset")
