"""Real-browser journey: a person asks for a worker; the coordinator answers from the inbox, which
is their home, at 1280 and 375 px, with axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.relationships.models import NamedWorkerSpell, WorkerRequest
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import PersonFactory

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_a_coordinator_answers_a_worker_request_from_the_inbox(
    live_server, world: World, browser_page: Page, size
) -> None:
    page = browser_page
    page.set_viewport_size(size)
    base = live_server.url
    for name in ("cara", "colin"):
        user = world.user(name)
        user.set_password(PASSWORD)
        user.save()
    nia = PersonFactory(team=world.team, given_name="Nia", family_name="Newcomer")
    alice = world.user("alice")

    # A supporter writes down, on Nia's page, that she asked for Alice.
    log_in(page, base, username="cara", password=PASSWORD)
    page.goto(f"{base}/people/{nia.pk}/worker-request/")
    assert_no_axe_violations(page)
    page.get_by_label("Worker they asked for (if any)").fill(alice.first_name.lower())
    page.locator(f'input[name="requested_worker"][value="{alice.pk}"]').check()
    page.get_by_label("What they said").fill("Alice helped my neighbour")
    page.get_by_role("button", name="Record their request").click()
    expect(page.get_by_text("A coordinator will answer it.")).to_be_visible()
    assert WorkerRequest.objects.filter(person=nia, status="open").count() == 1

    # The coordinator signs in to their inbox: Nia waits, with what she said and since when.
    page.context.clear_cookies()
    log_in(page, base, username="colin", password=PASSWORD)
    page.wait_for_url(f"{base}/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    waiting = page.locator("#inbox-worker_request").locator("..")
    expect(waiting).to_contain_text("Nia Newcomer")
    expect(waiting).to_contain_text("Alice helped my neighbour")
    assert_no_axe_violations(page)
    screenshot(page, "inbox-coordinator")

    # "Choose a worker with them" opens the existing form, with the worker she chose.
    waiting.get_by_role("link", name="Choose a worker with them – Nia Newcomer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a named worker")
    expect(page.get_by_text("they asked for a worker")).to_be_visible()
    expect(page.locator(f'input[name="worker"][value="{alice.pk}"]')).to_be_checked()
    expect(page.get_by_label("They chose this worker")).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Assign named worker").click()
    expect(page.get_by_text("Named worker assigned.")).to_be_visible()

    spell = NamedWorkerSpell.objects.get(person=nia, ended_on__isnull=True)
    assert (spell.worker_id, spell.chosen_by_person) == (alice.pk, True)
    assert WorkerRequest.objects.get(person=nia).status == WorkerRequest.Status.AGREED

    # Answered: Nia has left the inbox.
    page.goto(f"{base}/inbox/")
    expect(page.locator("main")).not_to_contain_text("Nia Newcomer")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_a_coordinator_answers_not_possible_and_the_worker_reads_why(
    live_server, world: World, browser_page: Page, size
) -> None:
    """Decision 0050: "not possible", with why, from the inbox; the worker who wrote the request
    down is told and reads the answer on the person's page."""
    from alongside.relationships.services import record_worker_request

    page = browser_page
    page.set_viewport_size(size)
    base = live_server.url
    for name in ("cara", "colin"):
        user = world.user(name)
        user.set_password(PASSWORD)
        user.save()
    nia = PersonFactory(team=world.team, given_name="Nia", family_name="Newcomer")
    record_worker_request(
        nia,
        by=world.members["cara"],
        requested_worker=world.user("alice"),
        in_their_words="Alice helped my neighbour",
        on=nia.created_at.date(),
    )
    reason = "Alice has no space for new people until October; we will ask again then."

    log_in(page, base, username="colin", password=PASSWORD)
    page.wait_for_url(f"{base}/inbox/")
    waiting = page.locator("#inbox-worker_request").locator("..")
    waiting.get_by_role("link", name="Not possible? Say why – Nia Newcomer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nia Newcomer's request is not possible"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Answer: not possible").click()
    expect(page.locator(".error-summary")).to_contain_text("Say why it is not possible")
    assert_no_axe_violations(page)
    page.get_by_label("Why is it not possible?").fill(reason)
    page.get_by_role("button", name="Answer: not possible").click()
    page.wait_for_url(f"{base}/inbox/")
    expect(page.get_by_text("Answered: not possible.")).to_be_visible()
    # The request has left the inbox (Nia is still new with no named worker: that stays).
    expect(page.locator("#inbox-worker_request")).to_have_count(0)
    assert_no_axe_violations(page)
    assert WorkerRequest.objects.get(person=nia).status == WorkerRequest.Status.NOT_POSSIBLE

    # The worker who wrote it down is told, and reads why on Nia's page.
    page.context.clear_cookies()
    log_in(page, base, username="cara", password=PASSWORD)
    page.goto(f"{base}/notifications/")
    page.get_by_role("link", name="A coordinator answered a request for a worker").first.click()
    expect(page.locator("#timeline")).to_contain_text(reason)
    assert_no_axe_violations(page)
    screenshot(page, "worker-request-not-possible")
