"""Two people each agree to an introduction through their own one-time link on a phone, with no
login; then the worker's page shows they were introduced. Checked with axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.connections import services
from alongside.connections.models import IntroductionSide
from alongside.connections.tests.helpers import build_town, profile
from alongside.testing.browser import (
    DESKTOP,
    PHONE,
    assert_no_axe_violations,
    log_in,
    screenshot,
)
from alongside.testing.helpers import reset_rate_limits

pytestmark = pytest.mark.browser


def test_both_sides_agree_on_their_phones(live_server, world: World, browser_page: Page) -> None:
    reset_rate_limits()
    town = build_town(world)
    page = browser_page
    page.set_viewport_size(PHONE)
    profile(town, world.person)
    profile(town, town.ray)
    intro = services.propose(world.person, by=town.m("alice"), other=town.ray)
    issued = services.ask(intro, by=town.m("alice"))
    sides = IntroductionSide.objects.for_system("test").filter(introduction=intro)
    tokens = {s.person.given_name: issued[s.pk] for s in sides.select_related("person")}

    # Pat first: sees only his first name and the organisation, nothing about Ray.
    page.goto(f"{live_server.url}/connections/i/{tokens['Pat']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Pat")
    expect(page.get_by_text("Riverside Test Hub").first).to_be_visible()
    # Who sent it, by first name only (issue 13): never a surname.
    alice = town.m("alice").user
    expect(page.locator(".bare-header")).to_contain_text(
        f"Riverside Test Hub Sent by your worker {alice.first_name}"
    )
    assert alice.last_name not in page.locator(".bare-header").inner_text()
    assert "Ray" not in page.content() and "Example" not in page.content()
    assert_no_axe_violations(page)
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page)
    page.set_viewport_size(PHONE)
    screenshot(page, "introduction-answer")
    # Sending without choosing: a clear message, nothing saved.
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose yes or no.")
    assert_no_axe_violations(page)
    page.get_by_label("Yes, I would like that").check()
    page.get_by_label("A way to get in touch with me").check()
    page.get_by_label("How to get in touch with me").fill("07700 900123")
    box = page.get_by_label("Yes, I would like that").locator("xpath=..").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] <= PHONE["width"]
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("waiting to hear from the other side")).to_be_visible()
    assert "Ray" not in page.content()
    assert_no_axe_violations(page)

    # Ray on his own phone.
    page.goto(f"{live_server.url}/connections/i/{tokens['Ray']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Ray")
    assert "Pat" not in page.content() and "07700" not in page.content()
    page.get_by_label("Yes, I would like that").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("You both said yes")).to_be_visible()
    expect(page.get_by_text("07700 900123")).to_be_visible()
    expect(page.get_by_text("Pat", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    # The worker's page: introduced.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, username="alice", password="pw-for-tests")
    page.goto(f"{live_server.url}/connections/introductions/{intro.pk}/")
    expect(page.locator("#introduction-status")).to_have_text("introduced")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/connections/people/{world.person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Connections for Pat")
    assert_no_axe_violations(page)
