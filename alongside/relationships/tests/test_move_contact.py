"""A contact recorded on the wrong person, moved to the right one: audited on both, its note
moves with it, and the late-record rule still holds."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.relationships.models import Contact
from alongside.relationships.services import move_contact
from alongside.support.models import SupportNote
from alongside.support.services import save_contact_note
from alongside.testing.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)


def test_moving_a_contact_to_the_right_person(world):
    right = PersonFactory(team=world.team, given_name="Pat", family_name="Exampel")
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    save_contact_note(contact, by=world.members["alice"], asked_for="", text="Rent arrears")
    client = world.client("alice")
    url = reverse("relationships:move_contact", args=[world.person.pk, contact.pk])
    page = client.get(url, {"q": "exampel"}).content.decode()
    assert "Pat Exampel" in page
    refused = client.post(url, {"q": "exampel", "to": right.pk, "reason": ""})
    assert refused.status_code == 400
    assert "Say why it was on the wrong person." in refused.content.decode()
    response = client.post(url, {"q": "exampel", "to": right.pk, "reason": "Wrong Pat"})
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).person == right
    note = SupportNote.objects.for_system("test").get(contact=contact)
    assert note.person_id == right.pk
    assert AuditEvent.objects.get(action="relationships.contact.moved_away").person_id == (
        world.person.pk
    )
    assert AuditEvent.objects.get(action="relationships.contact.moved_in").person_id == right.pk


def test_a_late_contact_takes_the_reason_as_its_late_reason(world):
    right = PersonFactory(team=world.team)
    contact = ContactFactory(
        person=world.person, worker=world.user("alice"), at=timezone.now() - timedelta(days=40)
    )
    move_contact(contact, to=right, by=world.members["alice"], reason="Typed on the wrong Pat")
    contact.refresh_from_db()
    assert contact.late_reason == "Typed on the wrong Pat"
    event = AuditEvent.objects.get(action="relationships.contact.moved_in")
    assert event.summary["late_reason_given"] is True


def test_moving_needs_a_reason_and_a_different_person(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    with pytest.raises(ValidationError):
        move_contact(contact, to=world.person, by=world.members["alice"], reason="oops")
    with pytest.raises(ValidationError):
        move_contact(
            contact, to=PersonFactory(team=world.team), by=world.members["alice"], reason=""
        )


@pytest.mark.parametrize("name", ["cara", "amir", "sam", "dana", "fern", "olly"])
def test_only_who_may_change_the_contact_may_move_it(world, name):
    right = PersonFactory(team=world.team, given_name="Pat", family_name="Exampel")
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    url = reverse("relationships:move_contact", args=[world.person.pk, contact.pk])
    response = world.client(name).post(url, {"q": "exampel", "to": right.pk, "reason": "x y z"})
    assert response.status_code == 404
    assert Contact.objects.get(pk=contact.pk).person == world.person


def test_the_other_organisations_person_cannot_be_chosen(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    url = reverse("relationships:move_contact", args=[world.person.pk, contact.pk])
    response = world.client("alice").post(
        url, {"q": "quinn", "to": world.other_person.pk, "reason": "x y z"}
    )
    assert response.status_code == 404
    assert Contact.objects.get(pk=contact.pk).person == world.person
