"""Reads for one-to-one volunteer matching: who can be matched, matches already made, volunteers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alongside.access.models import Membership, Role
from alongside.common.spheres import SphereQuerySet
from alongside.connections.models import (
    Match,
    Status,
)
from alongside.connections.queries.profiles import profiles_visible_to
from alongside.connections.queries.suggestions import held_person_ids
from alongside.people.models import Person
from alongside.visibility.roles import WORKER_ROLES


def matchable_people(membership: Membership, *, include_held: bool = False) -> QuerySet[Person]:
    """People in the coordinator's team (or organisation) who would like a volunteer; not those
    on a safeguarding hold unless `include_held` (to say they are not available)."""
    wanting = profiles_visible_to(membership).filter(wants_volunteer=True).values("person_id")
    # A person has one volunteer at a time: leave out anyone with a match still going (its
    # introduction not closed).
    matches: SphereQuerySet = Match.objects.scoped()
    matched = matches.filter(organisation_id=membership.organisation_id).exclude(
        introduction__status__in=(Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN)
    )
    people = Person.objects.filter(
        organisation_id=membership.organisation_id, pk__in=wanting
    ).exclude(pk__in=matched.values("person_id"))
    if membership.team_id is not None:
        people = people.filter(team_id=membership.team_id)
    if not include_held:
        people = people.exclude(pk__in=held_person_ids(membership.organisation_id))
    return people.order_by("pk")


def matched_pairs(membership: Membership) -> set[tuple[int, int]]:
    """(person, volunteer) pairs already matched, so they are not proposed again."""
    matches: SphereQuerySet = Match.objects.scoped()
    return set(
        matches.filter(organisation_id=membership.organisation_id).values_list(
            "person_id", "volunteer_id"
        )
    )


def volunteer_memberships(membership: Membership) -> QuerySet[Membership]:
    """Volunteers (and befriending workers with a volunteer profile) in the organisation."""
    return (
        Membership.objects.active()
        .filter(
            organisation_id=membership.organisation_id,
        )
        .filter(Q(role=Role.VOLUNTEER) | Q(connections_profile__isnull=False))
        .select_related("user")
        .order_by("user__first_name", "pk")
    )


def may_manage_volunteer(membership: Membership | None, volunteer: Membership) -> bool:
    """The volunteer themselves, or a coordinator of their team (or of no team, or a volunteer
    without a team)."""
    if membership is None or not membership.is_active:
        return False
    if (
        volunteer.organisation_id != membership.organisation_id
        or volunteer.role not in WORKER_ROLES
    ):
        return False
    if volunteer.pk == membership.pk:
        return True
    return membership.role == Role.COORDINATOR and (
        membership.team_id is None
        or volunteer.team_id is None
        or volunteer.team_id == membership.team_id
    )
