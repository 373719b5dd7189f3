"""The person page on a phone (issue 13, part 5): recording a contact is one tap from the top, its
mistakes and its confirmation show where the eye is, nothing is wider than the screen, and the
navigation is a menu. Chromium at 375 and 1280 px, with axe on every state."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.relationships.models import Contact, Mode
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


def _in_viewport(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                return r.top >= 0 && r.top < window.innerHeight && r.height > 0; }""",
            selector,
        )
    )


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_a_supporter_records_a_contact_on_a_phone_in_one_tap_from_the_top(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    alice = world.user("alice")
    alice.set_password(PASSWORD)
    alice.save()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, username="alice", password=PASSWORD)

    # The navigation is one menu button on a phone, and opens without leaving the page.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Find a person")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 100
    nav.get_by_text("Menu").click()
    expect(nav.get_by_role("link", name="Find a person")).to_be_visible()
    assert_no_axe_violations(page)
    nav.get_by_text("Menu").click()

    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pat Example")
    _fits_the_screen(page)
    assert_no_axe_violations(page)
    record = page.get_by_role("link", name="Record a contact")
    box = record.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # no scrolling

    record.click()
    assert _in_viewport(page, "#record-heading")

    # Sent with nothing chosen: every mistake at once, at the top of the form, in plain words.
    page.evaluate("window.noReloadSinceSubmit = true")
    page.get_by_label("Minutes", exact=True).fill("")
    page.get_by_role("button", name="Save contact").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter how many minutes it took")
    expect(summary).not_to_contain_text("This field is required")
    assert _in_viewport(page, ".error-summary")
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Enter how many minutes it took").click()
    expect(page.get_by_label("Minutes", exact=True)).to_be_focused()

    page.get_by_label("What they asked for, in their words").fill("A warm coat for the winter")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Minutes", exact=True).fill("20")
    page.get_by_role("button", name="Save contact").click()

    confirmation = page.locator("#contact-recorded")
    expect(confirmation).to_contain_text("Contact recorded.")
    expect(confirmation).to_be_focused()
    assert _in_viewport(page, "#contact-recorded")
    assert page.evaluate("window.noReloadSinceSubmit") is True  # swapped in, not reloaded
    expect(page.locator("#timeline li").first).to_contain_text("A warm coat for the winter")
    expect(page.locator("#person-continuity")).to_contain_text(
        "1 contact in the last 12 months, with 1 worker. All of them were with their named worker."
    )
    expect(page.locator("#person-continuity")).to_contain_text("tell their story again")
    _fits_the_screen(page)
    assert_no_axe_violations(page)

    page.set_viewport_size(DESKTOP)
    expect(nav.get_by_role("link", name="Find a person")).to_be_visible()
    expect(nav.get_by_text("Menu")).to_be_hidden()
    assert_no_axe_violations(page)

    (contact,) = Contact.objects.filter(person=world.person)
    assert (contact.minutes, contact.mode) == (20, Mode.PHONE)


def test_without_javascript_the_menu_opens_and_the_confirmation_is_at_the_top(
    live_server, world: World, browser_page: Page
) -> None:
    alice = world.user("alice")
    alice.set_password(PASSWORD)
    alice.save()
    browser = browser_page.context.browser
    assert browser is not None
    page = browser.new_context(java_script_enabled=False, viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Menu").click()
    expect(nav.get_by_role("link", name="Find a person")).to_be_visible()

    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Minutes", exact=True).fill("15")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"{live_server.url}/people/{world.person.pk}/")
    expect(page.locator(".notices")).to_contain_text("Contact recorded.")
    assert _in_viewport(page, ".notices")
    assert Contact.objects.filter(person=world.person, minutes=15).count() == 1
