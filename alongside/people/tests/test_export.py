"""Downloading a person's contacts as CSV: who may, what is in it, and that reading is audited."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.common.files import safe_cell
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory
from alongside.testing.helpers import assert_constant_queries

HEADER = [
    "When",
    "How",
    "Minutes",
    "Who got in touch",
    "Worker",
    "Follow up by",
    "What they asked for",
    "Notes",
]


def export_url(world):
    return reverse("people:export_person_contacts", args=[world.person.pk])


def rows_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def contact_with_words(world, *, worker_name="alice", days_ago=2, asked_for="Help with rent"):
    contact = ContactFactory(
        person=world.person,
        worker=world.user(worker_name),
        at=timezone.now() - timedelta(days=days_ago),
        mode="phone",
        minutes=25,
        initiated_by="us",
    )
    note = SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for=asked_for,
        text="Letter from the council",
        author=world.user(worker_name),
    )
    return contact, note


def test_named_worker_downloads_contacts_newest_first_with_the_words(world):
    old, _ = contact_with_words(world, days_ago=9, asked_for="Food parcel")
    new, _ = contact_with_words(world, days_ago=1)
    new.follow_up_on = timezone.localdate() + timedelta(days=3)
    new.save()
    response = world.client("alice").get(export_url(world))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="contacts-{world.person.pk}.csv"'
    )
    header, first, second = rows_of(response)
    assert header == HEADER
    assert first == [
        timezone.localtime(new.at).strftime("%Y-%m-%d %H:%M"),
        "Phone",
        "25",
        "We got in touch",
        world.user("alice").get_full_name(),
        new.follow_up_on.isoformat(),
        "Help with rent",
        "Letter from the council",
    ]
    assert second[6] == "Food parcel"


def test_download_is_audited_with_the_note_ids(world):
    _, first = contact_with_words(world, days_ago=3)
    _, second = contact_with_words(world, days_ago=1)
    world.client("alice").get(export_url(world))
    event = AuditEvent.objects.get(action="support.supportnote.viewed")
    assert event.actor == world.user("alice")
    assert event.person_id == world.person.pk
    assert event.summary == {"ids": sorted([first.pk, second.pk])}


def test_colleague_who_may_record_gets_the_contacts_without_the_words(world):
    contact_with_words(world)
    response = world.client("cara").get(export_url(world))
    assert response.status_code == 200
    [_, row] = rows_of(response)
    assert row[2] == "25"
    assert row[6:] == ["", ""]
    assert b"Help with rent" not in response.content
    assert not AuditEvent.objects.filter(action="support.supportnote.viewed").exists()


def test_volunteer_who_met_the_person_sees_only_their_own_words(world):
    contact_with_words(world, worker_name="vic", days_ago=5, asked_for="A walk on Tuesdays")
    contact_with_words(world, days_ago=1)
    rows = rows_of(world.client("vic").get(export_url(world)))
    assert [row[6] for row in rows[1:]] == ["", "A walk on Tuesdays"]


def test_coordinator_of_the_team_gets_the_words(world):
    contact_with_words(world)
    [_, row] = rows_of(world.client("colin").get(export_url(world)))
    assert row[6] == "Help with rent"


@pytest.mark.parametrize("name", ["amir", "sam", "dana", "fern", "vic", "olly"])
def test_download_is_404_for_those_who_may_not_record_contacts_for_them(world, name):
    contact_with_words(world)
    assert world.client(name).get(export_url(world)).status_code == 404


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Rent is 2 = 3 weeks late", "Rent is 2 = 3 weeks late"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_escaped(world, text, cell):
    contact_with_words(world, asked_for=text)
    [_, row] = rows_of(world.client("alice").get(export_url(world)))
    assert row[6] == cell


def test_numbers_are_never_escaped():
    assert safe_cell(-3) == -3
    assert safe_cell(0.5) == 0.5


def test_person_names_are_escaped_in_the_worker_column(world):
    alice = world.user("alice")
    alice.first_name, alice.last_name = "=cmd", "Evil"
    alice.save()
    contact_with_words(world)
    [_, row] = rows_of(world.client("alice").get(export_url(world)))
    assert row[4] == "'=cmd Evil"


def test_download_query_count_does_not_grow_with_contacts(world):
    def add(n):
        for days in range(n):
            contact_with_words(world, days_ago=days + 1)

    assert_constant_queries(world.client("alice"), export_url(world), add)


def test_person_page_links_to_the_download_only_for_those_who_may(world):
    link = f'href="{export_url(world)}"'
    assert link in world.client("alice").get(reverse("people:person", args=[world.person.pk])).text
    assert (
        link not in world.client("amir").get(reverse("people:person", args=[world.person.pk])).text
    )
