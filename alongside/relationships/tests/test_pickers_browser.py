"""Real-browser journey with the type-ahead pickers (common/pickers.py), at 1280 and 375 px with
axe: a supporter records a contact choosing who else was there by typing a worker's name, and
suggests an introduction by typing a person's name; the people search's worker filter is
chosen by typing. Nothing on the page is wider than the screen."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from alongside.access.models import Membership, Role
from alongside.conftest import World
from alongside.connections.models import Introduction
from alongside.relationships.models import Contact, WorkerRequest
from alongside.testing.browser import PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import PersonFactory, SpellFactory

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def no_wider_than_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width  # type: ignore[index]


def test_choosing_a_worker_and_a_person_by_typing(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    zoe = get_user_model().objects.create(username="zoe", first_name="Zoe", last_name="Zimmer")
    Membership.objects.create(
        organisation=world.org, user=zoe, role=Role.SUPPORTER, team=world.team,
        started_on=date(2024, 1, 1),
    )  # fmt: skip
    PersonFactory(team=world.team, given_name="Sumaiya", family_name="Begum")
    PersonFactory(team=world.team, given_name="Amina", family_name="Begum")
    SpellFactory(person=PersonFactory(team=world.team, given_name="Zara", family_name="Ahmed"),
                 worker=zoe)  # fmt: skip
    base = live_server.url
    log_in(page, base, username="alice", password="a long test password")

    for round_, viewport in enumerate((DESKTOP, PHONE), start=1):
        page.set_viewport_size(viewport)
        # A worker: "Other workers there" on the contact page.
        page.goto(base + reverse("relationships:record_contact", args=[world.person.pk]))
        page.get_by_text("More: who was there, other notes").click()
        assert_no_axe_violations(page)
        page.get_by_label("Other workers there").fill("zimm")
        zoe_choice = page.get_by_label("Zoe Zimmer")
        expect(zoe_choice).to_be_visible()  # as you type (HTMX)
        expect(page.locator("#picker-also_present-results")).to_contain_text("Supporter")
        zoe_choice.check()
        no_wider_than_the_screen(page)
        assert_no_axe_violations(page)
        screenshot(page, "worker-picker-contact")
        page.get_by_role("button", name="Save contact").click()
        expect(page.locator("#contact-form")).to_contain_text("Contact recorded")
        assert Contact.objects.count() == round_
        assert Contact.objects.latest("pk").also_present.get() == zoe

        # A person: "Suggest an introduction" (once suggested, Sumaiya is not offered again).
        name = "Sumaiya Begum" if round_ == 1 else "Amina Begum"
        page.goto(base + reverse("connections:propose", args=[world.person.pk]))
        page.get_by_label("Introduce them to").fill(name.split()[0].lower())
        choice = page.get_by_label(name)
        expect(choice).to_be_visible()
        choice.check()
        no_wider_than_the_screen(page)
        assert_no_axe_violations(page)
        if round_ == 1:
            page.get_by_role("button", name="Suggest it").click()
            page.wait_for_url(lambda url: "/propose/" not in url)
            assert Introduction.objects.for_system("test").count() == 1

        # The people search's worker filter.
        page.goto(base + reverse("people:person_list"))
        page.get_by_text("Filters").click()
        page.get_by_label("Whose people").fill("zoe")
        page.get_by_label("Zoe Zimmer").check()
        expect(page.locator("#results")).to_contain_text("Zara Ahmed")
        expect(page.locator("#results")).not_to_contain_text("Pat Example")
        no_wider_than_the_screen(page)
        assert_no_axe_violations(page)
        screenshot(page, "people-search-worker-filter")


def test_without_javascript_a_worker_is_found_and_chosen(
    live_server, world: World, browser_page: Page
) -> None:
    """JavaScript off: "Find" reloads the page with the matches, and the choice saves."""
    page = browser_page
    context = page.context.browser.new_context(java_script_enabled=False)  # type: ignore[union-attr]
    page = context.new_page()
    alice = world.user("alice")
    alice.set_password("a long test password")
    alice.save()
    base = live_server.url
    page.goto(base + "/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(base + reverse("relationships:record_worker_request", args=[world.person.pk]))
    page.get_by_label("Worker they asked for (if any)").fill("cara")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Cara").check()
    page.get_by_label("What they said").fill("Cara knows my family")
    page.get_by_role("button", name="Record their request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat Example")
    assert WorkerRequest.objects.get().requested_worker == world.user("cara")
    context.close()
