"""A contact recorded on the wrong person, with nobody to move it to, is removed with a reason
(decision 0049): kept, never counted, shown as removed, audited, and it can be put back."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.learning.models import ContactDemand
from alongside.learning.queries import failure_demand_by_month
from alongside.relationships.models import Contact
from alongside.relationships.queries import contact_series
from alongside.relationships.services import remove_contact, restore_contact
from alongside.scheduling.queries import seen_before
from alongside.support.queries import support_notes_visible_to
from alongside.support.services import save_contact_note
from alongside.testing.factories import ContactFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)


def _remove_url(world, contact):
    return reverse("relationships:remove_contact", args=[world.person.pk, contact.pk])


def test_removing_a_contact_with_a_reason_and_putting_it_back(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    client = world.client("alice")
    page = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    assert _remove_url(world, contact) in page
    refused = client.post(_remove_url(world, contact), {"reason": ""})
    assert refused.status_code == 400
    assert "Say why it was recorded on the wrong person." in refused.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = client.post(_remove_url(world, contact), {"reason": "Opened the wrong record"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    kept = Contact.with_removed.get(pk=contact.pk)
    assert kept.removed_reason == "Opened the wrong record"
    assert kept.removed_by == world.user("alice")
    event = AuditEvent.objects.get(action="relationships.contact.removed")
    assert event.person_id == world.person.pk
    assert event.summary == {"contact": contact.pk}
    page = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    assert "recorded here by mistake, was removed" in page
    assert "Opened the wrong record" in page
    restore = reverse("relationships:restore_contact", args=[world.person.pk, contact.pk])
    assert restore in page
    assert client.post(restore).status_code == 302
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert AuditEvent.objects.filter(action="relationships.contact.restored").count() == 1


def test_the_removal_is_in_who_saw_my_record_and_its_reason_is_not(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    remove_contact(contact, by=world.members["alice"], reason="Dean's visit, not Pat's")
    page = (
        world.client("colin")
        .get(reverse("people:access_log", args=[world.person.pk]))
        .content.decode()
    )
    assert "removed a conversation recorded on you by mistake" in page
    assert "Dean" not in page


def test_a_removed_contact_counts_nowhere(world):
    alice = world.user("alice")
    kept = ContactFactory(person=world.person, worker=alice, at=timezone.now() - timedelta(days=3))
    other = UserFactory()
    wrong = ContactFactory(person=world.person, worker=other, at=timezone.now() - timedelta(days=2))
    wrong.also_present.add(world.user("cara"))
    save_contact_note(wrong, by=world.members["alice"], asked_for="", text="Not Pat's words")
    # Five people with failure demand: the figure is shown; with one removed it is withheld.
    for person, contact in [(world.person, wrong)] + [
        (p, ContactFactory(person=p, worker=alice))
        for p in PersonFactory.create_batch(4, team=world.team)
    ]:
        ContactDemand.objects.create(
            organisation=world.org, contact=contact, person=person, team=world.team,
            kind="failure", failure_kind="chasing", marked_by=alice,
        )  # fmt: skip
    since = timezone.now() - timedelta(days=30)

    def figures():
        series = contact_series([world.person.pk], since=since, spells_since=date(2026, 1, 1))
        met = seen_before([world.person.pk], today=date(2026, 3, 10))
        notes = support_notes_visible_to(world.members["colin"]).filter(person=world.person)
        demand = failure_demand_by_month(world.org.pk, None, date(2026, 3, 1), date(2026, 3, 31))
        return len(series[world.person.pk].ats), met[world.person.pk], notes.count(), demand

    before = figures()
    assert before[0] == 2 and before[1] == {alice.pk, other.pk, world.user("cara").pk}
    assert before[2] == 1
    remove_contact(wrong, by=world.members["colin"], reason="Recorded on the wrong Pat")
    count, met, notes, demand = figures()
    assert (count, met, notes) == (1, {alice.pk}, 0)
    assert before[3].people == "5"
    assert demand.people != "5"
    assert list(world.person.contacts.all()) == [kept]


@pytest.mark.parametrize("name", ["cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_only_who_recorded_it_or_a_coordinator_may_remove_it(world, name):
    contact = ContactFactory(
        person=world.person, worker=world.user("alice"), recorded_by=world.user("alice")
    )
    response = world.client(name).post(_remove_url(world, contact), {"reason": "wrong person"})
    assert response.status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()
    remove_contact(contact, by=world.members["alice"], reason="wrong person")
    restore = reverse("relationships:restore_contact", args=[world.person.pk, contact.pk])
    assert world.client(name).post(restore).status_code == 404
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_coordinator_may_remove_and_restore(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    response = world.client("colin").post(_remove_url(world, contact), {"reason": "wrong Pat"})
    assert response.status_code == 302
    restore = reverse("relationships:restore_contact", args=[world.person.pk, contact.pk])
    assert world.client("colin").post(restore).status_code == 302
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_removing_needs_words_and_happens_once(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    with pytest.raises(ValidationError):
        remove_contact(contact, by=world.members["alice"], reason="  ")
    remove_contact(contact, by=world.members["alice"], reason="wrong person")
    with pytest.raises(ValidationError):
        remove_contact(contact, by=world.members["alice"], reason="wrong person")
    restore_contact(contact, by=world.members["alice"])
    with pytest.raises(ValidationError):
        restore_contact(contact, by=world.members["alice"])
    assert AuditEvent.objects.filter(action__startswith="relationships.contact.r").count() == 2
