"""Real-browser journey (issue 15 §1): a member of the public offers to volunteer on a phone, and
the coordinator moves them on from the inbox, at 1280 and 375 px, with axe on every page; then a
volunteer records their lived experience and its two agreements."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.connections.models import VolunteerProfile
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.helpers import reset_rate_limits
from alongside.volunteers.models import Stage, Volunteer

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_someone_offers_on_a_phone_and_the_coordinator_moves_them_on_from_the_inbox(
    live_server, world: World, browser_page: Page, size
) -> None:
    reset_rate_limits()
    page = browser_page
    base = live_server.url
    colin = world.user("colin")
    colin.set_password(PASSWORD)
    colin.save()

    # A member of the public, on a phone, with no account.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/volunteers/offer/{world.org.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Volunteer with Riverside Test Hub")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send").click()  # nothing filled in: told what to fix
    expect(page.get_by_role("alert")).to_contain_text("first name")
    assert_no_axe_violations(page)
    assert not Volunteer.objects.exists()
    page.get_by_label("Your first name").fill("Robin")
    page.get_by_label("Your last name").fill("Hart")
    page.get_by_label("Your email address").fill("robin@example.org")
    page.get_by_label("What would you like to do, and when are you free?").fill(
        "Saturday mornings at the foodbank"
    )
    screenshot(page, "volunteer-enquiry")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for offering to volunteer")
    assert_no_axe_violations(page)
    volunteer = Volunteer.objects.get()

    # The coordinator, at this test's width, finds them in the inbox and moves them on.
    page.set_viewport_size(size)
    page.context.clear_cookies()
    log_in(page, base, username="colin", password=PASSWORD)
    page.goto(f"{base}/inbox/")
    waiting = page.locator("#inbox-volunteer_waiting").locator("..")
    expect(waiting).to_contain_text("Robin Hart")
    expect(waiting).to_contain_text("get in touch for a first conversation")
    assert_no_axe_violations(page)
    screenshot(page, "volunteer-inbox")
    waiting.get_by_role("link", name="Open their volunteer page – Robin Hart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Hart")
    expect(page.get_by_text("Saturday mornings at the foodbank")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Move them to").select_option(Stage.CONVERSATION)
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Robin Hart is now at: Conversation.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "volunteer-page")
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.CONVERSATION
    # Answered: they have left the inbox.
    page.goto(f"{base}/inbox/")
    expect(page.locator("main")).not_to_contain_text("Robin Hart")


def test_a_volunteer_records_their_lived_experience(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    vic = world.user("vic")
    vic.set_password(PASSWORD)
    vic.save()
    log_in(page, live_server.url, username="vic", password=PASSWORD)
    page.get_by_role("link", name="My lived experience").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My lived experience")
    assert_no_axe_violations(page)
    page.get_by_label("losing someone close").check()
    page.get_by_label("In your own words").fill("My brother died when I was twenty.")
    page.get_by_label("It may be told to the person I am matched with").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You can change or withdraw this at any time.")).to_be_visible()
    expect(page.get_by_text("Not used for matching.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "volunteer-lived-experience")
    profile = VolunteerProfile.objects.get(membership=world.members["vic"])
    assert profile.lived_experience_tell and not profile.lived_experience_consent
