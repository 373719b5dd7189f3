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


def test_history_access_review_page_queries_are_constant(world):
    from datetime import timedelta

    from django.utils import timezone

    from alongside.relationships.models import Allocation, LegitimateRelationship
    from alongside.testing.factories import PersonFactory

    def add(n):
        now = timezone.now()
        for _ in range(n):
            person = PersonFactory(team=world.team)
            LegitimateRelationship.objects.create(
                organisation=world.org,
                person=person,
                worker=world.user("cara"),
                reason="Cover",
                started_at=now,
                expires_at=now + timedelta(days=7),
            )
            Allocation.objects.create(
                organisation=world.org,
                person=world.person,
                worker=_worker(world),
                allocated_by=world.user("colin"),
                allocated_at=now,
            )

    assert_constant_queries(world.client("colin"), reverse("relationships:history_requests"), add)
    # The person page lists the allocations: the same count however many there are.
    assert_constant_queries(
        world.client("colin"), reverse("people:person", args=[world.person.pk]), add
    )


def _worker(world):
    from alongside.testing.factories import MembershipFactory

    return MembershipFactory(organisation=world.org).user
