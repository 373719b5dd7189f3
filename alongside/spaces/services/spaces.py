"""Spaces and their sessions: creating and changing a space, a recurring pattern of sessions,
one-off sessions and cancelling one. Each write in one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.spaces.models import (
    Attendance,
    Session,
    SessionPattern,
    Space,
)
from alongside.spaces.recurrence import MAX_PATTERN_DAYS, pattern_dates
from alongside.visibility.roles import WORKER_ROLES

SPACE_FIELDS = ("name", "about", "access", "venue", "online_link", "host", "team", "is_active")


# --- spaces -------------------------------------------------------------------------------------


def _check_space_fields(organisation_id: int, fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(fields.get("name", "x")).strip():
        errors["name"] = "Give the space a name."
    venue = str(fields.get("venue") or "").strip()
    link = str(fields.get("online_link") or "").strip()
    if not venue and not link:
        errors["venue"] = "Say where it meets, or give an online link, or both."
    team = fields.get("team")
    if team is not None and team.organisation_id != organisation_id:
        errors["team"] = "Choose one of your organisation's teams."
    host = fields.get("host")
    if (
        host is not None
        and not Membership.objects.active()
        .filter(
            organisation_id=organisation_id,
            user=host,
            role__in=WORKER_ROLES,
        )
        .exists()
    ):
        errors["host"] = "The host must be a worker or volunteer here."
    if errors:
        raise ValidationError(errors)


def create_space(*, by: Membership, **fields: Any) -> Space:
    """A new space in the organisation of `by`. Side effects: one Space, one audit event."""
    unknown = set(fields) - set(SPACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown space fields: {sorted(unknown)}")
    fields.setdefault("venue", "")
    fields.setdefault("online_link", "")
    _check_space_fields(by.organisation_id, fields)
    with transaction.atomic():
        space = Space.objects.create(organisation_id=by.organisation_id, **fields)
        record(
            space,
            action=actions.SPACES_SPACE_CREATED,
            by=by,
            summary={"team": space.team_id, "host": space.host_id},
        )
    return space


def change_space(space: Space, *, by: Membership, **fields: Any) -> Space:
    """Change a space. Side effects: saves it, one audit event naming the changed fields."""
    unknown = set(fields) - set(SPACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown space fields: {sorted(unknown)}")
    merged = {name: getattr(space, name) for name in SPACE_FIELDS} | fields
    _check_space_fields(space.organisation_id, merged)
    changed = sorted(name for name, value in fields.items() if getattr(space, name) != value)
    if not changed:
        return space
    with transaction.atomic():
        for name in changed:
            setattr(space, name, fields[name])
        space.save()
        record(space, action=actions.SPACES_SPACE_CHANGED, by=by, summary={"fields": changed})
    return space


# --- sessions -----------------------------------------------------------------------------------


def _check_times(starts_at: time, ends_at: time) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})


def add_pattern(
    space: Space,
    *,
    by: Membership,
    weekday: int,
    starts_at: time,
    ends_at: time,
    every_weeks: int,
    starts_on: date,
    ends_on: date,
) -> tuple[SessionPattern, int]:
    """Sessions that repeat, and the sessions themselves, generated at once.

    Dates that already have a session at that time are left as they are. Returns the pattern and
    how many sessions were added. Side effects: one SessionPattern, its Sessions, one audit event.
    """
    _check_times(starts_at, ends_at)
    if not 1 <= every_weeks <= 8:
        raise ValidationError({"every_weeks": _("Choose every 1 to 8 weeks.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last date must be on or after the first.")})
    if (ends_on - starts_on).days > MAX_PATTERN_DAYS:
        raise ValidationError({"ends_on": _("Plan at most a year ahead; add more later.")})
    dates = pattern_dates(
        weekday=weekday, every_weeks=every_weeks, starts_on=starts_on, ends_on=ends_on
    )
    if not dates:
        raise ValidationError({"ends_on": _("No such day falls between these dates.")})
    with transaction.atomic():
        pattern = SessionPattern.objects.create(
            organisation_id=space.organisation_id,
            space=space,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            every_weeks=every_weeks,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by.user,
        )
        taken = set(
            Session.objects.filter(space=space, on__in=dates, starts_at=starts_at).values_list(
                "on", flat=True
            )
        )
        sessions = Session.objects.bulk_create(
            [
                Session(
                    organisation_id=space.organisation_id,
                    space=space,
                    pattern=pattern,
                    on=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    created_by=by.user,
                )
                for day in dates
                if day not in taken
            ]
        )
        record(
            pattern,
            action=actions.SPACES_PATTERN_CREATED,
            by=by,
            summary={"space": space.pk, "sessions": len(sessions)},
        )
    return pattern, len(sessions)


def add_session(
    space: Space, *, by: Membership, on: date, starts_at: time, ends_at: time
) -> Session:
    """One extra session. Side effects: one Session, one audit event."""
    _check_times(starts_at, ends_at)
    try:
        with transaction.atomic():
            session = Session.objects.create(
                organisation_id=space.organisation_id,
                space=space,
                on=on,
                starts_at=starts_at,
                ends_at=ends_at,
                created_by=by.user,
            )
            record(session, action=actions.SPACES_SESSION_ADDED, by=by, summary={"space": space.pk})
    except IntegrityError as error:
        raise ValidationError({"on": _("There is already a session at that time.")}) from error
    return session


def cancel_session(session: Session, *, by: Membership) -> Session:
    """Cancel a session nobody has been marked at. Side effects: saves it, one audit event."""
    if session.is_cancelled:
        return session
    if Attendance.objects.filter(session=session).exists():
        raise ValidationError(
            _("People were marked here at this session, so it cannot be cancelled.")
        )
    with transaction.atomic():
        session.cancelled_at = timezone.now()
        session.cancelled_by = by.user
        session.save(update_fields=["cancelled_at", "cancelled_by"])
        record(
            session,
            action=actions.SPACES_SESSION_CANCELLED,
            by=by,
            summary={"space": session.space_id},
        )
    return session


@dataclass(frozen=True)
class Reschedule:
    """What making a space's recurring sessions those of a new pattern would do (`reschedule`):
    the dates to add, the sessions to cancel, the sessions kept although the new pattern no
    longer has them (someone was marked at them, or their register was closed), and the dates
    the pattern has whose slot holds a cancelled session (left cancelled)."""

    add: tuple[date, ...]
    cancel: tuple[int, ...]
    kept: int
    left_cancelled: int

    @property
    def changes(self) -> bool:
        return bool(self.add or self.cancel)


def plan_reschedule(space: Space, *, dates: list[date], starts_at: time) -> Reschedule:
    """What `reschedule` would do, writing nothing. A session is matched by its date and start
    time (an end time that differs is not changed). Only sessions made from the space's patterns
    are cancelled: one added by hand stays, as does one with a register."""
    wanted = {(day, starts_at) for day in dates}
    sessions = list(
        Session.objects.filter(space=space).values_list(
            "pk", "on", "starts_at", "cancelled_at", "pattern_id", "register_closed_at"
        )
    )
    marked = set(
        Attendance.objects.filter(session__space=space).values_list("session_id", flat=True)
    )
    cancelled = {(on, start) for _, on, start, gone, _, _ in sessions if gone}
    slots = {(on, start) for _, on, start, _, _, _ in sessions}
    cancel, kept = [], 0
    for pk, on, start, gone, pattern_id, closed in sessions:
        if gone or pattern_id is None or (on, start) in wanted:
            continue
        if pk in marked or closed:
            kept += 1
        else:
            cancel.append(pk)
    return Reschedule(
        add=tuple(day for day in dates if (day, starts_at) not in slots),
        cancel=tuple(cancel),
        kept=kept,
        left_cancelled=len(wanted & cancelled),
    )


def reschedule(
    space: Space,
    *,
    by: Membership,
    pieces: list[tuple[date, date]],
    weekday: int,
    starts_at: time,
    ends_at: time,
    every_weeks: int,
) -> Reschedule:
    """Make the space's recurring sessions those of a new pattern (an updated import file, by
    external id): the sessions it lacks are added (`add_pattern`, one pattern per piece of at
    most a year), and the sessions of its earlier patterns that the new one no longer has are
    cancelled (`cancel_session`) unless they have a register. Earlier patterns whose sessions
    are now all cancelled are deleted, so the directory and matching show the new times only.
    Side effects: patterns, sessions and their audit events, in one transaction."""
    dates = [
        day
        for first, last in pieces
        for day in pattern_dates(
            weekday=weekday, every_weeks=every_weeks, starts_on=first, ends_on=last
        )
    ]
    plan = plan_reschedule(space, dates=dates, starts_at=starts_at)
    with transaction.atomic():
        earlier = list(SessionPattern.objects.filter(space=space).values_list("pk", flat=True))
        for session in Session.objects.filter(pk__in=plan.cancel):
            cancel_session(session, by=by)
        for first, last in pieces:
            if any(first <= day <= last for day in plan.add):
                add_pattern(
                    space, by=by, weekday=weekday, starts_at=starts_at, ends_at=ends_at,
                    every_weeks=every_weeks, starts_on=first, ends_on=last,
                )  # fmt: skip
        SessionPattern.objects.filter(pk__in=earlier).exclude(
            sessions__cancelled_at__isnull=True
        ).delete()
    return plan
