"""Views with personas, for overrides: starting and ending one, the review queue, the nav tags,
and reading support notes under an override."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.access.nav import nav_for
from alongside.audit.models import AuditEvent
from alongside.safeguarding import services
from alongside.safeguarding.models import Override
from alongside.safeguarding.tests.conftest import (
    JUSTIFICATION,
    REASON,
    html,
    make_override,
    stored,
)
from alongside.testing.factories import PersonFactory
from alongside.testing.helpers import assert_constant_queries

EVERYONE = ["alice", "cara", "colin", "vic", "amir", "sam", "sage", "dana", "fern", "olly"]
OVERRIDE_POST = {"reason_code": "risk_to_person", "justification": JUSTIFICATION}


# Overrides


def test_lead_starts_an_override_and_sees_the_banner_with_its_end(sg):
    client = sg.client("sam")
    response = client.post(
        reverse("safeguarding:start_override", args=[sg.person.pk]), OVERRIDE_POST
    )
    override = Override.objects.for_system(REASON).get()
    assert response.status_code == 302 and response.url == reverse(
        "people:person", args=[sg.person.pk]
    )
    ends = timezone.localtime(override.expires_at).strftime("%H:%M")
    page = html(client.get(response.url))
    assert f"You can open their support records until {ends}." in page
    assert f"You have opened their support records under an override. This ends at {ends}." in page
    assert "End the override now" in page
    assert "Open support records (override)" not in page  # no second form while in force
    # Another lead sees the form, not Sam's banner.
    other = html(sg.client("sage").get(response.url))
    assert "Open support records (override)" in other and "This ends at" not in other


def test_start_override_page_while_one_is_in_force_shows_the_banner_not_the_form(sg):
    make_override(sg)
    page = html(sg.client("sam").get(reverse("safeguarding:start_override", args=[sg.person.pk])))
    assert "This ends at" in page and 'name="justification"' not in page


@pytest.mark.parametrize(
    ("data", "anchors"),
    [
        ({"justification": "   too short, sorry  "}, ["#id_justification"]),
        ({"reason_code": "nosiness"}, ["#id_reason_code_0"]),
        ({"reason_code": "", "justification": ""}, ["#id_reason_code_0", "#id_justification"]),
    ],
)
def test_start_override_bad_input_shows_the_error_summary_and_writes_nothing(
    sg, data, anchors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sg.client("sam").post(
            reverse("safeguarding:start_override", args=[sg.person.pk]), OVERRIDE_POST | data
        )
    page = html(response)
    assert response.status_code == 400 and "There is a problem" in page
    for anchor in anchors:
        assert f'href="{anchor}"' in page
    assert (stored(Override), AuditEvent.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_a_second_override_by_post_shows_the_clear_error(sg):
    make_override(sg)
    response = sg.client("sam").post(
        reverse("safeguarding:start_override", args=[sg.person.pk]), OVERRIDE_POST
    )
    assert "You already have an override in force for this person." in html(response)
    assert stored(Override) == 1


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "vic", "amir", "dana", "fern", "olly"])
def test_start_override_is_404_for_everyone_but_leads(sg, name):
    url = reverse("safeguarding:start_override", args=[sg.person.pk])
    client = sg.client(name)
    assert client.get(url).status_code == 404
    assert client.post(url, OVERRIDE_POST).status_code == 404
    assert stored(Override) == 0


def test_a_lead_of_another_organisation_cannot_override_our_person(sg):
    url = reverse("safeguarding:start_override", args=[sg.person.pk])
    assert sg.client("oscar").post(url, OVERRIDE_POST).status_code == 404
    assert stored(Override) == 0


def test_lead_ends_their_override_early(sg):
    override = make_override(sg)
    client = sg.client("sam")
    url = reverse("safeguarding:end_override", args=[override.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse(
        "people:person", args=[sg.person.pk]
    )
    assert Override.objects.for_system(REASON).get().ended_at is not None
    page = html(client.get(response.url))
    assert "The override has ended." in page and "This ends at" not in page


@pytest.mark.parametrize("name", EVERYONE[:5] + ["sage", "dana", "fern", "olly"])
def test_only_the_lead_who_started_it_can_end_an_override(sg, name):
    override = make_override(sg)
    response = sg.client(name).post(reverse("safeguarding:end_override", args=[override.pk]))
    assert response.status_code == 404
    assert Override.objects.for_system(REASON).get().ended_at is None


# Review queue


@pytest.mark.parametrize("name", ["sam", "sage", "dana"])
def test_review_queue_is_for_leads_and_data_leads(sg, name):
    make_override(sg, by="sam")
    page = html(sg.client(name).get(reverse("safeguarding:overrides")))
    assert "Waiting for review" in page and "Risk of serious harm to the person" in page
    assert JUSTIFICATION not in page
    assert ("Pat Example" in page) is (name != "dana")  # data leads do not see who it was


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "vic", "amir", "fern", "olly"])
def test_review_pages_are_404_for_everyone_else(sg, name):
    override = make_override(sg)
    client = sg.client(name)
    assert client.get(reverse("safeguarding:overrides")).status_code == 404
    url = reverse("safeguarding:override", args=[override.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "justified", "note": ""}).status_code == 404
    assert Override.objects.for_system(REASON).get().reviewed_at is None


def test_review_queue_of_another_organisation_is_empty_and_detail_404(sg):
    override = make_override(sg)
    client = sg.client("oscar")
    assert "Pat Example" not in html(client.get(reverse("safeguarding:overrides")))
    assert client.get(reverse("safeguarding:override", args=[override.pk])).status_code == 404


def test_review_queue_query_count_does_not_grow_with_overrides(sg):
    people = [PersonFactory(team=sg.team) for _ in range(3)]

    def add(n: int) -> None:
        for _ in range(n):
            override = make_override(sg, by="sam", person=people[stored(Override)])
            if stored(Override) % 2:
                services.review_override(
                    override, by=sg.members["sage"], outcome="justified", note=""
                )

    assert_constant_queries(sg.client("dana"), reverse("safeguarding:overrides"), add)


@pytest.mark.parametrize("name", ["sage", "dana"])
def test_another_lead_or_data_lead_reviews_an_override(sg, name):
    override = make_override(sg, minutes_ago=90)
    client = sg.client(name)
    url = reverse("safeguarding:override", args=[override.pk])
    page = html(client.get(url))
    assert "Was the override justified?" in page
    # The justification is about the person's situation: safeguarding leads read it, data leads don't.
    assert (JUSTIFICATION in page) == (name == "sage")
    read = AuditEvent.objects.get(action="safeguarding.override.viewed")
    assert (read.actor, read.summary) == (sg.user(name), {"ids": [override.pk]})
    response = client.post(url, {"outcome": "justified", "note": "Necessary and brief"})
    assert response.status_code == 302 and response.url == reverse("safeguarding:overrides")
    stored_override = Override.objects.for_system(REASON).get()
    assert (stored_override.reviewed_by, stored_override.review_outcome) == (
        sg.user(name),
        "justified",
    )
    page = html(client.get(reverse("safeguarding:overrides")))
    assert "Nothing is waiting for review." in page and "Justified" in page


def test_the_lead_who_started_an_override_sees_it_but_cannot_review_it(sg):
    override = make_override(sg)
    client = sg.client("sam")
    url = reverse("safeguarding:override", args=[override.pk])
    page = html(client.get(url))
    assert "You started this override, so you cannot review it." in page
    assert 'name="outcome"' not in page
    response = client.post(url, {"outcome": "justified", "note": ""})
    assert response.status_code == 400 and "There is a problem" in html(response)
    assert Override.objects.for_system(REASON).get().reviewed_at is None


def test_reviewing_twice_shows_an_error_and_keeps_the_first_review(sg):
    override = make_override(sg)
    url = reverse("safeguarding:override", args=[override.pk])
    sg.client("sage").post(url, {"outcome": "justified", "note": ""})
    response = sg.client("dana").post(url, {"outcome": "not_justified", "note": "No"})
    assert "This override has already been reviewed." in html(response)
    assert Override.objects.for_system(REASON).get().reviewed_by == sg.user("sage")


def test_review_bad_input_shows_the_error_summary_and_writes_nothing(sg):
    override = make_override(sg)
    response = sg.client("dana").post(
        reverse("safeguarding:override", args=[override.pk]),
        {"outcome": "not_justified", "note": "   "},
    )
    page = html(response)
    assert "There is a problem" in page and 'href="#id_note"' in page
    assert Override.objects.for_system(REASON).get().reviewed_at is None
    assert not AuditEvent.objects.filter(action="safeguarding.override.reviewed").exists()


def test_review_page_shows_support_reads_made_under_the_override(sg):
    from alongside.audit.services import record_read
    from alongside.support.models import SupportNote

    override = make_override(sg, minutes_ago=10)
    record_read(
        SupportNote,
        [11, 12],
        by=sg.user("sam"),
        organisation_id=sg.org.pk,
        person_id=sg.person.pk,
    )
    record_read(
        SupportNote, [13], by=sg.user("alice"), organisation_id=sg.org.pk, person_id=sg.person.pk
    )
    page = html(sg.client("dana").get(reverse("safeguarding:override", args=[override.pk])))
    assert "2 records" in page and "1 record<" not in page


# The nav


def nav_items(sg, name: str) -> dict[str, int]:
    """The viewer's nav links, by URL, with the number shown beside each."""
    return {item.url: item.badge for item in nav_for(sg.members[name])}


def test_the_overrides_link_shows_what_this_reviewer_could_review(sg):
    make_override(sg, by="sam")
    link = reverse("safeguarding:overrides")
    assert nav_items(sg, "sage")[link] == 1
    assert nav_items(sg, "dana")[link] == 1
    assert nav_items(sg, "sam")[link] == 0  # his own override is not his to review
    for name in ("alice", "amir", "fern"):
        assert link not in nav_items(sg, name)
    page = html(sg.client("sage").get(reverse("relationships:home"), follow=True))
    assert (
        f'<a href="{link}">Overrides <span class="badge">1'
        '<span class="visually-hidden"> waiting</span></span></a>'
    ) in page


def test_the_concerns_link_is_for_leads_only(sg):
    assert reverse("safeguarding:concerns") in nav_items(sg, "sam")
    for name in ("alice", "dana", "fern"):
        assert reverse("safeguarding:concerns") not in nav_items(sg, name)


def test_override_expiry_is_computed_on_every_page(sg):
    override = make_override(sg)
    client = sg.client("sam")
    url = reverse("people:person", args=[sg.person.pk])
    assert "This ends at" in html(client.get(url))
    Override.objects.for_system("test moves time").filter(pk=override.pk).update(
        started_at=timezone.now() - timedelta(minutes=61),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert "This ends at" not in html(client.get(url))


def test_under_an_override_the_lead_reads_support_notes_and_the_reviewer_sees_the_read(sg):
    """End to end with the support app: notes open to Sam only while his override is in force."""
    from alongside.support.services import save_contact_note
    from alongside.testing.factories import ContactFactory

    contact = ContactFactory(person=sg.person, worker=sg.user("alice"))
    save_contact_note(
        contact, by=sg.members["alice"], asked_for="Help with the gas bill", text=None
    )
    url = reverse("people:person", args=[sg.person.pk])
    sam = sg.client("sam")
    assert "Help with the gas bill" not in html(sam.get(url))
    sam.post(reverse("safeguarding:start_override", args=[sg.person.pk]), OVERRIDE_POST)
    assert "Help with the gas bill" in html(sam.get(url))
    assert "Help with the gas bill" not in html(sg.client("sage").get(url))
    override = Override.objects.for_system(REASON).get()
    review = html(sg.client("sage").get(reverse("safeguarding:override", args=[override.pk])))
    assert "1 record" in review
    sam.post(reverse("safeguarding:end_override", args=[override.pk]))
    assert "Help with the gas bill" not in html(sam.get(url))
