"""Reads of what people share: profiles (support sphere, through whoever may read the person's
support notes), their traits, and a group's times from its sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership, Role, language_list
from alongside.common.spheres import SphereQuerySet
from alongside.connections.commonality import Traits, slots_for_session
from alongside.connections.models import (
    PersonProfile,
    SpaceProfile,
    VolunteerProfile,
)
from alongside.people.models import Person
from alongside.people.queries import people_visible_to
from alongside.spaces.models import Session, SessionPattern, Space
from alongside.visibility.consent import consents_for
from alongside.visibility.overrides import overridden_person_ids
from alongside.visibility.people import confirmed_q
from alongside.visibility.roles import GRANTEE_ROLES, WORKER_ROLES
from alongside.visibility.support import coordinates, support_records_q

if TYPE_CHECKING:
    from alongside.spaces.models import Space


def _support_people_q(membership: Membership | None) -> Q | None:
    """Q over a model with `person`/`author` fields: whose support records this membership reads
    (`support.queries.support_records_q`: role, consent to share all notes, override). None:
    nothing."""
    return support_records_q(membership)


def profiles_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Person profiles this membership may read, now (as support notes are read)."""
    profiles: SphereQuerySet = PersonProfile.objects.scoped()
    allowed = _support_people_q(membership)
    if membership is None or allowed is None:
        return profiles.none()
    return profiles.filter(allowed, organisation_id=membership.organisation_id)


def may_read_support(membership: Membership | None, person: Person) -> bool:
    """Whether this membership may read the person's support records (and so their profile).

    Worked out against the person, so it holds before any profile exists."""
    return person.pk in support_readable_among(membership, [person])


def support_readable_among(membership: Membership | None, people: Iterable[Person]) -> set[int]:
    """The ids of those of `people` whose support records this membership may read: the person's
    consent to share all their support records, the role's own reach (supporters: people they
    have a confirmed relationship with; coordinators: their team; volunteers: a profile they wrote) or a safeguarding
    lead's override. At most two queries, however many people."""
    if membership is None or not membership.is_active or membership.role not in GRANTEE_ROLES:
        return set()
    mine = [p for p in people if p.organisation_id == membership.organisation_id]
    if not mine:
        return set()
    ids = {p.pk for p in mine}
    readable = set(
        consents_for(membership)
        .filter(scope="all_support_notes", person_id__in=ids)
        .values_list("person_id", flat=True)
    )
    ids -= readable
    if not ids:
        return readable
    if membership.role == Role.SUPPORTER:
        readable |= set(
            Person.objects.filter(confirmed_q(membership.user_id), pk__in=ids).values_list(
                "pk", flat=True
            )
        )
    elif membership.role == Role.COORDINATOR:
        readable |= {p.pk for p in mine if p.pk in ids and coordinates(membership, p)}
    elif membership.role == Role.VOLUNTEER:
        # Volunteers read the support records they wrote: here, a profile they recorded.
        readable |= set(
            PersonProfile.objects.for_system("may a volunteer read the profile they wrote?")
            .filter(person_id__in=ids, author_id=membership.user_id)
            .values_list("person_id", flat=True)
        )
    elif membership.role == Role.SAFEGUARDING_LEAD:
        readable |= set(
            overridden_person_ids(membership)
            .filter(person_id__in=ids)
            .values_list("person_id", flat=True)
        )
    return readable


def profile_for(membership: Membership | None, person: Person) -> PersonProfile | None:
    """The person's profile when this membership may read it, else None (also when none exists)."""
    found: PersonProfile | None = (
        profiles_visible_to(membership)
        .filter(person_id=person.pk)
        .select_related("locality")
        .prefetch_related("interests", "excluded_people", "excluded_volunteers")
        .first()
    )
    return found


def profile_exists(person: Person) -> bool:
    exists: bool = (
        PersonProfile.objects.for_system("does a profile exist? (no content read)")
        .filter(person_id=person.pk)
        .exists()
    )
    return exists


def may_edit_profile(membership: Membership | None, person: Person) -> bool:
    """Workers who may read the person's support records; a volunteer who may see the person may
    start a profile when there is none yet (they then read what they wrote)."""
    if membership is None or membership.role not in WORKER_ROLES:
        return False
    if may_read_support(membership, person):
        return True
    return (
        membership.role == Role.VOLUNTEER
        and people_visible_to(membership).filter(pk=person.pk).exists()
        and not profile_exists(person)
    )


# Traits ---------------------------------------------------------------------------------------


def traits_for_person(person: Person, profile: PersonProfile | None) -> Traits:
    """What may be compared: languages (shared sphere) and, from a readable profile, the rest.
    Lived experience only with the person's agreement."""
    languages = frozenset(language_list(person.languages))
    if profile is None:
        return Traits(languages=languages)
    return Traits(
        languages=languages,
        interests=frozenset(i.name for i in profile.interests.all()),
        locality=profile.locality.name if profile.locality else "",
        availability=frozenset(profile.availability),
        lived_experience=frozenset(profile.usable_lived_experience),
    )


def traits_for_volunteer(
    membership: Membership, profile: VolunteerProfile | None, *, telling: bool = False
) -> Traits:
    """A volunteer's traits for matching, or (`telling`) for what the person they are introduced
    to may be told: lived experience only with the agreement for that use."""
    languages = frozenset(language_list(membership.languages))
    if profile is None:
        return Traits(languages=languages)
    return Traits(
        languages=languages,
        interests=frozenset(i.name for i in profile.interests.all()),
        locality=profile.locality.name if profile.locality else "",
        availability=frozenset(profile.availability),
        lived_experience=frozenset(
            profile.tellable_lived_experience if telling else profile.usable_lived_experience
        ),
    )


def _with_times(spaces: QuerySet[Space], today: date | None) -> QuerySet[Space]:

    today = today or timezone.localdate()
    return spaces.select_related("connections_profile__locality").prefetch_related(
        "connections_profile__interests",
        Prefetch(
            "patterns",
            queryset=SessionPattern.objects.filter(ends_on__gte=today),
            to_attr="running_patterns",
        ),
        Prefetch(
            "sessions",
            queryset=Session.objects.filter(
                pattern__isnull=True, on__gte=today, cancelled_at__isnull=True
            ),
            to_attr="upcoming_one_offs",
        ),
    )


def groups_with_times(organisation_id: int, *, today: date | None = None) -> QuerySet[Space]:
    """The organisation's active groups, each with its profile, its repeating sessions still
    running and its upcoming one-off sessions: what `traits_for_group` reads, in five queries
    however many groups there are."""

    active = Space.objects.filter(organisation_id=organisation_id, is_active=True)
    return _with_times(active, today).order_by("name", "pk")


def group_with_times(space: Space, *, today: date | None = None) -> Space:
    """One group (active or not) read as `groups_with_times` reads each."""

    found: Space = _with_times(Space.objects.filter(pk=space.pk), today).get()
    return found


def space_profile_of(space: Space) -> SpaceProfile | None:
    try:
        found: SpaceProfile = space.connections_profile
    except SpaceProfile.DoesNotExist:
        return None
    return found


def session_times(space: Space) -> frozenset[str]:
    """When a group meets by its sessions, as slot codes ("tue_evening"): its repeating sessions
    still running; without any, its upcoming one-off sessions. Empty when it has neither.
    `space` comes from `groups_with_times`."""
    patterns = getattr(space, "running_patterns", [])
    if patterns:
        return frozenset().union(
            *(slots_for_session(p.weekday, p.starts_at, p.ends_at) for p in patterns)
        )
    one_offs = getattr(space, "upcoming_one_offs", [])
    return frozenset().union(
        *(slots_for_session(s.on.weekday(), s.starts_at, s.ends_at) for s in one_offs)
    )


def group_times(space: Space) -> frozenset[str]:
    """When a group meets: from its sessions (`session_times`), else the times typed on its
    profile. `space` comes from `groups_with_times`."""
    from_sessions = session_times(space)
    if from_sessions:
        return from_sessions
    profile = space_profile_of(space)
    return frozenset(profile.times) if profile is not None else frozenset()


def traits_for_group(space: Space) -> Traits:
    """What a group offers to compare: its profile (interests, place, who it is for) and when it
    really meets (`group_times`). `space` comes from `groups_with_times`."""
    profile = space_profile_of(space)
    times = group_times(space)
    if profile is None:
        return Traits(availability=times)
    return Traits(
        interests=frozenset(i.name for i in profile.interests.all()),
        locality=profile.locality.name if profile.locality else "",
        availability=times,
        lived_experience=frozenset(profile.lived_experience),
    )
