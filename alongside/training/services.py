"""Writes for training and supervision, each in one transaction with its audit event, and the
audited read of supervision notes (`read_supervision_notes`). The expiry reminders the daily
task sends are in `reminders.py` (the task imports them; adding a course starts the task)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.training import queries
from alongside.training.models import (
    Completion,
    Course,
    Requirement,
    Supervision,
    SupervisionNote,
    SupervisionSession,
)
from alongside.training.tasks import queue_training_reminders


def add_course(
    organisation: Organisation,
    *,
    by: Membership,
    name: str,
    provider: str = "",
    valid_for_months: int | None,
    is_core: bool = False,
    roles: Iterable[str] = (),
    activities: Iterable[str] = (),
) -> Course:
    """A new course and what requires it. Raises ValidationError (on `name`) for a name in use."""
    name = name.strip()
    with transaction.atomic():
        if Course.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise ValidationError({"name": "There is already a course with this name."})
        course = Course.objects.create(
            organisation=organisation,
            name=name,
            provider=provider.strip(),
            valid_for_months=valid_for_months,
            is_core=is_core,
        )
        Requirement.objects.bulk_create(
            [Requirement(organisation=organisation, course=course, role=r) for r in roles]
            + [
                Requirement(organisation=organisation, course=course, activity=a)
                for a in activities
            ]
        )
        transaction.on_commit(queue_training_reminders)  # the daily reminders start
        record(
            course,
            action=actions.TRAINING_COURSE_ADDED,
            by=by,
            summary={
                "course": course.pk,
                "valid_for_months": valid_for_months,
                "roles": sorted(roles),
                "activities": sorted(activities),
            },
        )
    return course


def record_completions(
    members: Sequence[Membership],
    course: Course,
    *,
    by: Membership,
    completed_on: date,
    evidence: str = "",
) -> list[Completion]:
    """Each member completed `course` on `completed_on` (one, or a whole session's attendees):
    all recorded or none. Raises ValidationError naming who already has it recorded that day."""
    if not members:
        raise ValidationError({"members": "Choose at least one person."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The day it was completed cannot be in the future."})
    if any(m.organisation_id != by.organisation_id for m in members) or (
        course.organisation_id != by.organisation_id
    ):
        raise ValidationError("Choose people and a course from your organisation.")
    already = set(
        Completion.objects.filter(
            membership__in=members, course=course, completed_on=completed_on
        ).values_list("membership_id", flat=True)
    )
    if already:
        names = ", ".join(
            sorted(m.user.get_full_name() or m.user.username for m in members if m.pk in already)
        )
        raise ValidationError(
            {"members": f"Already recorded for {names} on that day: nothing was saved."}
        )
    expires_on = course.expiry_for(completed_on)
    try:
        with transaction.atomic():
            completions = Completion.objects.bulk_create(
                [
                    Completion(
                        organisation_id=by.organisation_id,
                        membership=member,
                        course=course,
                        completed_on=completed_on,
                        expires_on=expires_on,
                        evidence=evidence.strip(),
                        recorded_by=by.user,
                    )
                    for member in members
                ]
            )
            for completion in completions:
                record(
                    completion,
                    action=actions.TRAINING_COMPLETION_RECORDED,
                    by=by,
                    summary={
                        "course": course.pk,
                        "membership": completion.membership_id,
                        "completed_on": completed_on.isoformat(),
                    },
                )
    except IntegrityError:  # recorded at the same moment by someone else
        raise ValidationError(
            {"members": "Someone recorded this at the same time: nothing was saved."}
        ) from None
    return completions


# Supervision ------------------------------------------------------------------------------------


def arrange_supervision(
    supervisee: Membership,
    supervisor: Membership,
    *,
    by: Membership,
    every_weeks: int,
    started_on: date,
) -> Supervision:
    """`supervisor` supervises `supervisee` every `every_weeks` weeks from `started_on`; any
    supervision in force for them ends that day (its notes stay with its own two people)."""
    if supervisee.pk == supervisor.pk:
        raise ValidationError({"supervisor": "Someone cannot supervise themselves."})
    if supervisor.role == Role.FUNDER_VIEWER:
        raise ValidationError({"supervisor": "Choose a worker to supervise."})
    if {supervisee.organisation_id, supervisor.organisation_id} != {by.organisation_id}:
        raise ValidationError("Choose people from your organisation.")
    if not 1 <= every_weeks <= 52:
        raise ValidationError({"every_weeks": "Every 1 to 52 weeks."})
    with transaction.atomic():
        current = (
            Supervision.objects.select_for_update()
            .filter(supervisee=supervisee, ended_on__isnull=True)
            .first()
        )
        if current is not None:
            current.ended_on = started_on
            current.save(update_fields=["ended_on"])
            record(current, action=actions.TRAINING_SUPERVISION_ENDED, by=by)
        supervision = Supervision.objects.create(
            organisation_id=by.organisation_id,
            supervisee=supervisee,
            supervisor=supervisor,
            every_weeks=every_weeks,
            started_on=started_on,
        )
        record(
            supervision,
            action=actions.TRAINING_SUPERVISION_ARRANGED,
            by=by,
            summary={
                "supervisee": supervisee.pk,
                "supervisor": supervisor.pk,
                "every_weeks": every_weeks,
            },
        )
    return supervision


def plan_session(
    supervision: Supervision, *, by: Membership, planned_for: date
) -> SupervisionSession:
    """The supervisor plans the next session."""
    _must_be_supervisor(supervision, by)
    with transaction.atomic():
        session = SupervisionSession.objects.create(
            supervision=supervision, planned_for=planned_for
        )
        record(
            session,
            action=actions.TRAINING_SUPERVISION_SESSION_PLANNED,
            by=by,
            organisation_id=supervision.organisation_id,
            summary={"supervision": supervision.pk, "planned_for": planned_for.isoformat()},
        )
    return session


def record_session(
    supervision: Supervision,
    *,
    by: Membership,
    held_on: date,
    notes: str,
    session: SupervisionSession | None = None,
) -> SupervisionSession:
    """The supervisor records a session as held (a planned one, or one not planned), with the
    notes in the supervision sphere. The audit event holds ids and the day, never the notes."""
    _must_be_supervisor(supervision, by)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The day it was held cannot be in the future."})
    if not notes.strip():
        raise ValidationError({"notes": "Write what was talked through, even briefly."})
    with transaction.atomic():
        if session is None:
            session = SupervisionSession(supervision=supervision, planned_for=held_on)
        elif session.supervision_id != supervision.pk or session.held_on is not None:
            raise ValidationError("This session is already recorded.")
        session.held_on = held_on
        session.recorded_at = timezone.now()
        session.save()
        SupervisionNote.objects.create(session=session, text=notes.strip(), written_by=by.user)
        record(
            session,
            action=actions.TRAINING_SUPERVISION_SESSION_RECORDED,
            by=by,
            organisation_id=supervision.organisation_id,
            summary={"supervision": supervision.pk, "held_on": held_on.isoformat()},
        )
    return session


def _must_be_supervisor(supervision: Supervision, by: Membership) -> None:
    if supervision.supervisor_id != by.pk or supervision.ended_on is not None:
        raise ValidationError("Only the supervisor records this supervision's sessions.")


@dataclass(frozen=True)
class SessionWithNote:
    session: SupervisionSession
    note: SupervisionNote | None


def read_supervision_notes(
    membership: Membership, supervision: Supervision
) -> list[SessionWithNote]:
    """A supervision's sessions with their notes, for its supervisee or supervisor only (no one
    else gets a note, whatever their role); the read is audited (note ids, never words)."""
    notes = {note.session_id: note for note in queries.supervision_notes(membership, supervision)}
    record_read(
        SupervisionNote,
        sorted(note.pk for note in notes.values()),
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=None,
    )
    return [
        SessionWithNote(session, notes.get(session.pk)) for session in supervision.sessions.all()
    ]
