"""Reads of people, with visibility built in: nobody reads a person without naming who is reading."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership
from alongside.access.roles import SEES_ALL_PEOPLE, SEES_OWN_PEOPLE, WORKS_WITH_DAYS
from alongside.people.models import Person


def works_with_q(user_id: int) -> Q:
    """People this worker works with: named worker now, or met them within WORKS_WITH_DAYS."""
    since = timezone.now() - timedelta(days=WORKS_WITH_DAYS)
    from alongside.relationships.models import Contact, NamedWorkerSpell

    named = NamedWorkerSpell.objects.filter(worker_id=user_id, ended_on__isnull=True).values(
        "person_id"
    )
    # Led and joined are separate subqueries: an OR across the join would scan every contact.
    led = Contact.objects.filter(worker_id=user_id, at__gte=since).values("person_id")
    joined = Contact.objects.filter(also_present=user_id, at__gte=since).values("person_id")
    return Q(pk__in=named) | Q(pk__in=led) | Q(pk__in=joined)


def people_visible_to(membership: Membership | None) -> QuerySet[Person]:
    """The people whose shared-sphere record this membership may see. Never crosses organisations."""
    if membership is None or not membership.is_active:
        return Person.objects.none()
    people = Person.objects.filter(organisation_id=membership.organisation_id)
    if membership.role in SEES_ALL_PEOPLE:
        return people
    if membership.role in SEES_OWN_PEOPLE:
        from alongside.people.consent import consents_for

        shared_with = consents_for(membership).values("person_id")
        return people.filter(works_with_q(membership.user_id) | Q(pk__in=shared_with))
    return Person.objects.none()


def get_person_for_user(membership: Membership | None, person_id: int) -> Person:
    """The person, or Http404 when they do not exist or this membership may not see them."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(people_visible_to(membership).select_related("team"), pk=person_id)


def search_people(membership: Membership | None, text: str) -> QuerySet[Person]:
    """People whose names contain every word of `text`, among those the membership may see."""
    people = people_visible_to(membership).select_related("team")
    for word in text.split()[:5]:
        people = people.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return people.order_by("given_name", "family_name", "id")
