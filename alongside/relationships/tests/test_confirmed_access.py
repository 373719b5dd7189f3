"""Issue 11, part 1: no self-granted access to a person's history.

A supporter with no confirmed relationship used to read every worker's notes about a person by
recording a one-minute contact with them (form and API). Access to past support records now
rests on relationships someone else confirmed or the person chose.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.relationships.models import Contact
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import ContactFactory

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

SECRET = "Told us about the debt collector at the door"


def alice_note(world):
    contact = ContactFactory(
        person=world.person, worker=world.user("alice"), at=timezone.now() - timedelta(days=20)
    )
    return SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for=SECRET,
        author=world.user("alice"),
    )


def person_page(client, person):
    return client.get(reverse("people:person", args=[person.pk])).content.decode()


def api_words(client, person):
    items = client.get(f"/api/v1/people/{person.pk}/contacts").json()["items"]
    return [item["asked_for"] for item in items]


def test_recording_a_contact_by_the_form_does_not_open_the_history(world):
    alice_note(world)
    cara = world.client("cara")
    response = cara.post(
        reverse("relationships:record_contact", args=[world.person.pk]),
        {
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "phone",
            "minutes": "1",
            "initiated_by": "us",
            "asked_for": "Checking in",
            "notes": "",
            "follow_up_on": "",
            "worker": world.user("cara").pk,
            "others_present": "",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.filter(worker=world.user("cara")).exists()
    page = person_page(cara, world.person)
    assert SECRET not in page
    assert "Checking in" in page  # what she wrote herself, she sees
    assert SECRET not in str(api_words(cara, world.person))


def test_recording_a_contact_by_the_api_does_not_open_the_history(world):
    alice_note(world)
    cara = world.client("cara")
    response = cara.post(
        f"/api/v1/people/{world.person.pk}/contacts",
        {
            "at": timezone.localtime().replace(microsecond=0).isoformat(),
            "mode": "phone",
            "minutes": 1,
            "initiated_by": "us",
            "asked_for": "Checking in",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    words = api_words(cara, world.person)
    assert SECRET not in words
    assert "Checking in" in words
    assert SECRET not in person_page(cara, world.person)


def test_the_named_worker_still_reads_the_history(world):
    alice_note(world)
    assert SECRET in api_words(world.client("alice"), world.person)


def test_the_person_page_explains_and_offers_the_request_form(world):
    alice_note(world)
    page = person_page(world.client("cara"), world.person)
    assert "so you see only what you write yourself" in page
    assert reverse("relationships:request_history_access", args=[world.person.pk]) in page
    assert "so you see only what you write yourself" not in person_page(
        world.client("alice"), world.person
    )
