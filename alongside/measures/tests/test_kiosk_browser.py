"""Shared computers in a real browser (decision 0013): once the tablet is handed over, Back and a
typed URL show nothing of anyone's record until the worker types their password; an idle
session's htmx request lands on the whole signed-out page."""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"
LOCKED = "This tablet is handed over"


def test_back_and_a_typed_url_reach_no_record_until_the_worker_unlocks(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    user = world.user("alice")
    user.set_password(PASSWORD)
    user.save()
    log_in(page, live_server.url, username="alice", password=PASSWORD)
    person_url = f"{live_server.url}/people/{world.person.pk}/"
    page.goto(person_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat")
    assert "Example" in page.content()  # the record is on screen before the hand-over

    page.goto(f"{live_server.url}/measures/people/{world.person.pk}/ask/")
    page.get_by_label("Relationship Check").check()
    page.get_by_label("On this tablet, handed to them now").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Pat")
    expect(page.locator(".bare-header")).to_contain_text("With your worker Alice")
    assert user.last_name not in page.locator(".bare-header").inner_text()
    assert "Example" not in page.content()
    assert_no_axe_violations(page)
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page)
    page.set_viewport_size(DESKTOP)

    # Back, twice: to the ask page, then the record. Neither comes from the cache.
    for _ in range(2):
        page.go_back()
        expect(page.get_by_role("heading", level=1)).to_have_text(LOCKED)
        assert "Example" not in page.content() and "Find a person" not in page.content()
    assert_no_axe_violations(page)
    screenshot(page, "kiosk-locked")

    # Typing the record's address.
    page.goto(person_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(LOCKED)
    assert "Example" not in page.content()

    # A wrong password: a clear message on the field, still locked.
    page.get_by_label("Your password").fill("a guess")
    page.get_by_role("button", name="Go back to Alongside").click()
    expect(page.get_by_role("alert")).to_contain_text("That password is not right")
    assert "Example" not in page.content()
    assert_no_axe_violations(page)

    # The worker's password brings back the page they asked for.
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Go back to Alongside").click()
    page.wait_for_url(person_url)
    assert "Example" in page.content()


def test_htmx_on_an_idle_session_goes_to_the_signed_out_page(
    live_server, world: World, browser_page: Page
) -> None:
    """A search typed after an hour away: htmx follows `HX-Redirect` to the whole signed-out
    page instead of swapping a sign-in page into the results."""
    page = browser_page
    user = world.user("alice")
    user.set_password(PASSWORD)
    user.save()
    log_in(page, live_server.url, username="alice", password=PASSWORD)
    page.goto(f"{live_server.url}/people/")
    with time_machine.travel(timedelta(hours=2)):  # the server's clock; the browser is unaware
        page.locator("#id_q").fill("Pat")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You were signed out because you were away"
        )
    assert page.url.startswith(f"{live_server.url}/signed-out/")
    assert "Pat" not in page.content()
    assert_no_axe_violations(page)
    screenshot(page, "signed-out-away")
