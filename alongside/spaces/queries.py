"""Reads for spaces: visibility built in. Nobody reads a space, a register or a tie without naming
who is reading, and nothing crosses organisations.

- Spaces and sessions: workers (supporter, volunteer, coordinator) of the organisation.
- Ties and reasons for stopping (support sphere, fail closed): by role, exactly as support notes
  (`alongside.support.queries`): supporters for the people they work with and what they wrote,
  volunteers only what they wrote, coordinators their team. No consent or override reaches them.
- Aggregates (`space_outcomes`, `tie_outcomes`) go through `alongside.common.suppression`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from alongside.access.models import Membership, Role
from alongside.common.spheres import SphereQuerySet
from alongside.common.suppression import FEWER, enough, share, shown
from alongside.people.models import Person
from alongside.people.queries import people_visible_to, search_people
from alongside.spaces.models import (
    Attendance,
    DoorWelcome,
    Invitation,
    Session,
    Space,
    StoppingReason,
    Tie,
    TieCount,
)
from alongside.spaces.regularity import Engagement, engagement
from alongside.visibility.roles import WORKER_ROLES
from alongside.visibility.support import own_role_q

# Expected at a session: came to this space within this many weeks before it, or invited.
RECENT_WEEKS = 8
UPCOMING_DAYS = 14
# "Comes now" on the outcomes page: came within this many weeks.
ACTIVE_WEEKS = 12


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def spaces_visible_to(membership: Membership | None) -> QuerySet[Space]:
    """Spaces of the membership's organisation, for workers; none for anyone else."""
    if membership is None or not membership.is_active or membership.role not in WORKER_ROLES:
        return Space.objects.none()
    return Space.objects.filter(organisation_id=membership.organisation_id)


def get_space_for_user(membership: Membership | None, space_id: int) -> Space:
    return get_object_or_404(
        spaces_visible_to(membership).select_related("team", "host"), pk=space_id
    )


def get_session_for_user(membership: Membership | None, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.filter(space__in=spaces_visible_to(membership)).select_related(
            "space", "space__team", "space__host"
        ),
        pk=session_id,
    )


def upcoming_sessions(
    membership: Membership | None,
    *,
    today: date,
    days: int = UPCOMING_DAYS,
    space: Space | None = None,
) -> QuerySet[Session]:
    sessions = Session.objects.filter(
        space__in=spaces_visible_to(membership),
        on__gte=today,
        on__lte=today + timedelta(days=days),
    )
    if space is not None:
        sessions = sessions.filter(space=space)
    return sessions.select_related("space").order_by("on", "starts_at", "id")


def recent_sessions(space: Space, *, today: date, weeks: int = RECENT_WEEKS) -> QuerySet[Session]:
    return Session.objects.filter(
        space=space, on__lt=today, on__gte=today - timedelta(weeks=weeks)
    ).order_by("-on", "-starts_at")


def held_q() -> Q:
    """A session counts as held: not cancelled, and its register was taken (closed, or anyone
    marked present). Combine with a date bound."""
    marked = Attendance.objects.filter(session_id=OuterRef("pk"))
    return Q(cancelled_at__isnull=True) & (Q(register_closed_at__isnull=False) | Q(Exists(marked)))


def held_sessions(space_id: int, *, today: date) -> list[tuple[int, date]]:
    """The sessions of a space held up to today, oldest first, as (id, date)."""
    return list(
        Session.objects.filter(held_q(), space_id=space_id, on__lte=today)
        .order_by("on", "starts_at", "id")
        .values_list("pk", "on")
    )


# --- the register -------------------------------------------------------------------------------


@dataclass
class RegisterRow:
    person: Person
    present: bool = False
    invited: bool = False
    new_here: bool = False


def register_rows(session: Session) -> list[RegisterRow]:
    """Who to expect: people who came to the space in the RECENT_WEEKS before the session,
    people invited to it, and everyone already marked present. Ordered by name (not by whether
    they are marked), so rows stay where they are while people arrive."""
    since = session.on - timedelta(weeks=RECENT_WEEKS)
    recent = Attendance.objects.filter(space_id=session.space_id, on__gte=since, on__lte=session.on)
    invited = Invitation.objects.filter(space_id=session.space_id)
    present = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
    invited_ids = set(invited.values_list("person_id", flat=True))
    people = Person.objects.filter(organisation_id=session.organisation_id).filter(
        Q(pk__in=recent.values("person_id"))
        | Q(pk__in=invited.values("person_id"))
        | Q(pk__in=present)
    )
    welcomed = set(
        DoorWelcome.objects.filter(person__in=people, session=session).values_list(
            "person_id", flat=True
        )
    )
    return [
        RegisterRow(
            person=person,
            present=person.pk in present,
            invited=person.pk in invited_ids,
            new_here=person.pk in welcomed,
        )
        for person in people.order_by("given_name", "preferred_name", "family_name", "id")
    ]


def register_row(session: Session, person: Person) -> RegisterRow:
    return RegisterRow(
        person=person,
        present=Attendance.objects.filter(session=session, person=person).exists(),
        invited=Invitation.objects.filter(space_id=session.space_id, person=person).exists(),
        new_here=DoorWelcome.objects.filter(session=session, person=person).exists(),
    )


def expected_q(session: Session) -> Q:
    since = session.on - timedelta(weeks=RECENT_WEEKS)
    return (
        Q(
            pk__in=Attendance.objects.filter(space_id=session.space_id, on__gte=since).values(
                "person_id"
            )
        )
        | Q(pk__in=Invitation.objects.filter(space_id=session.space_id).values("person_id"))
        | Q(pk__in=Attendance.objects.filter(session=session).values("person_id"))
    )


def get_register_person(membership: Membership | None, session: Session, person_id: int) -> Person:
    """A person the register-taker may mark: expected at the session, or one they may see. 404."""
    expected = Person.objects.filter(expected_q(session), organisation_id=session.organisation_id)
    people = expected | people_visible_to(membership)
    return get_object_or_404(people.distinct(), pk=person_id)


def find_for_register(membership: Membership | None, text: str, *, limit: int = 10) -> list[Person]:
    """People the register-taker may see whose names contain every word of `text`."""

    if not text.strip():
        return []
    return list(search_people(membership, text)[:limit])


# --- engagement ---------------------------------------------------------------------------------


def space_engagement(space: Space, *, today: date) -> list[tuple[Person, Engagement]]:
    """Everyone who came to the space, with how they have kept coming. Ordered by name."""
    held = held_sessions(space.pk, today=today)
    came: dict[int, dict[int, date]] = defaultdict(dict)
    for person_id, session_id, on in Attendance.objects.filter(
        space=space, on__lte=today
    ).values_list("person_id", "session_id", "on"):
        came[person_id][session_id] = on
    people = Person.objects.filter(pk__in=list(came), organisation_id=space.organisation_id)
    rows = []
    for person in people.order_by("given_name", "family_name", "id"):
        found = engagement(held, came[person.pk])
        if found is not None:
            rows.append((person, found))
    return rows


def person_engagement(person: Person, *, today: date) -> list[tuple[Space, Engagement]]:
    """Each space the person came to, with how they have kept coming; latest first."""
    came: dict[int, dict[int, date]] = defaultdict(dict)
    for space_id, session_id, on in Attendance.objects.filter(
        person=person, on__lte=today
    ).values_list("space_id", "session_id", "on"):
        came[space_id][session_id] = on
    spaces = Space.objects.filter(pk__in=list(came), organisation_id=person.organisation_id)
    rows = []
    for space in spaces:
        found = engagement(held_sessions(space.pk, today=today), came[space.pk])
        if found is not None:
            rows.append((space, found))
    return sorted(rows, key=lambda row: row[1].latest, reverse=True)


# --- support sphere: ties and reasons for stopping ----------------------------------------------


def _support_q(membership: Membership | None) -> Q | None:
    """The role's own reach into the support sphere, shared with support notes. None: nothing."""
    if membership is None or not _active(membership):
        return None
    return own_role_q(membership)


def _scoped(queryset: SphereQuerySet, membership: Membership | None) -> SphereQuerySet:
    own = _support_q(membership)
    if own is None or membership is None:
        return queryset.scoped().none()
    return queryset.scoped().filter(own, organisation_id=membership.organisation_id)


def ties_visible_to(membership: Membership | None) -> SphereQuerySet:
    return _scoped(Tie.objects.all(), membership)


def tie_counts_visible_to(membership: Membership | None) -> SphereQuerySet:
    return _scoped(TieCount.objects.all(), membership)


def stopping_reasons_visible_to(membership: Membership | None) -> SphereQuerySet:
    return _scoped(StoppingReason.objects.all(), membership)


def open_tie_counts(person_id: int) -> dict[str, int]:
    """How many ties of each kind the person has now, whoever recorded them: numbers only."""
    counts = {"bonding": 0, "bridging": 0, "linking": 0}
    ties = Tie.objects.for_system("counting a person's ties: numbers only, no words")
    for kind in ties.filter(person_id=person_id, ended_on__isnull=True).values_list(
        "kind", flat=True
    ):
        counts[kind] += 1
    return counts


def reason_recorded_since(person_id: int, space_id: int, since: date) -> bool:
    """Whether a reason for stopping this space was recorded after `since` (existence only)."""
    reasons = StoppingReason.objects.for_system("lapse check: whether a reason exists, no words")
    return bool(
        reasons.filter(
            person_id=person_id, space_id=space_id, recorded_at__date__gte=since
        ).exists()
    )


# --- aggregates (suppressed) --------------------------------------------------------------------


def _outcome_scope(membership: Membership | None) -> Q | None:
    """Whose numbers this viewer may see in aggregate: a coordinator their team (the whole
    organisation without a team), data leads and funder viewers the organisation."""
    if membership is None or not membership.is_active:
        return None
    if membership.role == Role.COORDINATOR:
        return Q(team_id=membership.team_id) if membership.team_id else Q()
    if membership.role in (Role.DATA_LEAD, Role.FUNDER_VIEWER):
        return Q()
    return None


@dataclass
class SpaceOutcome:
    space: Space
    held: int
    coming: str  # came within ACTIVE_WEEKS, suppressed
    regular: str  # comes regularly now, suppressed
    stopped: str  # came regularly, then stopped, suppressed
    kept_coming: str  # of those coming, share who have come for 12 weeks or more


def space_outcomes(membership: Membership | None, *, today: date) -> list[SpaceOutcome]:
    scope = _outcome_scope(membership)
    if scope is None:
        return []
    spaces = Space.objects.filter(scope, organisation_id=membership.organisation_id)  # type: ignore[union-attr]
    rows = []
    since = today - timedelta(weeks=ACTIVE_WEEKS)
    for space in spaces.order_by("name"):
        held = held_sessions(space.pk, today=today)
        came: dict[int, dict[int, date]] = defaultdict(dict)
        for person_id, session_id, on in Attendance.objects.filter(
            space=space, on__lte=today
        ).values_list("person_id", "session_id", "on"):
            came[person_id][session_id] = on
        found = [e for e in (engagement(held, c) for c in came.values()) if e is not None]
        coming = [e for e in found if e.latest >= since]
        long = sum(1 for e in coming if e.weeks_coming >= ACTIVE_WEEKS)
        rows.append(
            SpaceOutcome(
                space=space,
                held=len(held),
                coming=shown(len(coming)),
                regular=shown(sum(1 for e in found if e.regular)),
                stopped=shown(sum(1 for e in found if e.stopped)),
                kept_coming=share(long, len(coming)),
            )
        )
    return rows


@dataclass
class TiePeriod:
    label: str
    people: str
    mean_total: str
    mean_bonding: str
    mean_bridging: str
    mean_linking: str


@dataclass
class TieOutcomes:
    counted: str = FEWER  # people with at least one count
    compared: str = FEWER  # people with two counts or more
    more: str = FEWER  # share of those compared with more ties at their latest than their first
    same: str = FEWER
    fewer: str = FEWER
    mean_first: str = FEWER
    mean_latest: str = FEWER
    periods: list[TiePeriod] = field(default_factory=list)


def _mean(values: list[int]) -> str:
    return f"{sum(values) / len(values):.1f}" if enough(len(values)) else FEWER


def tie_outcomes(membership: Membership | None) -> TieOutcomes:
    """How people's ties changed, for the teams this viewer sees in aggregate (see `tie_change`)."""
    if _outcome_scope(membership) is None:
        return TieOutcomes()
    assert membership is not None
    team_id = membership.team_id if membership.role == Role.COORDINATOR else None
    return tie_change(membership.organisation_id, team_id)


def tie_change(
    organisation_id: int, team_id: int | None, *, until: date | None = None
) -> TieOutcomes:
    """How people's ties changed between their first and latest count (up to `until`), and by
    quarter, for a team (None: the organisation).

    Numbers only (never who or their words); every figure is suppressed under 5 people.
    """
    counts = TieCount.objects.for_system("team aggregates of tie counts, suppressed").filter(
        organisation_id=organisation_id
    )
    if team_id is not None:
        counts = counts.filter(team_id=team_id)
    if until is not None:
        counts = counts.filter(counted_on__lte=until)
    by_person: dict[int, list[tuple[date, int, int, int]]] = defaultdict(list)
    for person_id, on, bonding, bridging, linking in counts.order_by(
        "counted_on", "id"
    ).values_list("person_id", "counted_on", "bonding", "bridging", "linking"):
        by_person[person_id].append((on, bonding, bridging, linking))
    compared = [rows for rows in by_person.values() if len(rows) >= 2]
    first = [sum(rows[0][1:]) for rows in compared]
    latest = [sum(rows[-1][1:]) for rows in compared]
    n = len(compared)
    outcome = TieOutcomes(
        counted=shown(len(by_person)),
        compared=shown(n),
        more=share(sum(1 for a, b in zip(first, latest, strict=True) if b > a), n),
        same=share(sum(1 for a, b in zip(first, latest, strict=True) if b == a), n),
        fewer=share(sum(1 for a, b in zip(first, latest, strict=True) if b < a), n),
        mean_first=_mean(first),
        mean_latest=_mean(latest),
    )
    # By quarter: each person's latest count in the quarter.
    quarters: dict[tuple[int, int], dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for person_id, rows in by_person.items():
        for on, bonding, bridging, linking in rows:
            quarters[(on.year, (on.month - 1) // 3 + 1)][person_id] = (bonding, bridging, linking)
    for (year, quarter), people in sorted(quarters.items()):
        values = list(people.values())
        outcome.periods.append(
            TiePeriod(
                label=f"{year} Q{quarter}",
                people=shown(len(values)),
                mean_total=_mean([sum(v) for v in values]),
                mean_bonding=_mean([v[0] for v in values]),
                mean_bridging=_mean([v[1] for v in values]),
                mean_linking=_mean([v[2] for v in values]),
            )
        )
    return outcome
