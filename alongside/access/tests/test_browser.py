"""Real-browser checks of what this app draws on every page: the navigation built from rules, and
an invalid form answered 400 and still swapped in by htmx (docs/decisions/0008)."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.relationships.models import Contact
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


def _sign_in(page: Page, live_server, world: World, name: str) -> None:
    user = world.user(name)
    user.set_password(PASSWORD)
    user.save()
    log_in(page, live_server.url, username=name, password=PASSWORD)


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("colin", ["My people", "Plan", "Matching", "Team continuity", "Learning"], ["Concerns"]),
        ("sam", ["Find a person", "Concerns", "Holds", "Overrides"], ["My people", "Diary"]),
    ],
)
def test_the_navigation_shows_each_role_the_pages_it_may_open(
    live_server, world: World, browser_page: Page, persona, shown, hidden
) -> None:
    page = browser_page
    _sign_in(page, live_server, world, persona)
    nav = page.get_by_role("navigation", name="Main")
    for label in shown:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, f"nav-{persona}")


def test_an_invalid_contact_form_comes_back_400_and_htmx_shows_its_errors_in_place(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    _sign_in(page, live_server, world, "alice")
    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    page.evaluate("window.noReloadSinceSubmit = true")
    page.get_by_label("Minutes", exact=True).fill("999")
    record_url = f"{live_server.url}/people/{world.person.pk}/contacts/new/"
    with page.expect_response(lambda r: r.url == record_url) as posted:
        page.get_by_role("button", name="Save contact").click()
    assert posted.value.status == 400
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#contact-form")).to_contain_text("There is a problem")
    assert page.evaluate("window.noReloadSinceSubmit") is True
    assert not Contact.objects.exists()
    assert_no_axe_violations(page)
