"""Suggestions of people and groups by what they share, leaving out exclusions, earlier "no"s and
anyone on a safeguarding hold (ids only, never why)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from alongside.access.models import Membership
from alongside.common.spheres import SphereQuerySet
from alongside.connections.commonality import InCommon, Traits, compare
from alongside.connections.models import (
    SLOT_LABELS,
    Answer,
    Introduction,
    IntroductionSide,
    Kind,
    LivedExperience,
    PersonProfile,
    Status,
)
from alongside.connections.queries.profiles import (
    groups_with_times,
    profile_for,
    profiles_visible_to,
    traits_for_group,
    traits_for_person,
)
from alongside.people.models import Person
from alongside.people.queries import people_visible_to
from alongside.safeguarding import queries as safeguarding
from alongside.visibility.roles import WORKER_ROLES

LIVED_LABELS: dict[str, str] = {str(c.value): str(c.label) for c in LivedExperience}
SUGGESTIONS = 5


def in_common(a: Traits, b: Traits, *, group: bool = False) -> InCommon:
    return compare(a, b, lived_labels=LIVED_LABELS, slot_labels=SLOT_LABELS, group=group)


# Who must never be suggested ------------------------------------------------------------------


def _all_sides() -> SphereQuerySet:
    sides: SphereQuerySet = IntroductionSide.objects.for_system(
        "who must be left out of suggestions (never shown)"
    )
    return sides


def left_out_people(person: Person) -> set[int]:
    """People never to suggest to `person`: the person themselves, anyone they excluded, anyone
    who excluded them or is not open to introductions, anyone on either side of an earlier
    introduction that someone said no to, and anyone already being introduced to them."""
    out = {person.pk}
    profiles = PersonProfile.objects.for_system("exclusions for suggestions (never shown)")
    own = profiles.filter(person_id=person.pk).first()
    if own is not None:
        out |= set(own.excluded_people.values_list("pk", flat=True))
    out |= set(
        profiles.filter(excluded_people=person, organisation_id=person.organisation_id).values_list(
            "person_id", flat=True
        )
    )
    out |= set(
        profiles.filter(
            organisation_id=person.organisation_id, open_to_introductions=False
        ).values_list("person_id", flat=True)
    )
    mine = _all_sides().filter(person_id=person.pk).values("introduction_id")
    with_me = _all_sides().filter(introduction_id__in=mine).exclude(person_id=person.pk)
    # Anyone already asked, introduced, or who (or to whom someone) said no: never again.
    # Only an invitation that lapsed or was withdrawn leaves the door open.
    out |= set(
        with_me.exclude(introduction__status__in=(Status.EXPIRED, Status.WITHDRAWN))
        .exclude(person_id__isnull=True)
        .values_list("person_id", flat=True)
    )
    return out


def left_out_spaces(person: Person) -> set[int]:
    """Groups the person said no to before, or is already being introduced to."""
    intros = Introduction.objects.for_system("groups to leave out (never shown)").filter(
        kind=Kind.GROUP, sides__person_id=person.pk
    )
    return set(
        intros.exclude(status__in=(Status.EXPIRED, Status.WITHDRAWN)).values_list(
            "space_id", flat=True
        )
    )


def excluded_volunteer_ids(person: Person) -> set[int]:
    """Volunteers this person must not be matched with (their wish or a safeguarding decision),
    and volunteers who said no to them before."""
    return excluded_volunteer_ids_among([person.pk]).get(person.pk, set())


def excluded_volunteer_ids_among(
    person_ids: Iterable[int] | QuerySet[Any, Any],
) -> dict[int, set[int]]:
    """`excluded_volunteer_ids` for many people at once (three queries however many): person id
    -> the volunteers' user ids; people with none are left out. `person_ids` may be a subquery
    (a `values("pk")` queryset), so that a whole team is never sent as a literal list."""
    out: dict[int, set[int]] = {}
    wished = (
        PersonProfile.objects.for_system("exclusions for matching (never shown)")
        .filter(person_id__in=person_ids, excluded_volunteers__isnull=False)
        .values_list("person_id", "excluded_volunteers")
    )
    for person_id, volunteer_id in wished:
        out.setdefault(person_id, set()).add(volunteer_id)
    theirs: dict[int, set[int]] = {}
    for person_id, introduction_id in (
        _all_sides().filter(person_id__in=person_ids).values_list("person_id", "introduction_id")
    ):
        theirs.setdefault(introduction_id, set()).add(person_id)
    if theirs:
        mine = _all_sides().filter(person_id__in=person_ids).values("introduction_id")
        declined = (
            _all_sides()
            .filter(introduction_id__in=mine, volunteer_id__isnull=False)
            .filter(Q(answer=Answer.DECLINED) | Q(introduction__status=Status.DECLINED))
            .values_list("introduction_id", "volunteer_id")
        )
        for introduction_id, volunteer_id in declined:
            for person_id in theirs.get(introduction_id, ()):
                out.setdefault(person_id, set()).add(volunteer_id)
    return out


# Safeguarding holds ---------------------------------------------------------------------------


def held_person_ids(organisation_id: int) -> QuerySet:  # type: ignore[type-arg]
    """Ids of people on a safeguarding hold (a lazy subquery; never the reason)."""

    return safeguarding.held_person_ids(organisation_id)


def held_volunteer_ids(organisation_id: int) -> QuerySet:  # type: ignore[type-arg]
    """User ids of volunteers on a safeguarding hold (a lazy subquery; never the reason)."""

    return safeguarding.held_volunteer_ids(organisation_id)


def is_person_held(person: Person) -> bool:
    """Whether matching and introductions are on hold for this person (one query)."""
    held: bool = held_person_ids(person.organisation_id).filter(person_id=person.pk).exists()
    return held


def is_volunteer_held(organisation_id: int, user_id: int) -> bool:
    held: bool = held_volunteer_ids(organisation_id).filter(volunteer_id=user_id).exists()
    return held


def introduction_is_held(introduction: Introduction) -> bool:
    """Whether a person or volunteer on any side of it is on a safeguarding hold (one query)."""
    sides = IntroductionSide.objects.for_system("is a side on hold? (ids only)").filter(
        introduction_id=introduction.pk
    )
    org = introduction.organisation_id
    held: bool = sides.filter(
        Q(person_id__in=held_person_ids(org)) | Q(volunteer_id__in=held_volunteer_ids(org))
    ).exists()
    return held


# Suggestions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    person: Person | None
    space: object | None
    in_common: InCommon


def suggest_people(
    membership: Membership | None, person: Person, *, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """People to introduce to `person`, among those this membership may see, best first, each
    with what they share. Only what the viewer may read is used: a profile the viewer may not
    read counts as empty (languages from the shared record still count)."""
    if membership is None or membership.role not in WORKER_ROLES or is_person_held(person):
        return []
    left_out = left_out_people(person)
    candidates = list(
        people_visible_to(membership)
        .exclude(pk__in=left_out)
        .exclude(pk__in=held_person_ids(person.organisation_id))
        .order_by("pk")[:500]
    )
    readable = {
        p.person_id: p
        for p in profiles_visible_to(membership)
        .filter(person_id__in=[c.pk for c in candidates] + [person.pk])
        .select_related("locality")
        .prefetch_related("interests")
    }
    mine = traits_for_person(person, readable.get(person.pk))
    scored = []
    for candidate in candidates:
        shared = in_common(mine, traits_for_person(candidate, readable.get(candidate.pk)))
        if shared.score > 0:
            scored.append(Suggestion(person=candidate, space=None, in_common=shared))
    scored.sort(key=lambda s: (-s.in_common.score, s.person.pk if s.person else 0))
    return scored[:limit]


def suggest_groups(
    membership: Membership | None, person: Person, *, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """Groups (`spaces.Space`) the person might like, by what the group is about, where it meets
    and when (`group_times`: from its real sessions where it has them). None for a person on a
    safeguarding hold."""
    if membership is None or membership.role not in WORKER_ROLES or is_person_held(person):
        return []
    mine = traits_for_person(person, profile_for(membership, person))
    spaces = groups_with_times(membership.organisation_id).exclude(pk__in=left_out_spaces(person))
    scored = []
    for space in spaces:
        shared = in_common(mine, traits_for_group(space), group=True)
        if shared.score > 0:
            scored.append(Suggestion(person=None, space=space, in_common=shared))
    scored.sort(key=lambda s: -s.in_common.score)
    return scored[:limit]


# Introductions --------------------------------------------------------------------------------
