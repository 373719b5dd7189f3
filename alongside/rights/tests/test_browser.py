"""Real-browser journey: the data lead opens a subject access request, reviews what may be
withheld, produces the answer; then erases a person, at 1280 and 375 px, with axe on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from alongside.rights.models import SubjectAccessRequest
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.time_machine("2026-03-10 10:00:00+00:00")]
PASSWORD = "pw-for-tests"  # UserFactory's


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_data_lead_reviews_a_request_and_erases_a_record(
    live_server, world, full_record, browser_page: Page, size
) -> None:
    page = browser_page
    page.set_viewport_size(size)
    base = live_server.url
    person = full_record.person
    log_in(page, base, username="dana", password=PASSWORD)

    page.goto(f"{base}/people/{person.pk}/who-saw-my-record/")
    page.get_by_role("link", name="they asked to see their record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("asked to see their record")
    assert_no_axe_violations(page)
    page.get_by_label("When the request was received").fill("2026-03-09")
    page.get_by_role("button", name="Open the request").click()
    expect(page.get_by_text("Request opened: the answer is due by 9 April 2026.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "rights-review")

    # The note naming Olwen Brightwater: give it with her name taken out.
    note = page.locator(
        ".review-item", has=page.get_by_role("heading", name=re.compile("^Support"))
    )
    note.get_by_label("Give it with the other people's names taken out").check()
    # The safeguarding record: withhold it, for serious harm.
    concern = page.locator(
        ".review-item", has=page.get_by_role("heading", name=re.compile("^Concern"))
    )
    concern.get_by_label("Withhold it").check()
    concern.get_by_label("Why it is withheld").select_option("serious_harm")
    page.get_by_role("button", name="Save these decisions").click()
    expect(page.get_by_text("Decisions saved")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Produce the answer").click()
    expect(page.get_by_role("link", name="Download the answer (PDF)")).to_be_visible()
    assert_no_axe_violations(page)
    answer = SubjectAccessRequest.objects.get(person=person).answer
    assert "Bruise" not in str(answer), answer
    assert "Brightwater" not in str(answer), answer

    page.goto(f"{base}/rights/people/{person.pk}/erase/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erase")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Erase their record").click()  # nothing filled in
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "rights-erase")
    page.get_by_label("Why they are being erased").fill("Asked by letter on 9 March")
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Erase their record").click()
    expect(
        page.get_by_text("Erased: their name, contact details and words are gone.")
    ).to_be_visible()
    assert_no_axe_violations(page)
    person.refresh_from_db()
    assert person.given_name == "Erased"
