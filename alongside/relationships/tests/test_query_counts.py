"""Query-count guard on a contact's history: the same count with 1 change as with 3."""

from django.urls import reverse

from alongside.relationships import services
from alongside.relationships.models import ContactRevision
from alongside.testing.factories import ContactFactory
from alongside.testing.helpers import assert_constant_queries


def test_contact_history_queries_are_constant(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"), minutes=30)

    def add(n):
        for _ in range(n):
            contact.refresh_from_db()
            services.update_contact(
                contact,
                by=world.members["alice"],
                at=contact.at,
                worker=contact.worker,
                mode=contact.mode,
                minutes=contact.minutes + 5,
                initiated_by=contact.initiated_by,
            )

    url = reverse("relationships:contact_history", args=[world.person.pk, contact.pk])
    assert_constant_queries(world.client("alice"), url, add)
    assert ContactRevision.objects.filter(contact=contact).count() == 3
