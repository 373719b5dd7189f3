"""Real-browser journeys for scheduling: Chromium against the live server, axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.scheduling.models import Appointment
from alongside.scheduling.tests.helpers import give_week
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser


def test_supporter_books_the_named_worker_first_and_sees_it_on_the_person_page(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    for name in ("alice", "cara"):
        give_week(world.members[name], place="The hub, Mill Street")
    cara = world.user("cara")
    cara.set_password("a long test password")
    cara.save()
    log_in(page, live_server.url, username="cara", password="a long test password")

    page.goto(f"{live_server.url}/people/{world.person.pk}/")
    page.get_by_role("link", name="Book an appointment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment for Pat Example")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings.index("Their named worker") < headings.index("Other workers")
    # Cara has never met Pat: her times say what booking her would mean.
    expect(page.locator(".consequence-other").first).to_contain_text(
        "They have not met Cara before"
    )
    assert_no_axe_violations(page)
    screenshot(page, "book-with-continuity")

    first_named = page.locator(".slot-group-named + ul input[type=radio]").first
    first_named.check()
    page.get_by_label("Phone", exact=True).check()
    page.get_by_role("button", name="Book").click()
    page.wait_for_url(f"{live_server.url}/people/{world.person.pk}/")
    expect(page.locator(".notice-success")).to_contain_text("Booked:")
    expect(page.locator("#appointments-heading")).to_be_visible()
    assert_no_axe_violations(page)

    appointment = Appointment.objects.get()
    assert (appointment.worker, appointment.mode, appointment.booked_by) == (
        world.user("alice"),
        "phone",
        cara,
    )
