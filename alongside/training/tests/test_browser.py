"""In Chromium, checked with axe: a coordinator records a completion (finding the volunteer by
name), and the volunteer sees their record, what they still need and their skills and languages
on a 375 px phone."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.helpers import reset_rate_limits
from alongside.training import services
from alongside.training.models import Activity, Completion

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests"


def test_a_coordinator_records_a_completion_and_the_volunteer_sees_it_on_a_phone(
    live_server, world: World, browser_page: Page
) -> None:
    reset_rate_limits()
    page = browser_page
    colin = world.members["colin"]
    vic = world.members["vic"]
    vic.languages = "English, Polish"
    vic.save()
    safeguarding = services.add_course(
        world.org, by=colin, name="Safeguarding", valid_for_months=36,
        activities=[Activity.MATCHING],
    )  # fmt: skip
    services.add_course(
        world.org, by=colin, name="Food hygiene", valid_for_months=36,
        activities=[Activity.SHIFTS],
    )  # fmt: skip

    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, username="colin", password=PASSWORD)
    page.goto(f"{live_server.url}/training/record/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a completion")
    assert_no_axe_violations(page)
    # Sending nothing: plain words on each field, nothing saved.
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert Completion.objects.count() == 0
    assert_no_axe_violations(page)
    page.get_by_label("Who completed it").fill("Vic")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Vic", exact=False).first.check()
    page.get_by_label("Course").select_option(label="Safeguarding")
    page.get_by_label("Completed on").fill("2026-03-02")
    page.get_by_label("Evidence (a short note: what was seen, or the session it was)").fill(
        "Certificate seen"
    )
    screenshot(page, "training-record")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training running out")
    completion = Completion.objects.get()
    assert completion.course == safeguarding and completion.membership == vic
    assert completion.expires_on == date(2029, 3, 2)
    assert_no_axe_violations(page)

    # The volunteer, on a phone.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, username="vic", password=PASSWORD)
    page.goto(f"{live_server.url}/training/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My training and skills")
    expect(page.locator("#my-courses")).to_contain_text("In date until 2 Mar 2029.")
    expect(page.locator("#needed")).to_contain_text("Food hygiene training is not recorded.")
    expect(page.locator("#my-languages")).to_contain_text("English, Polish")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "nothing wider than the phone"
    assert_no_axe_violations(page)
    screenshot(page, "training-mine")
