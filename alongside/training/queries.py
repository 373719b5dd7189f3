"""Reads for training and supervision: the check other apps call before letting a member do
something (`unmet_requirements`), a member's own record, the coordinator's lists, reminders due,
supervisions and their notes (through `visibility.supervision`), and the scorecard's counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from alongside.access.models import Membership, Role, language_list
from alongside.common.spheres import SphereQuerySet
from alongside.training.models import (
    Activity,
    Completion,
    Course,
    Removal,
    Requirement,
    Supervision,
    SupervisionNote,
    SupervisionSession,
)
from alongside.visibility.roles import WORKER_ROLES
from alongside.visibility.supervision import supervision_notes_q, supervision_q


def day_words(day: date) -> str:
    """3 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def unmet_requirements(membership: Membership, *, activity: str, on: date) -> list[str]:
    """Plain-English reasons this member may not do `activity` on `on` (empty list: they may),
    e.g. ["Safeguarding training ran out on 3 Nov 2026."]. One or two queries, whatever the size.

    What counts is every course required for the activity or for the member's role. A course is
    met by a completion on or before `on` that has not run out by `on` (the expiry day itself is
    still in date)."""
    return unmet_requirements_for([membership], activity=activity, on=on)[membership.pk]


class Member(Protocol):
    """What `unmet_requirements_for` reads of a member: a `Membership`, or the plain values
    matching reads of one (`connections.queries.Offer`)."""

    @property
    def pk(self) -> int: ...
    @property
    def organisation_id(self) -> int: ...
    @property
    def role(self) -> str: ...


def unmet_requirements_for(
    memberships: Sequence[Member], *, activity: str, on: date
) -> dict[int, list[str]]:
    """`unmet_requirements` for many members of one organisation at once (membership id ->
    reasons), in two queries however many: for a matching round or a rota."""
    result: dict[int, list[str]] = {m.pk: [] for m in memberships}
    if not memberships:
        return result
    organisation_ids = {m.organisation_id for m in memberships}
    roles = {m.role for m in memberships}
    requirements = list(
        Requirement.objects.filter(
            Q(activity=activity) | Q(role__in=sorted(roles)),
            organisation_id__in=organisation_ids,
        ).select_related("course")
    )
    if not requirements:
        return result
    latest: dict[tuple[int, int], date] = {}  # (member, course) -> furthest expiry (max: never)
    for membership_id, course_id, expires_on in Completion.objects.filter(
        membership__in=[m.pk for m in memberships],
        course_id__in={r.course_id for r in requirements},
        completed_on__lte=on,
    ).values_list("membership_id", "course_id", "expires_on"):
        key = (membership_id, course_id)
        latest[key] = max(latest.get(key, date.min), expires_on or date.max)
    for membership in memberships:
        required = {
            r.course_id: r.course
            for r in requirements
            if r.organisation_id == membership.organisation_id
            and (r.activity == activity or r.role == membership.role)
        }
        for course_id, course in sorted(required.items(), key=lambda item: item[1].name):
            until = latest.get((membership.pk, course_id))
            if until is None:
                result[membership.pk].append(f"{course.name} training is not recorded.")
            elif until < on:
                result[membership.pk].append(
                    f"{course.name} training ran out on {day_words(until)}."
                )
    return result


# Coordinators' lists and a member's own record -------------------------------------------------

EXPIRING_DAYS = 60


def manages_training(membership: Membership | None) -> bool:
    """Coordinators keep the organisation's courses, completions and supervision arrangements."""
    return membership is not None and membership.is_active and membership.role == Role.COORDINATOR


def courses_of(organisation_id: int) -> QuerySet[Course]:
    return Course.objects.filter(organisation_id=organisation_id).prefetch_related("requirements")


def course_of(membership: Membership, course_id: int) -> Course | None:
    return Course.objects.filter(organisation_id=membership.organisation_id, pk=course_id).first()


def completion_of(membership: Membership, completion_id: int) -> Completion | None:
    return (
        Completion.objects.filter(organisation_id=membership.organisation_id, pk=completion_id)
        .select_related("course", "membership__user")
        .first()
    )


RECENT = 100  # completions on the "recorded lately" page


def recorded_lately(organisation_id: int) -> list[Completion]:
    """The organisation's last RECENT completions recorded, newest first: where a mistake is
    spotted and corrected (one query)."""
    return list(
        Completion.objects.filter(organisation_id=organisation_id)
        .select_related("course", "membership__user", "recorded_by")
        .order_by("-recorded_at", "-pk")[:RECENT]
    )


def removals(organisation_id: int, limit: int = 20) -> list[Removal]:
    """The latest completions and courses removed as recorded in error, with why (one query)."""
    return list(
        Removal.objects.filter(organisation_id=organisation_id).select_related(
            "membership__user", "removed_by"
        )[:limit]
    )


def trainable_members(organisation_id: int) -> QuerySet[Membership]:
    """Active members whose training is recorded: everyone but funders."""
    return (
        Membership.objects.active()
        .filter(organisation_id=organisation_id)
        .exclude(role=Role.FUNDER_VIEWER)
        .select_related("user", "team", "organisation")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def _latest_q() -> Exists:
    """A completion renewed since: a later one of the same course by the same member."""
    return Exists(
        Completion.objects.filter(
            membership_id=OuterRef("membership_id"),
            course_id=OuterRef("course_id"),
            completed_on__gt=OuterRef("completed_on"),
        )
    )


def expiring(membership: Membership, today: date, days: int = EXPIRING_DAYS) -> list[Completion]:
    """Active members' latest completions that run out within `days` from `today`, or ran out
    in the last `days` and were not renewed, soonest first (a coordinator's list)."""
    return list(
        Completion.objects.filter(
            organisation_id=membership.organisation_id,
            expires_on__gte=today - timedelta(days=days),
            expires_on__lte=today + timedelta(days=days),
            membership__in=trainable_members(membership.organisation_id),
        )
        .exclude(_latest_q())
        .select_related("course", "membership__user", "membership__team")
        .order_by("expires_on", "membership__user__first_name", "pk")
    )


# The inbox's "training running out": within the first reminder's 30 days, or ran out in the
# last 60 days and not renewed (further back it is the expiring page's, not today's work).
INBOX_AHEAD_DAYS = 30
INBOX_BACK_DAYS = 60


def running_out(
    membership: Membership, today: date, *, everyone: bool, limit: int
) -> list[Completion]:
    """Latest completions running out within INBOX_AHEAD_DAYS of `today`, or that ran out in the
    last INBOX_BACK_DAYS and were not renewed, soonest first: the organisation's active members'
    (`everyone`: a coordinator's inbox) or this member's own (their to-do). One query, through
    the (organisation, expires_on) index, whatever the organisation's size or history."""
    found = Completion.objects.filter(
        organisation_id=membership.organisation_id,
        expires_on__gte=today - timedelta(days=INBOX_BACK_DAYS),
        expires_on__lte=today + timedelta(days=INBOX_AHEAD_DAYS),
    )
    if everyone:
        found = found.filter(membership__in=trainable_members(membership.organisation_id))
    else:
        found = found.filter(membership=membership)
    return list(
        found.exclude(_latest_q())
        .select_related("course", "membership__user")
        .order_by("expires_on", "membership__user__first_name", "pk")[:limit]
    )


@dataclass(frozen=True)
class DueReminder:
    completion: Completion
    thresholds: tuple[int, ...]  # the thresholds this reminder answers for (not yet sent)


def reminders_due(today: date, thresholds: tuple[int, ...]) -> list[DueReminder]:
    """Latest completions of active members running out within the largest threshold, each with
    the thresholds it has reached and not been reminded of yet."""
    rows = (
        Completion.objects.filter(
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=max(thresholds)),
            membership__in=Membership.objects.active(today=today),
        )
        .exclude(_latest_q())
        .select_related("course", "membership__user", "membership__organisation")
        .prefetch_related("reminders")
        .order_by("pk")
    )
    due = []
    for completion in rows:
        assert completion.expires_on is not None
        left = (completion.expires_on - today).days
        sent = {reminder.days_before for reminder in completion.reminders.all()}
        new = tuple(t for t in thresholds if t >= left and t not in sent)
        if new:
            due.append(DueReminder(completion, new))
    return due


def coordinators_for(member: Membership) -> list[Membership]:
    """Who coordinates this member: the active coordinators of their team (or with no team);
    every coordinator of the organisation when their team has none."""
    coordinators = list(
        Membership.objects.active()
        .filter(organisation_id=member.organisation_id, role=Role.COORDINATOR)
        .exclude(pk=member.pk)
        .select_related("user")
    )
    own = [c for c in coordinators if c.team_id is None or c.team_id == member.team_id]
    return own or coordinators


@dataclass(frozen=True)
class CourseLine:
    course: Course
    completed_on: date
    expires_on: date | None
    evidence: str
    in_date: bool


@dataclass(frozen=True)
class OwnRecord:
    courses: list[CourseLine]
    needed: dict[str, list[str]]  # activity label -> reasons (only those with any)
    skills: list[str]
    languages: list[str]


def own_record(membership: Membership, today: date) -> OwnRecord:
    """A member's own training record: each course's latest completion, what they still need
    for each activity, and their skills and languages as `access` keeps them."""
    latest: dict[int, Completion] = {}
    for completion in Completion.objects.filter(membership=membership).select_related("course"):
        kept = latest.get(completion.course_id)
        if kept is None or completion.completed_on > kept.completed_on:
            latest[completion.course_id] = completion
    courses = [
        CourseLine(
            course=c.course,
            completed_on=c.completed_on,
            expires_on=c.expires_on,
            evidence=c.evidence,
            in_date=c.expires_on is None or c.expires_on >= today,
        )
        for c in sorted(latest.values(), key=lambda c: c.course.name)
    ]
    needed = {}
    for activity in Activity:
        reasons = unmet_requirements(membership, activity=activity, on=today)
        if reasons:
            needed[str(activity.label)] = reasons
    return OwnRecord(
        courses=courses,
        needed=needed,
        skills=[skill.name for skill in membership.skills.all()],
        languages=[name.capitalize() for name in language_list(membership.languages)],
    )


# Supervision -----------------------------------------------------------------------------------


def supervisions_for(membership: Membership) -> QuerySet[Supervision]:
    """The supervisions in force this member is one of the two people in."""
    return (
        Supervision.objects.filter(supervision_q(membership), ended_on__isnull=True)
        .select_related("supervisee__user", "supervisor__user")
        .prefetch_related("sessions")
        .order_by("supervisee__user__first_name", "pk")
    )


def supervision_of(membership: Membership, supervision_id: int) -> Supervision | None:
    """One supervision its supervisee or supervisor may open (ended ones too); None otherwise."""
    return (
        Supervision.objects.filter(supervision_q(membership), pk=supervision_id)
        .select_related("supervisee__user", "supervisor__user")
        .first()
    )


def arrangements(membership: Membership) -> QuerySet[Supervision]:
    """Who supervises whom, for the coordinator: names and dates, never notes."""
    return (
        Supervision.objects.filter(
            organisation_id=membership.organisation_id, ended_on__isnull=True
        )
        .select_related("supervisee__user", "supervisor__user")
        .order_by("supervisor__user__first_name", "supervisee__user__first_name", "pk")
    )


def supervision_notes(
    membership: Membership, supervision: Supervision
) -> QuerySet[SupervisionNote]:
    """The notes of a supervision that this membership may read: its two people, no one else."""
    notes: SphereQuerySet = SupervisionNote.objects.scoped()
    return notes.filter(supervision_notes_q(membership), session__supervision=supervision)


def next_due(supervision: Supervision) -> date:
    """When the next session is due: `every_weeks` after the last held (or the start)."""
    held = [s.held_on for s in supervision.sessions.all() if s.held_on is not None]
    return max([supervision.started_on, *held]) + timedelta(weeks=supervision.every_weeks)


def _last_held() -> Subquery:
    return Subquery(
        SupervisionSession.objects.filter(supervision_id=OuterRef("pk"), held_on__isnull=False)
        .order_by("-held_on")
        .values("held_on")[:1]
    )


def _workers(organisation_id: int, team_id: int | None, on: date) -> QuerySet[Membership]:
    """The workers the scorecard counts: active supporters, volunteers and coordinators."""
    workers = Membership.objects.active(today=on).filter(
        organisation_id=organisation_id, role__in=sorted(WORKER_ROLES)
    )
    return workers.filter(team_id=team_id) if team_id is not None else workers


def core_training(organisation_id: int, team_id: int | None, on: date) -> tuple[int, int] | None:
    """(workers, of whom in date on `on` for every core course), or None when the organisation
    has marked no course as core. Two numbers, never who. Three queries."""
    core = set(
        Course.objects.filter(organisation_id=organisation_id, is_core=True).values_list(
            "pk", flat=True
        )
    )
    if not core:
        return None
    workers = _workers(organisation_id, team_id, on)
    held: dict[int, set[int]] = {}
    for membership_id, course_id in (
        Completion.objects.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on),
            membership__in=workers,
            course_id__in=core,
            completed_on__lte=on,
        )
        .values_list("membership_id", "course_id")
        .distinct()
    ):
        held.setdefault(membership_id, set()).add(course_id)
    return workers.count(), sum(1 for courses in held.values() if courses >= core)


def kept_up(organisation_id: int, on: date, team_id: int | None = None) -> tuple[int, int]:
    """(workers, of whom with supervision kept up on `on`: a supervision in force with a session
    held within its `every_weeks` weeks, or started less than that ago). A worker with no
    supervision counts as not kept up. Two numbers, never who."""
    workers = _workers(organisation_id, team_id, on)
    rows = (
        Supervision.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
            organisation_id=organisation_id,
            started_on__lte=on,
            supervisee__in=workers,
        )
        .annotate(last_held=_last_held())
        .values_list("started_on", "last_held", "every_weeks")
    )
    kept = 0
    for started_on, last_held, every_weeks in rows:
        since = max(started_on, last_held) if last_held else started_on
        kept += since + timedelta(weeks=every_weeks) >= on
    return workers.count(), kept


def overdue_count(organisation_id: int, on: date) -> int:
    """Supervisions in force whose next session is overdue on `on`: a count, never who."""
    rows = (
        Supervision.objects.filter(
            organisation_id=organisation_id,
            ended_on__isnull=True,
            started_on__lte=on,
            supervisee__in=Membership.objects.active(today=on),
        )
        .annotate(last_held=_last_held())
        .values_list("started_on", "last_held", "every_weeks")
    )
    return sum(
        1
        for started_on, last_held, every_weeks in rows
        if max(started_on, last_held or started_on) + timedelta(weeks=every_weeks) < on
    )
