"""Reads of people, with visibility built in: nobody reads a person without naming who is reading."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.visibility.people import visible_people_q


def people_visible_to(membership: Membership | None) -> QuerySet[Person]:
    """The people whose shared-sphere record this membership may see. Never crosses organisations."""
    allowed = visible_people_q(membership)
    if allowed is None:
        return Person.objects.none()
    return Person.objects.filter(allowed)


def get_person_for_user(membership: Membership | None, person_id: int) -> Person:
    """The person, or Http404 when they do not exist or this membership may not see them."""
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
