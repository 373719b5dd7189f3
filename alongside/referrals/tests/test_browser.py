"""In Chromium, checked with axe on every page: a referral goes out with the person's agreement,
the receiving service answers through its link with no login, and it shows on the timeline, in
the inbox and in the report; a partner refers someone in with its key and the coordinator
allocates them a named worker."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.people.models import Person
from alongside.referrals import services
from alongside.referrals.models import InStatus, OutStatus, ReferralIn, ReferralOut
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot
from alongside.testing.helpers import reset_rate_limits

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests"


def test_a_referral_goes_out_is_answered_and_shows_everywhere(
    live_server, world: World, browser_page: Page
) -> None:
    reset_rate_limits()
    page = browser_page
    world.person.phone = "07700 900123"
    world.person.save()
    log_in(page, live_server.url, username="alice", password=PASSWORD)
    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    page.get_by_role("link", name="Refer to a local service").click()
    assert_no_axe_violations(page)
    page.get_by_label("Or a service not in the directory: its name").fill("Riverside Debt Advice")
    page.get_by_label("What is the referral for?").select_option("money")
    page.get_by_label("Share a note for the service").check()
    page.get_by_label("The note (only sent when ticked above and they agree)").fill(
        "Would like someone to go with her the first time."
    )
    page.get_by_role("button", name="Show what will be shared").click()
    expect(page.locator("#what-is-shared")).to_contain_text(
        "Riverside Debt Advice will see their name, what it is for (Money, debt or benefits), "
        "how to contact them and the note written for the service, and nothing else"
    )
    assert_no_axe_violations(page)
    screenshot(page, "referral-check")
    # Sending without their agreement: refused on the right field, nothing sent.
    page.get_by_role("button", name="They agree: send the referral").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing is sent without their agreement")
    assert ReferralOut.objects.count() == 0
    page.get_by_label(
        "They have read or heard this, and agree to exactly this being shared"
    ).check()
    page.get_by_role("button", name="They agree: send the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referred to Riverside Debt Advice")
    assert_no_axe_violations(page)
    link = page.get_by_label("The service's link").input_value()

    # The service, with no account, on a fresh browser session.
    page.context.clear_cookies()
    assert link.startswith("http") and "/referrals/r/" in link
    page.goto(live_server.url + urlsplit(link).path)  # the same path on the test's server
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A referral for Riverside Debt Advice"
    )
    expect(page.get_by_text("07700 900123")).to_be_visible()
    expect(page.get_by_text("Would like someone to go with her the first time.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "referral-answer")
    page.get_by_label("Seen: we have met them").check()
    page.get_by_role("button", name="Send our answer").click()
    expect(page.locator("#answered")).to_contain_text("seen by the service")
    assert_no_axe_violations(page)
    assert ReferralOut.objects.get().status == OutStatus.SEEN

    # The timeline.
    log_in(page, live_server.url, username="alice", password=PASSWORD)
    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    expect(page.locator("#timeline")).to_contain_text(
        "Riverside Debt Advice answered the referral: seen by the service"
    )
    expect(page.locator("#timeline")).to_contain_text("Referred to Riverside Debt Advice")
    assert_no_axe_violations(page)

    # The inbox: a referral with no answer after two weeks.
    services.refer(
        world.person,
        by=world.members["alice"],
        service=None,
        service_name="Talking Therapies Riverside",
        service_email="",
        need="mental_health",
        share_contact=True,
        share_note=False,
        note="",
        consent_given=True,
        now=timezone.now() - timedelta(days=20),
    )
    page.context.clear_cookies()
    log_in(page, live_server.url, username="colin", password=PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_role("heading", name="Referrals out with no answer")).to_be_visible()
    expect(
        page.get_by_text("Referred to Talking Therapies Riverside; no answer yet.")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # The report.
    today = timezone.localdate()
    page.goto(f"{live_server.url}/reports/?start={today - timedelta(days=60)}&end={today}")
    section = page.locator("#report-referrals")
    expect(section).to_contain_text("Referrals out and in")
    expect(section).to_contain_text("Money, debt or benefits")
    assert_no_axe_violations(page)


def test_a_partner_refers_someone_in_and_the_coordinator_allocates_them(
    live_server, world: World, browser_page: Page
) -> None:
    reset_rate_limits()
    page = browser_page
    _partner, key = services.add_partner(
        world.org, by=world.members["colin"], name="Riverside Surgery", email="gp@example.org"
    )
    page.goto(f"{live_server.url}/referrals/from-a-partner/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer someone to us")
    assert_no_axe_violations(page)
    page.get_by_label("Your partner key").fill(key)
    page.get_by_role("button", name="Continue").click()  # the key says whose needs list
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Refer someone to {world.org.name}")
    assert_no_axe_violations(page)
    page.get_by_label("Their first name").fill("Robin")
    page.get_by_label("Their last name").fill("Newcombe")
    page.get_by_label("Their phone number").fill("07700 900555")
    page.get_by_label("What is the referral for?").select_option("connection")
    page.get_by_label("What would help them (in their words, if you can)").fill(
        "Would like company on weekday afternoons."
    )
    page.get_by_label("They agreed to this referral and to us contacting them").check()
    screenshot(page, "referral-in-form")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we have your referral")
    assert_no_axe_violations(page)

    log_in(page, live_server.url, username="colin", password=PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_role("heading", name="Referrals in from partners")).to_be_visible()
    page.get_by_role("link", name="Decide and allocate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral for Robin Newcombe")
    assert_no_axe_violations(page)
    page.get_by_role("radio", name="Accept").check()
    page.get_by_label("If new: the service they join").select_option(label="Link workers")
    # The worker picker: type part of the name, find, choose (decision 0045).
    page.get_by_label("Their named worker (when accepted) (optional)").fill(
        world.user("cara").first_name
    )
    page.locator("button[form='pick-worker']").click()
    page.get_by_role("radio", name=world.user("cara").get_full_name()).check()
    page.get_by_role("radio", name="Accept").check()
    page.get_by_label("If new: the service they join").select_option(label="Link workers")
    screenshot(page, "referral-in-triage")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Newcombe")
    expect(page.locator(".person-header")).to_contain_text(
        f"Named worker: {world.user('cara').get_full_name()}"
    )
    assert_no_axe_violations(page)
    referral = ReferralIn.objects.get()
    assert referral.status == InStatus.ACCEPTED
    assert referral.person == Person.objects.get(given_name="Robin")
