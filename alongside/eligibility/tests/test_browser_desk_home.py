"""Real-browser journey: the foodbank desk signs in to its home (today's vouchers) and redeems a
voucher whose code was typed loosely, at 1280 and 375 px, with axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.eligibility.models import Voucher
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_desk_redeems_a_loosely_typed_code_from_its_home(
    live_server, world: World, browser_page: Page, make_voucher, size
) -> None:
    page = browser_page
    page.set_viewport_size(size)
    world.org.role_names = {"assessor": "Foodbank desk"}
    world.org.save()
    amir = world.user("amir")
    amir.set_password("a long test password")
    amir.save()
    make_voucher(code="RS-1003")
    base = live_server.url

    log_in(page, base, username="amir", password="a long test password")
    # The desk's home is the foodbank page, not a welcome page.
    page.wait_for_url(f"{base}/eligibility/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Foodbank vouchers")
    expect(page.get_by_role("link", name="Redeem RS-1003")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "desk-home")

    # Lower case, a dash in the wrong place and a space: still RS-1003.
    page.get_by_label("Find a voucher by its code").fill("rs1-00 3")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voucher RS-1003")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Redeem this voucher").click()
    page.get_by_label("Find the person by name").fill("Pat")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Pat Example (Link workers)").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Give the parcel").click()
    expect(page.locator("#redeemed")).to_contain_text("1 parcel for")
    assert_no_axe_violations(page)

    voucher = Voucher.objects.for_system("test").get(code="RS-1003")
    assert voucher.person_id == world.person.pk and voucher.redeemed_at is not None
