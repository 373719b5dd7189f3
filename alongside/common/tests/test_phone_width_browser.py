"""Nothing widens a page past a phone's screen (issue 13). A table scrolls inside its
`.table-scroll` wrapper; a visually hidden column heading in it ("Action") is absolutely
positioned, so unless the wrapper is positioned too it escapes the wrapper's clipping and
stretches the whole page sideways from where it would have stood."""

import pytest
from playwright.sync_api import Page

from alongside.conftest import World
from alongside.testing.browser import PHONE, assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser


def test_a_table_with_a_hidden_heading_stays_inside_a_phone(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    log_in(page, live_server.url, username="alice", password="a long test password")
    # Browsers signed in: a table whose last column's heading is visually hidden.
    page.goto(f"{live_server.url}/account/sessions/")
    assert page.locator(".table-scroll .visually-hidden").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)
