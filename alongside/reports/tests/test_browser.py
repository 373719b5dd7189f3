"""The learning report in Chromium: a funder reads it on the page (axe clean); its PDF renders."""

from datetime import timedelta

import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.reports.tests.test_report import people_with_contacts
from alongside.testing.browser import PHONE, assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser


def test_funder_reads_the_learning_report_and_downloads_the_pdf(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    people_with_contacts(world, 6)
    for person in world.person.__class__.objects.filter(family_name="Reportable"):
        person.contacts.update(at=timezone.now() - timedelta(days=40))
    fern = world.user("fern")
    fern.set_password("a long test password")
    fern.save()
    log_in(page, live_server.url, username="fern", password="a long test password")

    page.get_by_role("link", name="Learning report").click()
    today = timezone.localdate()
    page.get_by_label("From").fill((today - timedelta(days=180)).isoformat())
    page.get_by_label("Until").fill(today.isoformat())
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("what we learned")
    expect(page.get_by_role("heading", name="Who we worked alongside")).to_be_visible()
    expect(page.locator("figure svg").first).to_be_visible()
    # Inline styles are refused by the page's CSP: the chart must draw with attributes alone.
    line = page.locator("#activity-line2d_15, figure svg path[stroke='#0b5c4b']").first
    expect(line).to_be_attached()
    assert_no_axe_violations(page)
    screenshot(page, "learning-report")

    # On a phone the report's heading comes before its date filters, and no table widens the
    # page: each scrolls inside its own wrapper (issue 13).
    page.set_viewport_size(PHONE)
    heading = page.get_by_role("heading", level=1).bounding_box()
    filters = page.get_by_label("From").bounding_box()
    assert heading is not None and filters is not None and heading["y"] < filters["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115 - a temporary download
    document = pypdfium2.PdfDocument(data)
    try:
        assert len(document) >= 2
        text = document[0].get_textpage().get_text_range()
        assert "what we learned" in text
        bitmap = document[0].render(scale=0.5).to_pil().convert("L")
        assert bitmap.getextrema()[0] < 100  # something dark was drawn: not a blank page
    finally:
        document.close()
