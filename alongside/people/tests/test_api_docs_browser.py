"""The API docs page in a real browser: it works offline and under our Content Security Policy."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.testing.browser import log_in, screenshot

pytestmark = pytest.mark.browser


def test_docs_page_runs_from_our_own_files_without_breaking_the_csp(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    log_in(page, live_server.url, username="alice", password="a long test password")

    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.get_by_text("Alongside API", exact=False).first).to_be_visible()
    expect(page.locator("#operations-people-list_people")).to_be_visible()
    page.locator("#operations-people-list_people .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody td.response-col_status").first).to_have_text(
        "200"
    )
    screenshot(page, "api-docs")

    assert all(url.startswith(live_server.url) for url in requested), requested
    assert problems == []
