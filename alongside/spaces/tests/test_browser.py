"""The register on a tablet (768×1024): one tap marks a row (htmx swaps just that row), the
door welcome adds someone new, and axe finds nothing on the page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.spaces.models import Attendance
from alongside.spaces.tests.helpers import attend, make_session, make_space
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


def test_register_on_a_tablet(live_server, world: World, browser_page: Page) -> None:
    page = browser_page
    page.set_viewport_size(TABLET)
    space = make_space(world.org, team=world.team, host=world.user("vic"))
    today = make_session(space)
    attend(make_session(space, on=today.on - timedelta(days=7)), world.person)
    vic = world.user("vic")
    vic.set_password("a long test password")
    vic.save()
    log_in(page, live_server.url, username="vic", password="a long test password")

    page.goto(f"{live_server.url}/spaces/sessions/{today.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is here: Lunch club")
    assert_no_axe_violations(page)
    here = page.get_by_role("button", name=re.compile(r"^Here\s*:\s*Pat Example$"))
    box = here.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    here.click()
    row = page.locator(f"#person-{world.person.pk}")
    expect(row).to_have_class("is-present")
    expect(
        row.get_by_role("button", name=re.compile(r"^Undo\s*:\s*Pat Example is not here$"))
    ).to_be_visible()
    assert page.url.endswith(f"/spaces/sessions/{today.pk}/")  # swapped in place, no reload
    assert Attendance.objects.filter(session=today, person=world.person).count() == 1
    assert_no_axe_violations(page)

    page.get_by_label("First name").fill("Mo")
    page.get_by_role("button", name="Welcome them").click()
    expect(page.locator(".notice-success")).to_contain_text("Welcome, Mo")
    expect(page.get_by_text("New here", exact=True).first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "spaces-register")
