"""Real-browser journeys: Debian's Chromium against the live server, with axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.relationships.models import Contact, Mode
from alongside.testing.browser import (
    assert_no_axe_violations,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.browser


def test_supporter_records_a_contact_that_appears_on_the_timeline(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    sentence = "Help filling in the blue badge form before Friday, please."

    log_in(page, live_server.url, username="alice", password="a long test password")

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("My people")
    # Pat is in her to do (no contact yet) and in the list of everyone she is named worker for.
    expect(
        page.locator(".todo").get_by_role("link", name="Pat Example", exact=True)
    ).to_be_visible()
    mine = page.locator(".people-list").get_by_role("link", name="Pat Example", exact=True)
    expect(mine).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "my-people")

    mine.click()
    page.wait_for_url(f"{live_server.url}/people/{world.person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pat Example")
    assert_no_axe_violations(page)

    # A full page load would clear this marker; an HTMX swap keeps it.
    page.evaluate("window.noReloadSinceSubmit = true")
    page.get_by_label("What they asked for, in their words").fill(sentence)
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Minutes", exact=True).fill("25")
    record_url = f"{live_server.url}/people/{world.person.pk}/contacts/new/"
    with page.expect_response(lambda r: r.url == record_url) as posted:
        page.get_by_role("button", name="Save contact").click()
    assert posted.value.status == 200
    assert posted.value.request.headers.get("hx-request") == "true"

    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(sentence)
    expect(timeline.locator("li").first).to_contain_text("Phone · 25 minutes")
    expect(page.locator("#contact-recorded")).to_contain_text("Contact recorded.")
    expect(page.locator("#contact-recorded")).to_be_focused()
    assert page.evaluate("window.noReloadSinceSubmit") is True
    assert_no_axe_violations(page)
    screenshot(page, "person-after-recording")

    page.reload()
    expect(page.locator("#timeline")).to_contain_text(sentence)
    assert_no_axe_violations(page)

    contacts = Contact.objects.filter(person=world.person)
    assert [(c.minutes, c.mode, c.worker_id) for c in contacts] == [(25, Mode.PHONE, alice.pk)]
    assert Contact.objects.filter(minutes=25).count() == 1


def test_a_colleague_asks_for_the_history_and_a_coordinator_reviews_it(
    live_server, world: World, browser_page: Page
) -> None:
    from alongside.relationships.models import LegitimateRelationship

    page = browser_page
    for name in ("cara", "colin"):
        user = world.user(name)
        user.set_password("a long test password")
        user.save()
    log_in(page, live_server.url, username="cara", password="a long test password")
    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    expect(page.get_by_role("heading", name="Who can read their history")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Why you need their history").fill("Covering for Alice while she is away")
    page.get_by_role("button", name="Open their history").click()
    expect(page.get_by_text("You asked to read their history.")).to_be_visible()
    assert LegitimateRelationship.objects.filter(worker=world.user("cara")).exists()
    screenshot(page, "history-access-granted")

    page.context.clear_cookies()
    log_in(page, live_server.url, username="colin", password="a long test password")
    page.goto(f"{live_server.url}/history-access/")
    expect(page.get_by_text("Covering for Alice while she is away")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Review").click()
    page.get_by_label("Appropriate", exact=True).check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "history-access-reviewed")
