"""Whom a worker works with, and whose shared-sphere record a membership may see."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.relationships.models import Contact, NamedWorkerSpell
from alongside.visibility.consent import consents_for
from alongside.visibility.roles import SEES_ALL_PEOPLE, SEES_OWN_PEOPLE, WORKS_WITH_DAYS


def works_with_q(user_id: int) -> Q:
    """People this worker works with: named worker now, or met them within WORKS_WITH_DAYS."""
    since = timezone.now() - timedelta(days=WORKS_WITH_DAYS)
    named = NamedWorkerSpell.objects.filter(worker_id=user_id, ended_on__isnull=True).values(
        "person_id"
    )
    # Led and joined are separate subqueries: an OR across the join would scan every contact.
    led = Contact.objects.filter(worker_id=user_id, at__gte=since).values("person_id")
    joined = Contact.objects.filter(also_present=user_id, at__gte=since).values("person_id")
    return Q(pk__in=named) | Q(pk__in=led) | Q(pk__in=joined)


def works_with(membership: Membership, person: Person) -> bool:
    """Whether this membership's user works with the person (one query)."""
    return Person.objects.filter(works_with_q(membership.user_id), pk=person.pk).exists()


def visible_people_q(membership: Membership | None) -> Q | None:
    """Over `Person`: whose shared-sphere record this membership sees, within its organisation.

    Supporters, coordinators, assessors and safeguarding leads see everyone (to find and book
    people); volunteers see the people they work with and those who shared with them; data leads
    and funder viewers see no one. None means no one.
    """
    if membership is None or not membership.is_active:
        return None
    in_organisation = Q(organisation_id=membership.organisation_id)
    if membership.role in SEES_ALL_PEOPLE:
        return in_organisation
    if membership.role in SEES_OWN_PEOPLE:
        shared_with = consents_for(membership).values("person_id")
        return in_organisation & (works_with_q(membership.user_id) | Q(pk__in=shared_with))
    return None
