"""Real-browser journey: a supporter on a phone finds "obrien" and opens the person; the same
search on a desktop, and the picker on "Suggest an introduction" as you type. axe on every page
at 1280 and 375 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.testing.browser import PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import PersonFactory

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def test_supporter_on_a_phone_finds_obrien_and_opens_her(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    mairead = PersonFactory(team=world.team, given_name="Mairead", family_name="O'Brien",
                            postcode="RV3 4XY")  # fmt: skip
    PersonFactory(team=world.team, given_name="Elif", family_name="Aydın")
    base = live_server.url
    log_in(page, base, username="alice", password="a long test password")

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/people/")
    assert_no_axe_violations(page)
    page.get_by_label("Name, phone, postcode or date of birth").fill("obrien")
    results = page.locator("#results")
    expect(results).to_contain_text("Mairead O'Brien")  # as you type (HTMX)
    expect(results).to_contain_text("RV3")
    assert_no_axe_violations(page)
    screenshot(page, "people-search-obrien")
    page.get_by_label("Name, phone, postcode or date of birth").fill("Aydin")
    expect(results).to_contain_text("Elif Aydın")
    page.get_by_label("Name, phone, postcode or date of birth").fill("Mairaed")
    expect(results).to_contain_text("Mairead O'Brien")
    results.get_by_role("link", name="Mairead O'Brien").click()
    page.wait_for_url(f"{base}/people/{mairead.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mairead O'Brien")
    assert_no_axe_violations(page)

    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/people/?q=obrien&seen=never")
    expect(page.locator("#results")).to_contain_text("Mairead O'Brien")
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    assert_no_axe_violations(page)


def test_picker_searches_as_you_type_and_chooses(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    PersonFactory(team=world.team, given_name="Sumaiya", family_name="Begum")
    base = live_server.url
    log_in(page, base, username="alice", password="a long test password")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(base + reverse("connections:propose", args=[world.person.pk]))
        assert_no_axe_violations(page)
        page.get_by_label("Introduce them to").fill("sumaiya")
        choice = page.get_by_label("Sumaiya Begum")
        expect(choice).to_be_visible()
        choice.check()
        assert_no_axe_violations(page)
        screenshot(page, "connections-picker")
