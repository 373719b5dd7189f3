"""A person completes the Relationship Check through a one-time link on a phone, with no login."""

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.measures import services
from alongside.measures.builtins import RELATIONSHIP_CHECK
from alongside.measures.models import Response, SittingKind
from alongside.measures.tests.helpers import version
from alongside.testing.browser import DESKTOP, PHONE, assert_no_axe_violations, screenshot
from alongside.testing.helpers import reset_rate_limits

pytestmark = pytest.mark.browser


def test_person_completes_the_relationship_check_on_a_phone(
    live_server, world: World, browser_page: Page
) -> None:
    reset_rate_limits()
    page = browser_page
    page.set_viewport_size(PHONE)
    _, token = services.start_sitting(
        world.person,
        by=world.members["alice"],
        versions=[version(RELATIONSHIP_CHECK)],
        kind=SittingKind.LINK,
    )
    page.goto(f"{live_server.url}/measures/a/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Pat")
    expect(page.get_by_text("Riverside Test Hub").first).to_be_visible()
    # Who sent it, by first name only (issue 13): never a surname.
    alice = world.user("alice")
    expect(page.locator(".bare-header")).to_have_text(
        f"Riverside Test Hub Sent by your worker {alice.first_name}", use_inner_text=True
    )
    assert "Example" not in page.content()
    assert_no_axe_violations(page)
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page)
    page.set_viewport_size(PHONE)
    screenshot(page, "relationship-check")

    # Send with one question unanswered: a clear message for that question, nothing saved.
    listened = page.get_by_role("group", name="I felt listened to and understood.")
    listened.get_by_label("Strongly agree").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose an answer to “I did not feel judged.”"
    )
    assert_no_axe_violations(page)
    assert Response.objects.for_system("test: nothing saved").count() == 0

    answers = {
        "I felt listened to and understood.": "Strongly agree",
        "I did not feel judged.": "Agree",
        "I saw someone I know.": "Strongly agree",
        "The person I saw knew what they were doing.": "Agree",
        "Things moved forward for me.": "Neither agree nor disagree",
        "I felt safe to say what is really going on.": "Prefer not to say",
        "I had a say in what happens.": "Agree",
    }
    for question, choice in answers.items():
        page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()
    target = page.get_by_role("group", name="I had a say in what happens.").get_by_label(
        "Agree", exact=True
    )
    box = target.locator("xpath=..").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] <= PHONE["width"]
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_no_axe_violations(page)

    (stored,) = Response.objects.for_system("test: what was stored")
    assert stored.answers == {
        "listened": 5,
        "not_judged": 4,
        "knew_them": 5,
        "competent": 4,
        "moved_forward": 3,
        "safe_to_say": None,
        "had_a_say": 4,
    }
    page.goto(f"{live_server.url}/measures/a/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "These questions have already been answered"
    )
    assert_no_axe_violations(page)


def test_data_lead_adds_a_converted_instrument_and_reads_how_it_is_scored(
    live_server, world: World, browser_page: Page
) -> None:
    """Made-up wording and table. An error is shown on its field, then the scoring in words."""
    from alongside.measures.models import Instrument
    from alongside.testing.browser import log_in

    page = browser_page
    dana = world.user("dana")
    dana.set_password("a long test password")
    dana.save()
    log_in(page, live_server.url, username="dana", password="a long test password")
    page.goto(f"{live_server.url}/measures/instruments/new/")
    assert_no_axe_violations(page)
    page.get_by_label("Name", exact=True).fill("Made-up calm scale")
    page.get_by_label("Copyright and licence notice").fill("© Made-up Holder.")
    page.get_by_label("We have permission to use this instrument").check()
    page.get_by_label("Questions, one a line").fill("Made-up one\nMade-up two\nMade-up three")
    page.get_by_label("Answers, one a line").fill("1 = Rarely\n2 = Sometimes\n3 = Often")
    page.get_by_label("Questions scored in reverse").fill("2")
    page.get_by_role("group", name="Overall total").get_by_label(
        "Add the answers up (a total)"
    ).check()
    page.get_by_label("Conversion table").fill(
        "3 = 10\n4 = 12.5\n5 = 15\n6 = 17.5\n8 = 22.5\n9 = 25\n10 = 27.5"
    )
    page.get_by_label("Subscales").fill("First two = 1-2")
    page.get_by_role("button", name="Add it").click()
    expect(page.get_by_role("alert")).to_contain_text("Missing: 7.")
    expect(page.locator("#field-total_table .error-message")).to_contain_text(
        "These raw totals cannot happen"
    )
    assert not Instrument.objects.filter(organisation=world.org).exists()
    assert_no_axe_violations(page)
    screenshot(page, "add-instrument-error")

    page.get_by_label("Conversion table").fill(
        "3 = 10\n4 = 12.5\n5 = 15\n6 = 17.5\n7 = 20\n8 = 22.5\n9 = 25\n11 = 30"
    )
    page.get_by_role("button", name="Add it").click()
    expect(page.get_by_role("alert")).to_contain_text("take them out: 11")
    page.get_by_label("Conversion table").fill(
        "3 = 10\n4 = 12.5\n5 = 15\n6 = 17.5\n7 = 20\n8 = 22.5\n9 = 25"
    )
    page.get_by_role("button", name="Add it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaires")
    expect(
        page.get_by_text(
            "Made-up calm scale total: sum of questions 1–3, question 2 reversed, converted by the table you entered"
        )
    ).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "instruments")
