"""Reads of connections with visibility built in.

- Profiles (`PersonProfile`) are support sphere: read by whoever may read the person's support
  notes (the support sphere's own role rule, consent to all support notes, a safeguarding
  override) through `profiles_visible_to`.
- Introductions are support sphere too. A worker sees an introduction when they may see a person
  on one side, are its volunteer, or proposed it; what they see about each side depends on
  whether they may read that side's support records (`IntroductionView`). A side's "no" is shown
  only to those who may read that side's records; everyone else reads "not going ahead".
- Exclusions and earlier "no"s are read by the system (`for_system`) to leave people out of
  suggestions, never to show them.
- People and volunteers on a safeguarding hold (`safeguarding.queries`: ids only, never why) are
  left out of suggestions, introductions and matching; workers read only "Not available for
  matching or introductions".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership, Role, language_list
from alongside.access.roles import WORKER_ROLES
from alongside.common.links import hash_token
from alongside.common.spheres import SphereQuerySet
from alongside.connections.commonality import InCommon, Traits, compare, slots_for_session
from alongside.connections.models import (
    SLOT_LABELS,
    Answer,
    Introduction,
    IntroductionSide,
    Kind,
    LivedExperience,
    Match,
    PersonProfile,
    SpaceProfile,
    Status,
    VolunteerProfile,
)
from alongside.people.models import Person
from alongside.people.queries import people_visible_to

if TYPE_CHECKING:
    from alongside.spaces.models import Space

LIVED_LABELS: dict[str, str] = {str(c.value): str(c.label) for c in LivedExperience}
# A link still shows the outcome (never more than each side shared) for this long after the
# invitation ran out or the introduction happened.
LINK_READABLE_DAYS = 30
SUGGESTIONS = 5

# Visibility -----------------------------------------------------------------------------------


def _support_people_q(membership: Membership | None) -> Q | None:
    """Q over a model with `person`/`author` fields: whose support records this membership reads
    (`support.queries.support_records_q`: role, consent to share all notes, override). None:
    nothing."""
    from alongside.support.queries import support_records_q

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
    from alongside.people.consent import GRANTEE_ROLES, consents_for
    from alongside.people.queries import works_with_q
    from alongside.safeguarding.queries import overridden_person_ids

    if membership is None or not membership.is_active or membership.role not in GRANTEE_ROLES:
        return False
    if membership.organisation_id != person.organisation_id:
        return False
    if consents_for(membership).filter(scope="all_support_notes", person_id=person.pk).exists():
        return True
    if membership.role == Role.SUPPORTER:
        return Person.objects.filter(works_with_q(membership.user_id), pk=person.pk).exists()
    if membership.role == Role.COORDINATOR:
        return membership.team_id is None or membership.team_id == person.team_id
    if membership.role == Role.VOLUNTEER:
        # Volunteers read the support records they wrote: here, a profile they recorded.
        wrote: bool = (
            PersonProfile.objects.for_system("may a volunteer read the profile they wrote?")
            .filter(person_id=person.pk, author_id=membership.user_id)
            .exists()
        )
        return wrote
    if membership.role == Role.SAFEGUARDING_LEAD:
        return overridden_person_ids(membership).filter(person_id=person.pk).exists()
    return False


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


def traits_for_volunteer(membership: Membership, profile: VolunteerProfile | None) -> Traits:
    languages = frozenset(language_list(membership.languages))
    if profile is None:
        return Traits(languages=languages)
    return Traits(
        languages=languages,
        interests=frozenset(i.name for i in profile.interests.all()),
        locality=profile.locality.name if profile.locality else "",
        availability=frozenset(profile.availability),
        lived_experience=frozenset(profile.usable_lived_experience),
    )


def _with_times(spaces: QuerySet[Space], today: date | None) -> QuerySet[Space]:
    from alongside.spaces.models import Session, SessionPattern

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
    from alongside.spaces.models import Space

    active = Space.objects.filter(organisation_id=organisation_id, is_active=True)
    return _with_times(active, today).order_by("name", "pk")


def group_with_times(space: Space, *, today: date | None = None) -> Space:
    """One group (active or not) read as `groups_with_times` reads each."""
    from alongside.spaces.models import Space

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
    profile = (
        PersonProfile.objects.for_system("exclusions for matching (never shown)")
        .filter(person_id=person.pk)
        .first()
    )
    out: set[int] = set()
    if profile is not None:
        out |= set(profile.excluded_volunteers.values_list("pk", flat=True))
    mine = _all_sides().filter(person_id=person.pk).values("introduction_id")
    out |= set(
        _all_sides()
        .filter(introduction_id__in=mine, volunteer_id__isnull=False)
        .filter(Q(answer=Answer.DECLINED) | Q(introduction__status=Status.DECLINED))
        .values_list("volunteer_id", flat=True)
    )
    return out


# Safeguarding holds ---------------------------------------------------------------------------


def held_person_ids(organisation_id: int) -> QuerySet:  # type: ignore[type-arg]
    """Ids of people on a safeguarding hold (a lazy subquery; never the reason)."""
    from alongside.safeguarding import queries as safeguarding

    return safeguarding.held_person_ids(organisation_id)


def held_volunteer_ids(organisation_id: int) -> QuerySet:  # type: ignore[type-arg]
    """User ids of volunteers on a safeguarding hold (a lazy subquery; never the reason)."""
    from alongside.safeguarding import queries as safeguarding

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


def effective_status(introduction: Introduction, now: datetime | None = None) -> str:
    """The status, with expiry worked out on read (nothing has to run for an invitation to lapse)."""
    now = now or timezone.now()
    if (
        introduction.status == Status.ASKING
        and introduction.expires_at is not None
        and introduction.expires_at <= now
    ):
        return Status.EXPIRED
    return str(introduction.status)


def _introductions() -> SphereQuerySet:
    intros: SphereQuerySet = Introduction.objects.scoped()
    return intros


def introductions_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Introductions a worker may open: they may see a person on one side, are its volunteer, or
    proposed it. What they see of each side is decided by `IntroductionView`."""
    if membership is None or not membership.is_active or membership.role not in WORKER_ROLES:
        return _introductions().none()
    people = people_visible_to(membership).values("pk")
    sides = IntroductionSide.objects.scoped().filter(
        Q(person_id__in=people) | Q(volunteer_id=membership.user_id)
    )
    return _introductions().filter(
        Q(pk__in=sides.values("introduction_id")) | Q(proposed_by_id=membership.user_id),
        organisation_id=membership.organisation_id,
    )


def introduction_for_worker(
    membership: Membership | None, introduction_id: int
) -> Introduction | None:
    found: Introduction | None = (
        introductions_visible_to(membership)
        .filter(pk=introduction_id)
        .select_related("space", "proposed_by")
        .first()
    )
    return found


def sides_of(introduction: Introduction) -> list[IntroductionSide]:
    """The sides of an introduction the caller has already been allowed to open."""
    sides: SphereQuerySet = IntroductionSide.objects.scoped()
    return list(
        sides.filter(introduction_id=introduction.pk)
        .select_related("person", "volunteer")
        .order_by("position")
    )


@dataclass
class SideView:
    side: IntroductionSide
    name: str  # what this viewer may call them
    mine: bool  # the viewer may read this side's records
    answer: str  # "" when the viewer may not know it
    shared_name: str
    shared_contact: str


def first_name_of(side: IntroductionSide) -> str:
    if side.person is not None:
        return side.person.preferred_name or side.person.given_name
    if side.volunteer is not None:
        return side.volunteer.first_name or side.volunteer.get_username()
    return ""


def public_status(status: str) -> str:
    """What anyone not on a side that said no may read: a "no" and a lapse look the same."""
    if status in (Status.DECLINED, Status.EXPIRED):
        return "not going ahead"
    words: dict[str, str] = {
        Status.PROPOSED: "suggested, not asked yet",
        Status.ASKING: "waiting for answers",
        Status.INTRODUCED: "introduced",
        Status.FOLLOWED_UP: "introduced",
        Status.WITHDRAWN: "withdrawn",
    }
    return words.get(status, "not going ahead")


@dataclass
class IntroductionView:
    introduction: Introduction
    status: str  # effective status (internal; never rendered as such)
    shown_status: str  # the words this viewer may read
    sides: list[SideView]
    in_common: list[str]
    may_answer_for: list[IntroductionSide]
    may_follow_up: list[IntroductionSide]
    may_change: bool  # may ask, withdraw (while open)
    may_manage: bool  # may_change and still open


def _may_read_side(membership: Membership, side: IntroductionSide) -> bool:
    if side.volunteer_id is not None:
        volunteer = Membership.objects.filter(
            user_id=side.volunteer_id, organisation_id=membership.organisation_id
        ).first()
        return volunteer is not None and may_manage_volunteer(membership, volunteer)
    assert side.person is not None
    return may_read_support(membership, side.person)


def view_for(
    membership: Membership, introduction: Introduction, *, now: datetime | None = None
) -> IntroductionView:
    """What this worker may see of an introduction they may open."""
    status = effective_status(introduction, now)
    sides = sides_of(introduction)
    visible_people = set(
        people_visible_to(membership)
        .filter(pk__in=[s.person_id for s in sides if s.person_id])
        .values_list("pk", flat=True)
    )
    introduced = status in (Status.INTRODUCED, Status.FOLLOWED_UP)
    views = []
    readable_sides = []
    for side in sides:
        mine = _may_read_side(membership, side)
        if mine:
            readable_sides.append(side)
        other = [s for s in sides if s.pk != side.pk]
        if mine or introduction.proposed_by_id == membership.user_id:
            name = (
                side.person.display_name
                if side.person is not None and side.person_id in visible_people
                else first_name_of(side)
            )
        elif introduced and side.share_first_name:
            name = first_name_of(side)
        else:
            name = "someone else we support"
        views.append(
            SideView(
                side=side,
                name=name,
                mine=mine,
                answer=str(side.answer) if mine else "",
                shared_name=first_name_of(side) if introduced and side.share_first_name else "",
                shared_contact=side.contact_way if introduced and side.share_contact else "",
            )
        )
        del other
    declined_mine = any(v.mine and v.side.answer == Answer.DECLINED for v in views)
    shown = public_status(status)
    if declined_mine:
        shown = "they said no"
    # What they have in common is shown to those who may read every person side's records.
    everyone_readable = all(v.mine for v in views)
    in_common_words = list(introduction.in_common) if everyone_readable else []
    open_ = status in (Status.PROPOSED, Status.ASKING)
    may_change = introduction.proposed_by_id == membership.user_id or bool(readable_sides)
    return IntroductionView(
        introduction=introduction,
        status=status,
        shown_status=shown,
        sides=views,
        in_common=in_common_words,
        may_answer_for=[
            s
            for s in readable_sides
            if status == Status.ASKING and s.answer == Answer.WAITING and s.token_hash
        ],
        may_follow_up=[s for s in readable_sides if introduced and s.person_id is not None],
        may_change=may_change,
        may_manage=open_ and may_change,
    )


def introductions_for_person(
    membership: Membership | None, person: Person
) -> list[IntroductionView]:
    """Introductions involving a person, as this worker may see them."""
    if membership is None:
        return []
    intros = (
        introductions_visible_to(membership)
        .filter(
            pk__in=IntroductionSide.objects.scoped()
            .filter(person_id=person.pk)
            .values("introduction_id")
        )
        .select_related("space", "proposed_by")
        .order_by("-created_at", "-id")[:20]
    )
    return [view_for(membership, intro) for intro in intros]


# The one-time link ----------------------------------------------------------------------------


def side_for_token(token: str) -> IntroductionSide | None:
    """The side a one-time link opens, whatever its state (the view decides what to show)."""
    if not token or len(token) > 100:
        return None
    found: IntroductionSide | None = (
        IntroductionSide.objects.for_system("a one-time link was opened")
        .filter(token_hash=hash_token(token))
        .select_related(
            "introduction",
            "introduction__organisation",
            "introduction__space",
            "person",
            "volunteer",
        )
        .first()
    )
    return found


def other_sides(side: IntroductionSide) -> list[IntroductionSide]:
    """The other side(s), for the link page: the view shows only what each side shared, and only
    once the introduction happened."""
    return list(
        IntroductionSide.objects.for_system("the other side, for what they chose to share")
        .filter(introduction_id=side.introduction_id)
        .exclude(pk=side.pk)
        .select_related("person", "volunteer")
    )


def link_readable(side: IntroductionSide, now: datetime | None = None) -> bool:
    """A used link still shows the outcome for a while; then it stops working altogether."""
    now = now or timezone.now()
    intro = side.introduction
    last = intro.introduced_at or intro.closed_at or intro.expires_at or intro.created_at
    return last + timedelta(days=LINK_READABLE_DAYS) > now


# Matching -------------------------------------------------------------------------------------


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
        Membership.objects.filter(organisation_id=membership.organisation_id, left_on__isnull=True)
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
