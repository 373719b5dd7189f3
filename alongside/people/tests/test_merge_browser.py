"""A coordinator meets the duplicate warning, then merges two records of one person from the
person page, in Chromium at 1280 and 375 px, with axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.people.models import Person
from alongside.relationships.models import Contact
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.browser


def _axe_at_both_widths(page: Page) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_no_axe_violations(page)


def test_a_coordinator_merges_two_records_of_one_person(
    live_server, world: World, browser_page: Page
) -> None:
    page = browser_page
    twin = PersonFactory(
        team=world.team, given_name="Pat", family_name="Example", phone="07700900123"
    )
    ContactFactory(person=twin, worker=world.user("alice"))
    colin = world.user("colin")
    colin.set_password("a long test password")
    colin.save()
    log_in(page, live_server.url, username="colin", password="a long test password")

    # Adding Pat again: the form asks first.
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("First name").fill("pat")
    page.get_by_label("Last name").fill("EXAMPLE")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name="Is this the same person?")).to_be_visible()
    expect(page.locator(".possible-matches")).to_contain_text("phone ending 123")
    _axe_at_both_widths(page)
    screenshot(page, "people-possible-match")
    assert Person.objects.filter(name_key="pat example").count() == 2

    # The coordinator goes to the existing record and merges the second one into it.
    page.locator(".possible-matches").get_by_role("link", name="Pat Example").first.click()
    page.get_by_role("link", name="On the record twice? Merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is Pat Example on the record twice?")
    _axe_at_both_widths(page)
    page.get_by_role("link", name="Review merging Pat Example into this record").click()
    expect(page.get_by_role("heading", name="What moves")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Contacts")
    _axe_at_both_widths(page)
    screenshot(page, "people-merge-review")
    page.get_by_role("button", name="Merge the records").click()
    expect(page.get_by_text("record is now part of this one")).to_be_visible()
    _axe_at_both_widths(page)

    survivors = Person.objects.filter(name_key="pat example", merged_into__isnull=True)
    assert survivors.count() == 1
    assert Contact.objects.filter(person=survivors.get()).count() >= 1
    assert (
        Person.objects.get(pk=twin.pk).merged_into_id is not None or twin.pk == survivors.get().pk
    )


def test_a_merge_with_safeguarding_records_is_proposed_then_approved(
    live_server, world: World, browser_page: Page
) -> None:
    """Decision 0048: the coordinator proposes, seeing counts only; the safeguarding lead finds
    it under "Merges to check" and approves; the records are one."""
    from alongside.people.models import MergeProposal
    from alongside.safeguarding.models import Concern
    from alongside.safeguarding.services.concerns import raise_concern

    page = browser_page
    words = "Seen without food at the hall"
    twin = PersonFactory(team=world.team, given_name="Pat", family_name="Example")
    ContactFactory(person=twin, worker=world.user("alice"))
    raise_concern(
        twin, by=world.members["alice"], category="neglect", what_happened=words,
        immediate_risk=False,
    )  # fmt: skip
    for name in ("colin", "sam"):
        user = world.user(name)
        user.set_password("a long test password")
        user.save()
    base = live_server.url
    log_in(page, base, username="colin", password="a long test password")
    page.goto(f"{base}/people/{world.person.pk}/merge/{twin.pk}/")
    expect(page.get_by_role("heading", name="Someone else must approve this merge")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(words)
    _axe_at_both_widths(page)
    page.get_by_role("button", name="Propose the merge").click()
    expect(page.get_by_text("Proposed. The merge happens when it is approved.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(words)
    _axe_at_both_widths(page)

    page.context.clear_cookies()
    log_in(page, base, username="sam", password="a long test password")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/people/merges/waiting/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Merges waiting")
    _axe_at_both_widths(page)
    page.get_by_role("link", name="Pat Example into Pat Example").click()
    expect(page.get_by_role("heading", name="What moves")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Concerns")
    _axe_at_both_widths(page)
    screenshot(page, "people-merge-proposal")
    page.get_by_role("button", name="They are one person: approve").click()
    expect(page.get_by_text("Approved: the two records are now one.")).to_be_visible()
    _axe_at_both_widths(page)

    assert MergeProposal.objects.get().status == MergeProposal.Status.MERGED
    assert Concern.objects.for_system("test").get().person_id == world.person.pk
    assert Person.objects.get(pk=twin.pk).merged_into_id == world.person.pk
