"""Writes for spaces: each in one transaction with its audit event (ids and field names only).

Access is decided by the views (`permissions.py`); these functions check what must hold for the
data to make sense (same organisation, a venue or a link, a session that has happened).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership, Team
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import ContactPreference, Person
from alongside.spaces.models import (
    Attendance,
    DoorWelcome,
    Invitation,
    LapsePrompt,
    Session,
    SessionPattern,
    Space,
    StoppingReason,
    Tie,
    TieCount,
    TieKind,
)
from alongside.spaces.recurrence import MAX_PATTERN_DAYS, pattern_dates
from alongside.visibility.roles import WORKER_ROLES

SPACE_FIELDS = ("name", "about", "access", "venue", "online_link", "host", "team", "is_active")
LAPSE_TEXT = "Someone who comes to {space} regularly has missed the last two sessions."


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
        and not Membership.objects.filter(
            organisation_id=organisation_id, user=host, role__in=WORKER_ROLES, left_on__isnull=True
        ).exists()
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
        raise ValidationError({"ends_at": "The end must be after the start."})


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
        raise ValidationError({"every_weeks": "Choose every 1 to 8 weeks."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last date must be on or after the first."})
    if (ends_on - starts_on).days > MAX_PATTERN_DAYS:
        raise ValidationError({"ends_on": "Plan at most a year ahead; add more later."})
    dates = pattern_dates(
        weekday=weekday, every_weeks=every_weeks, starts_on=starts_on, ends_on=ends_on
    )
    if not dates:
        raise ValidationError({"ends_on": "No such day falls between these dates."})
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
        raise ValidationError({"on": "There is already a session at that time."}) from error
    return session


def cancel_session(session: Session, *, by: Membership) -> Session:
    """Cancel a session nobody has been marked at. Side effects: saves it, one audit event."""
    if session.is_cancelled:
        return session
    if Attendance.objects.filter(session=session).exists():
        raise ValidationError("People were marked here at this session, so it cannot be cancelled.")
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


# --- the register -------------------------------------------------------------------------------


def _check_markable(session: Session, person: Person, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if person.organisation_id != session.organisation_id:
        raise ValidationError("This person is not in this organisation.")
    if session.is_cancelled:
        raise ValidationError("This session was cancelled.")
    if session.on > today:
        raise ValidationError("This session has not happened yet.")


def mark_present(
    session: Session, person: Person, *, by: Membership, today: date | None = None
) -> tuple[Attendance, bool]:
    """Mark someone present: one tap, idempotent, safe when two hosts tap at once.

    Returns the attendance and whether this call created it. The unique constraint on (session,
    person) decides a race: the second insert fails inside its savepoint, and the row the first
    one committed is returned. Side effects: at most one Attendance, one audit event when new.
    """
    _check_markable(session, person, today=today)
    try:
        with transaction.atomic():
            attendance, created = Attendance.objects.get_or_create(
                session=session,
                person=person,
                defaults={
                    "organisation_id": session.organisation_id,
                    "space_id": session.space_id,
                    "on": session.on,
                    "marked_by": by.user,
                },
            )
            if created:
                record(
                    attendance,
                    action=actions.SPACES_ATTENDANCE_MARKED,
                    by=by,
                    summary={"session": session.pk},
                )
    except IntegrityError:
        # Another host marked them between our read and our insert: their row stands.
        return Attendance.objects.get(session=session, person=person), False
    return attendance, created


def mark_absent(session: Session, person: Person, *, by: Membership) -> bool:
    """Undo a mark made by mistake. Returns whether there was one. Side effects: one audit event."""
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update().filter(session=session, person=person).first()
        )
        if attendance is None:
            return False
        record(
            attendance,
            action=actions.SPACES_ATTENDANCE_UNMARKED,
            by=by,
            summary={"session": session.pk},
        )
        attendance.delete()
    return True


def _welcome_team(session: Session, by: Membership) -> Team:
    if session.space.team_id is not None:
        return session.space.team  # type: ignore[return-value]
    if by.team_id is not None:
        return by.team  # type: ignore[return-value]
    team = Team.objects.filter(organisation_id=session.organisation_id).order_by("name").first()
    if team is None:
        raise ValidationError("Your organisation has no team to add people to yet.")
    return team


def welcome_at_door(
    session: Session,
    *,
    by: Membership,
    given_name: str,
    contact_details: str = "",
    today: date | None = None,
) -> Person:
    """Someone new at the door: a first name (and a way to reach them, if they like), nothing else.

    Creates a minimal Person in the space's team (else the welcomer's, else the organisation's
    first), flags them as welcomed at the door, and marks them present, all or nothing.
    Side effects: one Person, one DoorWelcome, one Attendance, three audit events.
    """
    from alongside.people.services import create_person

    if session.is_cancelled or session.on > (today or timezone.localdate()):
        raise ValidationError("Welcome people at a session that is happening.")
    if not given_name.strip():
        raise ValidationError({"given_name": "Enter their first name."})
    with transaction.atomic():
        person = create_person(
            by=by,
            team=_welcome_team(session, by),
            given_name=given_name,
            contact_details=contact_details.strip(),
            contact_preference=ContactPreference.PHONE
            if contact_details.strip()
            else ContactPreference.IN_PERSON,
        )
        welcome = DoorWelcome.objects.create(
            organisation_id=session.organisation_id,
            person=person,
            space_id=session.space_id,
            session=session,
            welcomed_by=by.user,
        )
        record(
            welcome,
            action=actions.SPACES_PERSON_WELCOMED_AT_DOOR,
            by=by,
            summary={"session": session.pk},
        )
        mark_present(session, person, by=by, today=today)
    return person


def close_register(session: Session, *, by: Membership) -> Session:
    """The register is taken. After the commit, the lapse check for the space is queued
    (`tasks.check_space_lapses`). Side effects: saves the session, one audit event, one task."""
    if session.is_cancelled:
        raise ValidationError("This session was cancelled.")
    if session.on > timezone.localdate():
        raise ValidationError("This session has not happened yet.")
    with transaction.atomic():
        if session.register_closed_at is None:
            session.register_closed_at = timezone.now()
            session.register_closed_by = by.user
            session.save(update_fields=["register_closed_at", "register_closed_by"])
            record(
                session,
                action=actions.SPACES_SESSION_REGISTER_CLOSED,
                by=by,
                summary={"space": session.space_id},
            )
        from alongside.spaces.tasks import check_space_lapses

        space_id = session.space_id
        transaction.on_commit(lambda: check_space_lapses.enqueue(space_id))
    return session


def invite(space: Space, person: Person, *, by: Membership) -> tuple[Invitation, bool]:
    """Invite someone to a space (they will be expected at its register)."""
    if person.organisation_id != space.organisation_id:
        raise ValidationError("This person is not in this organisation.")
    with transaction.atomic():
        invitation, created = Invitation.objects.get_or_create(
            space=space,
            person=person,
            defaults={"organisation_id": space.organisation_id, "invited_by": by.user},
        )
        if created:
            record(
                invitation,
                action=actions.SPACES_INVITATION_CREATED,
                by=by,
                summary={"space": space.pk},
            )
    return invitation, created


# --- sustained engagement: the lapse check ------------------------------------------------------


def _recipient(person: Person, space: Space) -> tuple[User | None, bool]:
    """Whom to tell: the named worker (True), else the host (False). Never a manager as such."""
    from alongside.relationships.models import NamedWorkerSpell

    active = Membership.objects.filter(
        organisation_id=person.organisation_id, left_on__isnull=True, role__in=WORKER_ROLES
    )
    spell = (
        NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True)
        .select_related("worker")
        .first()
    )
    if spell is not None and active.filter(user_id=spell.worker_id).exists():
        return spell.worker, True
    if space.host_id is not None and active.filter(user_id=space.host_id).exists():
        return space.host, False
    return None, False


def check_lapses(space: Space, *, today: date | None = None) -> list[LapsePrompt]:
    """Tell the person someone trusts when they came regularly and then stopped (see
    `regularity.py` for the rule). Once per lapse: a lapse is named by the last session they came
    to. Nobody is told when a reason for stopping was recorded since, or when there is neither a
    named worker nor a host. Side effects: per lapse, one LapsePrompt, one Notification (no
    name, no support words), one audit event.
    """
    from alongside.access.services import notify
    from alongside.spaces.queries import held_sessions, reason_recorded_since
    from alongside.spaces.regularity import (
        MISSED,
        REGULAR_OF,
        last_attended_index,
        stopped_after_coming_regularly,
    )

    today = today or timezone.localdate()
    held = held_sessions(space.pk, today=today)
    window = held[-(REGULAR_OF + MISSED) :]
    if len(window) < REGULAR_OF + MISSED:
        return []
    came: dict[int, set[int]] = {}
    for person_id, session_id in Attendance.objects.filter(
        space=space, session_id__in=[pk for pk, _ in window]
    ).values_list("person_id", "session_id"):
        came.setdefault(person_id, set()).add(session_id)
    prompts = []
    for person in Person.objects.filter(pk__in=list(came), organisation_id=space.organisation_id):
        pattern = [pk in came[person.pk] for pk, _ in window]
        if not stopped_after_coming_regularly(pattern):
            continue
        index = last_attended_index(pattern)
        assert index is not None  # they came to at least three of the window
        last_id, last_on = window[index]
        if LapsePrompt.objects.filter(
            person=person, space=space, last_attended_id=last_id
        ).exists():
            continue
        if reason_recorded_since(person.pk, space.pk, last_on):
            continue
        recipient, is_named_worker = _recipient(person, space)
        if recipient is None:
            continue
        url = (
            reverse("spaces_person", args=[person.pk])
            if is_named_worker
            else reverse("spaces_space", args=[space.pk])
        )
        try:
            with transaction.atomic():
                prompt = LapsePrompt.objects.create(
                    organisation_id=space.organisation_id,
                    person=person,
                    space=space,
                    last_attended_id=last_id,
                    sent_to=recipient,
                )
                notify(
                    [recipient],
                    organisation_id=space.organisation_id,
                    text=LAPSE_TEXT.format(space=space.name),
                    url=url,
                )
                record(
                    prompt,
                    action=actions.SPACES_LAPSE_PROMPTED,
                    by=None,
                    summary={"space": space.pk, "to": recipient.pk},
                )
        except IntegrityError:
            continue  # another check prompted this lapse at the same moment
        prompts.append(prompt)
    return prompts


# --- support sphere -----------------------------------------------------------------------------


def record_stopping_reason(
    person: Person,
    *,
    by: Membership,
    reason: str,
    space: Space | None = None,
    in_their_words: str = "",
) -> StoppingReason:
    """Why they stopped coming, when they say. Support sphere: the words stay out of the audit."""
    if reason not in StoppingReason.Reason.values:
        raise ValidationError({"reason": "Choose why they stopped."})
    if space is not None and space.organisation_id != person.organisation_id:
        raise ValidationError({"space": "Choose one of your organisation's spaces."})
    if reason == StoppingReason.Reason.OTHER and not in_their_words.strip():
        raise ValidationError({"in_their_words": "Say what it was, in their words."})
    with transaction.atomic():
        stopping = StoppingReason.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            space=space,
            reason=reason,
            in_their_words=in_their_words.strip(),
            author=by.user,
        )
        record(
            stopping,
            action=actions.SPACES_STOPPING_REASON_RECORDED,
            by=by,
            summary={"space": space.pk if space else None},
        )
    return stopping  # type: ignore[no-any-return]


def record_ties(
    person: Person,
    *,
    by: Membership,
    added: Sequence[tuple[str, str]] = (),
    ended: Iterable[int] = (),
    on: date | None = None,
) -> TieCount:
    """Record, with the person, who they can turn to now: new ties, ties no longer there, and the
    count of each kind that results (the outcome over time; a recording with no change is a count
    too). Only ties the recorder may see can be ended. Side effects: Tie rows, one TieCount, one
    audit event (numbers only)."""
    from alongside.spaces.queries import open_tie_counts, ties_visible_to

    on = on or timezone.localdate()
    errors = []
    for kind, description in added:
        if kind not in TieKind.values:
            errors.append("Choose the kind of tie.")
        if not description.strip():
            errors.append("Say who, in their words.")
        if len(description.strip()) > 300:
            errors.append("Keep each description under 300 characters.")
    if errors:
        raise ValidationError({"description": sorted(set(errors))})
    ended_ids = sorted(set(ended))
    with transaction.atomic():
        if ended_ids:
            ending = ties_visible_to(by).filter(
                person=person, pk__in=ended_ids, ended_on__isnull=True
            )
            if ending.count() != len(ended_ids):
                raise ValidationError("Some of those ties are not there to end.")
            ending.update(ended_on=on)
        Tie.objects.bulk_create(
            [
                Tie(
                    organisation_id=person.organisation_id,
                    person=person,
                    kind=kind,
                    description=description.strip(),
                    recorded_on=on,
                    author=by.user,
                )
                for kind, description in added
            ]
        )
        counts = open_tie_counts(person.pk)
        count = TieCount.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            team_id=person.team_id,
            counted_on=on,
            author=by.user,
            **counts,
        )
        record(
            count,
            action=actions.SPACES_TIES_RECORDED,
            by=by,
            summary={"added": len(added), "ended": len(ended_ids), **counts},
        )
    return count  # type: ignore[no-any-return]
