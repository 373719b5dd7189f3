"""Real-browser journeys: a worker raises a concern, a lead opens an override, a data lead reviews.

Debian's Chromium through Playwright, with axe on every page. ALONGSIDE_SCREENSHOTS=folder saves
each page at 1280 and 375 px.
"""

import pytest
from playwright.sync_api import Page, expect

from alongside.safeguarding import services
from alongside.safeguarding.models import Concern, Override
from alongside.safeguarding.tests.conftest import CONCERN_TEXT, JUSTIFICATION
from alongside.testing.browser import (
    PHONE,
    assert_no_axe_violations,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests"  # UserFactory's
REASON = "checking what the browser journey wrote"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()


def test_concern_override_and_review_in_a_browser(live_server, sg, browser_page: Page) -> None:
    page = browser_page
    person_url = f"{live_server.url}/people/{sg.person.pk}/"

    # Alice raises a concern from Pat's page.
    log_in(page, live_server.url, username="alice", password=PASSWORD)
    page.goto(person_url)
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a safeguarding concern")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send to the safeguarding leads").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-raise-errors")
    page.get_by_label("Physical abuse").check()
    page.get_by_label("What happened, or what did you notice?").fill(CONCERN_TEXT)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send to the safeguarding leads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concern sent")
    expect(page.get_by_role("alert")).to_contain_text("call 999 now")
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-concern-sent")
    page.goto(person_url)
    expect(page.locator("#safeguarding-heading")).to_be_visible()
    expect(page.get_by_text("You raised a concern on")).to_be_visible()
    assert CONCERN_TEXT not in page.content()
    screenshot(page, "safeguarding-person-worker")
    sign_out(page)

    # Sam reads it on Pat's page and opens the support records under an override.
    log_in(page, live_server.url, username="sam", password=PASSWORD)
    page.goto(person_url)
    expect(page.get_by_text(CONCERN_TEXT)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_text("Open support records (override)").click()
    page.get_by_label("Risk of serious harm to the person").check()
    page.get_by_label("Explain why this cannot wait for their consent").fill("Too short")
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-person-lead")
    page.get_by_role("button", name="Open support records").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("at least 20 characters")
    assert Override.objects.for_system(REASON).count() == 0
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-override-errors")
    page.get_by_label("Explain why this cannot wait for their consent").fill(JUSTIFICATION)
    page.get_by_role("button", name="Open support records").click()
    page.wait_for_url(person_url)
    expect(page.get_by_text("under an override. This ends at")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-person-override-banner")
    concern = Concern.objects.for_system(REASON).get()
    page.goto(f"{live_server.url}/safeguarding/concerns/{concern.pk}/")
    page.get_by_label("What was done?").fill("Rang adult social care")
    page.get_by_label("Being looked into").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("What was done is recorded.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-concern-detail")
    page.goto(f"{live_server.url}/safeguarding/concerns/")
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-concern-list")
    sign_out(page)

    # Dana, the data lead, reviews it.
    log_in(page, live_server.url, username="dana", password=PASSWORD)
    page.goto(f"{live_server.url}/safeguarding/overrides/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overrides to review")
    assert "Pat Example" not in page.content()
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-override-queue")
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_text("Only safeguarding leads read the justification")).to_be_visible()
    assert JUSTIFICATION not in page.content()
    assert_no_axe_violations(page)
    page.get_by_label("Justified", exact=True).check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "safeguarding-override-queue-reviewed")
    assert Override.objects.for_system(REASON).get().review_outcome == "justified"


# Words in the table's cells that the browser drew across two lines ("Emotion / al").
SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1 && !match[0].includes("-")) split.push(match[0]);
      }
    }
  }
  return split;
}"""


def test_on_a_phone_the_concerns_table_scrolls_rather_than_splitting_words(
    live_server, sg, browser_page: Page
) -> None:
    """Issue 13: at 375 px "Emotional or psychological abuse" broke as "Emotion al". Now each word
    stays whole; the table scrolls sideways inside its wrapper, never the page."""
    page = browser_page
    services.raise_concern(
        sg.person,
        by=sg.members["alice"],
        category="emotional",
        what_happened=CONCERN_TEXT,
        immediate_risk=True,
    )
    log_in(page, live_server.url, username="sam", password=PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/safeguarding/concerns/")
    expect(page.get_by_role("cell", name="Emotional or psychological abuse")).to_be_visible()
    assert page.evaluate(SPLIT_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator(".table-scroll table").count() == 1
    assert_no_axe_violations(page)
