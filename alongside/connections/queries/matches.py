"""Reads for one-to-one volunteer matching: who can be matched, matches already made, volunteers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from alongside.access.models import Membership, Role, active_membership_q, language_list
from alongside.common.spheres import SphereQuerySet
from alongside.connections.commonality import Traits
from alongside.connections.models import (
    Match,
    Status,
    VolunteerProfile,
)
from alongside.connections.queries.profiles import profiles_visible_to
from alongside.connections.queries.suggestions import held_person_ids, held_volunteer_ids
from alongside.people.models import Person
from alongside.visibility.roles import WORKER_ROLES


def _wanting_profiles(membership: Membership) -> SphereQuerySet:
    """The profiles, visible to the coordinator, of the people who would like a volunteer; only
    the team's when they have one."""
    visible = profiles_visible_to(membership).filter(wants_volunteer=True)
    if membership.team_id is not None:
        # Only the team's people are counted: their profiles alone are read, not every wanting
        # profile in the organisation joined to its person (47 ms against 18 ms on PostgreSQL,
        # 100,020 people; decision 0136).
        visible = visible.filter(person__team_id=membership.team_id)
    return visible


def _matched_still(membership: Membership) -> SphereQuerySet:
    """Matches whose introduction is not closed: a person has one volunteer at a time."""
    matches: SphereQuerySet = Match.objects.scoped()
    return matches.filter(organisation_id=membership.organisation_id).exclude(
        introduction__status__in=(Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN)
    )


def matchable_people(
    membership: Membership, *, include_held: bool = False, correlated: bool = False
) -> QuerySet[Person]:
    """People in the coordinator's team (or organisation) who would like a volunteer; not those
    on a safeguarding hold unless `include_held` (to say they are not available).

    `correlated`: each person's profile is checked on its own (EXISTS), for reading a batch
    along the people's primary key from an id: a few hundred index probes instead of a list of
    every wanting profile in the team, built on every request (17 ms of the matching page's
    SQLite time on the 100,000-person demo, against under 1 ms; decision 0134). Without it, one
    list (`IN`). The same people either way; `matchable_count` counts them."""
    visible = _wanting_profiles(membership)
    wanting = (
        Q(Exists(visible.filter(person_id=OuterRef("pk"))))
        if correlated
        else Q(pk__in=visible.values("person_id"))
    )
    people = Person.objects.filter(wanting, organisation_id=membership.organisation_id).exclude(
        pk__in=_matched_still(membership).values("person_id")
    )
    if membership.team_id is not None:
        people = people.filter(team_id=membership.team_id)
    if not include_held:
        people = people.exclude(pk__in=held_person_ids(membership.organisation_id))
    return people.order_by("pk")


def matchable_count(membership: Membership) -> int:
    """How many people `matchable_people(membership, include_held=True)` gives, counted over
    their profiles (one per person) rather than over the people: the people were read once
    more by key for each of the team's wanting profiles (9,150 on the 100,000-person demo:
    19.6-28.5 ms on PostgreSQL and 17.5 ms on SQLite, against 13.2 and 13.3 ms; session 14)."""
    return (
        _wanting_profiles(membership)
        .filter(person__organisation_id=membership.organisation_id)
        .exclude(person_id__in=_matched_still(membership).values("person_id"))
        .count()
    )


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


@dataclass(frozen=True)
class Offer:
    """What matching reads of one volunteer: their membership (id, user, role, organisation),
    room, the two fields the hard exclusions compare, and the traits (`traits_for_volunteer`,
    the reference)."""

    membership_id: int
    capacity: int
    gender: str
    locality_id: int | None
    traits: Traits
    user_id: int = 0
    role: str = Role.VOLUNTEER
    organisation_id: int = 0

    @property
    def pk(self) -> int:
        """The membership's id, as `training.queries.unmet_requirements_for` reads a member."""
        return self.membership_id


def volunteer_offers(membership: Membership) -> list[Offer]:
    """The organisation's volunteers who may be matched (`volunteer_memberships` whose profile
    is available for matching with room left, not on a safeguarding hold), in that list's order
    (first name, then membership), with what matching reads of each.

    Two queries of plain values (the profiles with their members, then the interests' names),
    however many volunteers: model objects for 566 memberships and their profiles were most of
    the matching page's time on the 100,000-person demo (issue 17, decisions 0134 and 0137).
    The traits are those `traits_for_volunteer` gives (the reference;
    `tests/test_matching_pages.py` compares both)."""
    organisation_id = membership.organisation_id
    available = VolunteerProfile.objects.filter(
        organisation_id=organisation_id, available_for_matching=True, capacity__gt=0
    )
    rows = list(
        available.filter(
            active_membership_q("membership__"), membership__organisation_id=organisation_id
        )
        .exclude(membership__user_id__in=held_volunteer_ids(organisation_id))
        .order_by("membership__user__first_name", "membership_id")
        .values_list(
            "pk",
            "membership_id",
            "membership__user_id",
            "membership__role",
            "membership__languages",
            "capacity",
            "gender",
            "locality_id",
            "locality__name",
            "availability",
            "lived_experience",
            "lived_experience_consent",
        )
    )
    interests: dict[int, set[str]] = {}
    if rows:
        for profile_id, name in VolunteerProfile.interests.through.objects.filter(
            volunteerprofile__in=available
        ).values_list("volunteerprofile_id", "interest__name"):
            interests.setdefault(profile_id, set()).add(name)
    return [
        Offer(
            membership_id=membership_id,
            capacity=capacity,
            gender=gender,
            locality_id=locality_id,
            traits=Traits(
                languages=frozenset(language_list(languages)),
                interests=frozenset(interests.get(pk, ())),
                locality=locality or "",
                availability=frozenset(times),
                lived_experience=frozenset(lived) if agreed else frozenset(),
            ),
            user_id=user_id,
            role=role,
            organisation_id=organisation_id,
        )
        for (
            pk,
            membership_id,
            user_id,
            role,
            languages,
            capacity,
            gender,
            locality_id,
            locality,
            times,
            lived,
            agreed,
        ) in rows
    ]
