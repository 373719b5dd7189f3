"""Whom a worker has a confirmed relationship with, whom they work with (confirmed or met), and
whose shared-sphere record a membership may see."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.relationships.models import (
    Allocation,
    Contact,
    Handover,
    LegitimateRelationship,
    NamedWorkerSpell,
)
from alongside.visibility.consent import consents_for
from alongside.visibility.roles import (
    FINDS_PEOPLE_BY_IDENTITY,
    SEES_ALL_PEOPLE,
    SEES_OWN_PEOPLE,
    WORKS_WITH_DAYS,
)


def confirmed_q(user_id: int, *, now: datetime | None = None, field: str = "pk") -> Q:
    """People this worker has a confirmed relationship with: one that someone else confirmed,
    the person chose, or the worker declared for a limited time and must answer for.

    - named worker now (an open spell, assigned by a coordinator or at the person's request);
    - the new worker of a planned handover (the old named worker planned it);
    - allocated by a coordinator (`Allocation`, until it ends);
    - their own legitimate-relationship request in force (`LegitimateRelationship`: told to the
      named worker and a coordinator, reviewed, time-limited).

    Consent and a safeguarding override are added by `support.support_records_q`. Recording a
    contact is never enough: anyone may record one, so nobody has confirmed it.

    `field`: the person's id, over `Person` (`pk`) or over a record of theirs (`person_id`). A
    record's own `person_id` is asked directly: through a subquery of `Person` PostgreSQL read
    all 100,020 people of the demo to test them against the four lists (30 ms on every person
    page a supporter opened, twice; decision 0137).
    """
    now = now or timezone.now()
    named = NamedWorkerSpell.objects.filter(worker_id=user_id, ended_on__isnull=True).values(
        "person_id"
    )
    handed_over = Handover.objects.filter(
        to_worker_id=user_id, status=Handover.Status.PLANNED
    ).values("person_id")
    allocated = Allocation.objects.filter(worker_id=user_id, ended_at__isnull=True).values(
        "person_id"
    )
    declared = LegitimateRelationship.objects.filter(
        legitimate_in_force_q(now), worker_id=user_id
    ).values("person_id")
    within = f"{field}__in"
    return (
        Q(**{within: named})
        | Q(**{within: handed_over})
        | Q(**{within: allocated})
        | Q(**{within: declared})
    )


def legitimate_in_force_q(now: datetime | None = None) -> Q:
    """Over `LegitimateRelationship`: requests in force at `now` (not ended, not expired)."""
    return Q(ended_at__isnull=True, expires_at__gt=now or timezone.now())


# Answers already given inside `remembered_relationships()`: (question, user id, person id).
_remembered: ContextVar[dict[tuple[str, int, int], bool] | None] = ContextVar(
    "remembered_relationships", default=None
)


@contextmanager
def remembered_relationships() -> Iterator[None]:
    """Inside, `has_confirmed` and `works_with` ask the database once per (user, person) and
    remember the answer. For a page that only reads (the person page asks them from half a dozen
    rules and panels); never around a write that could change the answer."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _asked_once(question: str, membership: Membership, person: Person) -> bool:
    """One question's answer. Inside `remembered_relationships()` the first question asks all
    of `_QUESTIONS` for this person in one query and remembers every answer (issue 17: the
    person page asked two of them in two queries, and a third in a rule)."""
    remembered = _remembered.get()
    if remembered is None:
        ask = _QUESTIONS[question](membership.user_id)
        return Person.objects.filter(ask, pk=person.pk).exists()
    key = (question, membership.user_id, person.pk)
    if key not in remembered:
        names = list(_QUESTIONS)
        answers = (
            Person.objects.filter(pk=person.pk)
            .values_list(
                *(
                    ExpressionWrapper(_QUESTIONS[name](membership.user_id), BooleanField())
                    for name in names
                )
            )
            .first()
        ) or (False,) * len(names)
        for name, answer in zip(names, answers, strict=True):
            remembered[(name, membership.user_id, person.pk)] = bool(answer)
    return remembered[key]


def has_confirmed(membership: Membership, person: Person) -> bool:
    """Whether this membership's user has a confirmed relationship with the person (one query)."""
    return _asked_once("confirmed", membership, person)


def named_now_q(user_id: int) -> Q:
    """People this worker is the named worker of now (an open spell)."""
    return Q(
        pk__in=NamedWorkerSpell.objects.filter(worker_id=user_id, ended_on__isnull=True).values(
            "person_id"
        )
    )


def is_named_worker_now(membership: Membership, person: Person) -> bool:
    """Whether this membership's user is the person's named worker now (one query)."""
    return _asked_once("named", membership, person)


def works_with_q(user_id: int) -> Q:
    """People this worker works with: a confirmed relationship, or met them within
    WORKS_WITH_DAYS. "Has met" decides who a volunteer may find and where a worker may record
    their own part; it never opens anyone else's support records (that is `confirmed_q`)."""
    since = timezone.now() - timedelta(days=WORKS_WITH_DAYS)
    # Led and joined are separate subqueries: an OR across the join would scan every contact.
    led = Contact.objects.filter(worker_id=user_id, at__gte=since).values("person_id")
    joined = Contact.objects.filter(also_present=user_id, at__gte=since).values("person_id")
    return confirmed_q(user_id) | Q(pk__in=led) | Q(pk__in=joined)


def works_with(membership: Membership, person: Person) -> bool:
    """Whether this membership's user works with the person (one query)."""
    return _asked_once("works_with", membership, person)


# The questions `_asked_once` answers, each a Q over `Person` for one worker.
_QUESTIONS: dict[str, Callable[[int], Q]] = {
    "confirmed": confirmed_q,
    "works_with": works_with_q,
    "named": named_now_q,
}


def visible_people_q(membership: Membership | None) -> Q | None:
    """Over `Person`: whose shared-sphere record this membership sees, within its organisation.

    Supporters, coordinators, assessors and safeguarding leads see everyone (to find and book
    people); volunteers see the people they work with and those who shared with them; data leads
    and funder viewers see no one. None means no one.
    """
    if membership is None or not membership.is_active:
        return None
    # A record merged into another is read through the survivor (`people.merging`).
    in_organisation = Q(organisation_id=membership.organisation_id, merged_into__isnull=True)
    if membership.role in SEES_ALL_PEOPLE:
        return in_organisation
    if membership.role in SEES_OWN_PEOPLE:
        shared_with = consents_for(membership).values("person_id")
        return in_organisation & (works_with_q(membership.user_id) | Q(pk__in=shared_with))
    return None


def findable_people_q(membership: Membership | None) -> Q | None:
    """Over `Person`: whom this membership may find by search. Everyone it sees; for a data lead,
    everyone in the organisation, by identity only (name, year of birth, postcode district,
    service), to answer a subject access request or tidy duplicate records: their results open
    "who saw this record", never the record (decision 0038). None means no one."""
    seen = visible_people_q(membership)
    if seen is not None or membership is None:
        return seen
    if membership.role in FINDS_PEOPLE_BY_IDENTITY:
        return Q(organisation_id=membership.organisation_id)
    return None
