"""Real-browser journey: an assessor records and redeems a voucher, with axe on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.eligibility.models import Voucher
from alongside.relationships.models import WorkerRequest
from alongside.testing.browser import (
    assert_no_axe_violations,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.browser


def test_assessor_records_and_redeems_a_voucher_and_offers_support(
    live_server, world: World, browser_page: Page, partner, make_voucher
) -> None:
    page = browser_page
    amir = world.user("amir")
    amir.set_password("a long test password")
    amir.save()
    make_voucher(person=world.person, days_ago=70, code="RS-1001")
    make_voucher(person=world.person, days_ago=35, code="RS-1002", parcels=2)
    make_voucher(code="RS-1003")
    base = live_server.url

    log_in(page, base, username="amir", password="a long test password")
    page.goto(f"{base}/eligibility/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Foodbank vouchers")
    expect(page.get_by_role("link", name="Redeem RS-1003")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-foodbank")

    page.get_by_role("link", name="Record a voucher").click()
    page.get_by_label("Voucher code").fill("rs 2001")
    page.get_by_label("Referral partner").select_option(label="Riverside Surgery")
    page.get_by_label("Issued by").fill("Dr Okafor")
    page.get_by_label("Adults in the household").fill("0")
    page.get_by_label("Children in the household").fill("2")
    page.get_by_role("button", name="Record the voucher").click()
    expect(page.locator(".error-summary")).to_contain_text("at least one adult")
    expect(page.locator(".error-summary")).to_contain_text("Choose at least one reason")
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-voucher-errors")

    page.get_by_label("Adults in the household").fill("1")
    page.get_by_label("Benefit delay").check()
    page.get_by_role("button", name="Record the voucher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voucher RS2001")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Redeem this voucher").click()
    page.get_by_label("Find the person by name").fill("Pat")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Pat Example (Link workers)").check()
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-redeem")
    page.get_by_role("button", name="Give the parcel").click()

    expect(page.locator("#redeemed")).to_contain_text("1 parcel for")
    offer = page.locator("#support-offer")
    expect(offer).to_contain_text("has been to us 2 times before in the last six months")
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-repeat-offer")
    offer.get_by_label("They said yes").check()
    offer.get_by_role("button", name="Ask a link worker to get in touch").click()
    expect(page.locator(".notice-success")).to_contain_text("A coordinator will ask a link worker")
    assert WorkerRequest.objects.filter(person=world.person).count() == 1

    page.goto(f"{base}/eligibility/partners/")
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-partners")

    page.goto(f"{base}/people/{world.person.pk}/")
    panel = page.locator("#eligibility-panel")
    expect(panel).to_contain_text("RS2001")
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-person-panel")

    page.goto(f"{base}/eligibility/")
    assert_no_axe_violations(page)
    screenshot(page, "eligibility-foodbank-after")

    voucher = Voucher.objects.for_system("test").get(code="RS2001")
    assert (voucher.person_id, voucher.parcels, voucher.adults) == (world.person.pk, 1, 1)
    assert voucher.redeemed_at is not None
    assert timezone.now() - voucher.redeemed_at < timedelta(minutes=5)
