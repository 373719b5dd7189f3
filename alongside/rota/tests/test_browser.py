"""In Chromium, with axe on every page: a volunteer signs up for a shift on a phone (375 px),
and a coordinator (1280 px) sees the gap in the inbox and fills it by asking someone, who says
yes on their phone; a coordinator cancels a shift on a phone and the volunteer sees it on My
shifts."""

from datetime import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alongside.access.models import Membership, Role
from alongside.conftest import World
from alongside.rota import services
from alongside.rota.models import Signup, SignupStatus
from alongside.rota.tests.helpers import first_shift, make_pattern, role
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.helpers import reset_rate_limits

pytestmark = [pytest.mark.browser, pytest.mark.time_machine("2026-12-06 10:00:00+00:00", tick=True)]
PASSWORD = "pw-for-tests"


def test_a_volunteer_signs_up_on_a_phone_and_a_coordinator_fills_a_gap(
    live_server, world: World, browser_page: Page
) -> None:
    reset_rate_limits()
    page = browser_page
    colin = Membership.objects.get(user=world.user("colin"), organisation=world.org)
    make_pattern(colin, roles=[("Desk", 1), ("Driver", 1)], starts_at=time(10), ends_at=time(13))
    MembershipFactory(
        organisation=world.org, role=Role.VOLUNTEER,
        user=UserFactory(username="rhys", first_name="Rhys", last_name="Evans"),
    )  # fmt: skip

    # The volunteer, on a phone: their shifts page, sign up for the desk.
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, username="vic", password=PASSWORD)
    page.goto(f"{live_server.url}/shifts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My shifts")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign up: Tuesday foodbank, Desk, Tue 8 Dec").click()
    expect(page.locator("#my-shifts")).to_contain_text("Tuesday foodbank · Desk")
    assert_no_axe_violations(page)
    screenshot(page, "rota-volunteer-phone")
    assert Signup.objects.get(membership__user__username="vic").status == SignupStatus.CONFIRMED

    # The coordinator, on a wide screen: the gap is in the inbox; ask Rhys to drive.
    page.set_viewport_size(DESKTOP)
    page.context.clear_cookies()
    log_in(page, live_server.url, username="colin", password=PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_text("Driver has 0 of 1 people").first).to_be_visible()
    page.get_by_role("link", name="Ask someone").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday foodbank")
    assert_no_axe_violations(page)
    page.get_by_label("Who to ask").select_option(label="Rhys Evans (Volunteer)")
    page.get_by_label("In which role").select_option(label="Driver")
    page.get_by_role("button", name="Ask them").click()
    expect(page.locator("#roles")).to_contain_text("Rhys Evans (asked)")
    vic = world.user("vic")
    # Asking vic, already on the desk at that time, is refused with the reason on the field.
    page.get_by_label("Who to ask").select_option(
        label=f"{vic.get_full_name() or vic.username} (Volunteer)"
    )
    page.get_by_label("In which role").select_option(label="Driver")
    page.get_by_role("button", name="Ask them").click()
    expect(page.locator(".error-summary")).to_contain_text("already on Tuesday foodbank then")
    assert_no_axe_violations(page)
    screenshot(page, "rota-coordinator-ask")


def test_a_coordinator_cancels_a_shift_and_the_volunteer_sees_it_on_a_phone(
    live_server, world: World, browser_page: Page
) -> None:
    reset_rate_limits()
    page = browser_page
    page.set_viewport_size(PHONE)
    colin = Membership.objects.get(user=world.user("colin"), organisation=world.org)
    vic = Membership.objects.get(user=world.user("vic"), organisation=world.org)
    shift = first_shift(make_pattern(colin, starts_at=time(10), ends_at=time(13)))
    services.sign_up(role(shift, "Desk"), by=vic)

    # The coordinator, on a phone: the shift's page, then cancel it with the reason.
    log_in(page, live_server.url, username="colin", password=PASSWORD)
    page.goto(f"{live_server.url}{reverse('rota:shift', args=[shift.pk])}")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Cancel this shift").click()
    expect(page.locator("#who-is-told")).to_contain_text("1 person is on it")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Cancel the shift").click()
    expect(page.locator(".error-summary")).to_contain_text("why it is cancelled")  # empty reason
    assert_no_axe_violations(page)
    page.get_by_label("Why it is cancelled").fill("The hall is closed for repairs.")
    page.get_by_role("button", name="Cancel the shift").click()
    expect(page.locator("#cancelled")).to_contain_text("The hall is closed for repairs.")
    assert_no_axe_violations(page)
    screenshot(page, "rota-coordinator-cancels-phone")
    assert Signup.objects.get(membership=vic).status == SignupStatus.CANCELLED

    # The volunteer, on a phone: the shift is under Cancelled, with why; not under Coming up.
    page.context.clear_cookies()
    log_in(page, live_server.url, username="vic", password=PASSWORD)
    page.goto(f"{live_server.url}/shifts/")
    expect(page.locator("#cancelled-shifts")).to_contain_text("Tuesday foodbank · Desk")
    expect(page.locator("#cancelled-shifts")).to_contain_text("The hall is closed for repairs.")
    expect(page.locator("#my-shifts")).not_to_contain_text("Tuesday foodbank")
    assert_no_axe_violations(page)
    screenshot(page, "rota-volunteer-sees-cancelled-phone")
