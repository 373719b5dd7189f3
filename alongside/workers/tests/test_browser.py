"""In Chromium: the data lead invites a worker, the worker chooses a password from the emailed
link and signs in; the Workers pages pass axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


def test_invite_choose_a_password_and_sign_in(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    dana = world.user("dana")
    dana.set_password(PASSWORD)
    dana.save()
    log_in(page, live_server.url, username="dana", password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workers").click()
    expect(page.get_by_role("heading", name="Workers")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Invite a worker").click()
    page.get_by_label("Email address").fill("nia@example.org")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Role").select_option("supporter")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", name="Nia")).to_be_visible()
    expect(page.get_by_text("Invited", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "workers-invited")

    link = re.search(r"http\S+/workers/welcome/\S+/", mail.outbox[-1].body)
    assert link
    path = link.group(0).split("/workers/", 1)[1]
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/workers/{path}")
    assert_no_axe_violations(page)
    page.get_by_label("Choose a password").fill("river walks at dawn")
    page.get_by_label("Type it again").fill("river walks at dawn")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    log_in(page, live_server.url, username="nia@example.org", password="river walks at dawn")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
