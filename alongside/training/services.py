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
    Removal,
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


MAX_REASON = 300


def _reason(reason: str) -> str:
    """A removal's reason, or a ValidationError on `reason` in plain words."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why it is being removed, such as who it was really for."}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason to {MAX_REASON} characters or fewer."})
    return reason


def _must_manage(by: Membership, organisation_id: int) -> None:
    if not queries.manages_training(by) or by.organisation_id != organisation_id:
        raise ValidationError(
            "Only a coordinator of this organisation can change training records."
        )


def change_course(
    course: Course,
    *,
    by: Membership,
    name: str,
    provider: str = "",
    valid_for_months: int | None,
    is_core: bool = False,
    roles: Iterable[str] = (),
    activities: Iterable[str] = (),
    recalculate: bool = False,
) -> Course:
    """Correct a course and what requires it. Completions already recorded keep the day they run
    out (decision 0074) unless `recalculate`: then each is worked out again from the new validity
    (and its reminders may be sent again). Side effects: the course, its requirements replaced,
    maybe its completions' expiry, one audit event naming the fields changed."""
    _must_manage(by, course.organisation_id)
    name = name.strip()
    roles, activities = sorted(set(roles)), sorted(set(activities))
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if (
            Course.objects.filter(organisation_id=course.organisation_id, name__iexact=name)
            .exclude(pk=course.pk)
            .exists()
        ):
            raise ValidationError({"name": "There is already a course with this name."})
        before = {
            "name": course.name,
            "provider": course.provider,
            "valid_for_months": course.valid_for_months,
            "is_core": course.is_core,
            "roles": sorted(r.role for r in course.requirements.all() if r.role),
            "activities": sorted(r.activity for r in course.requirements.all() if r.activity),
        }
        after = {
            "name": name,
            "provider": provider.strip(),
            "valid_for_months": valid_for_months,
            "is_core": is_core,
            "roles": roles,
            "activities": activities,
        }
        changed = sorted(key for key in after if after[key] != before[key])
        course.name, course.provider = name, provider.strip()
        course.valid_for_months, course.is_core = valid_for_months, is_core
        course.save()
        if "roles" in changed or "activities" in changed:
            course.requirements.all().delete()
            Requirement.objects.bulk_create(
                [
                    Requirement(organisation_id=course.organisation_id, course=course, role=r)
                    for r in roles
                ]
                + [
                    Requirement(organisation_id=course.organisation_id, course=course, activity=a)
                    for a in activities
                ]
            )
        moved = 0
        if recalculate:
            for completion in Completion.objects.select_for_update().filter(course=course):
                expires_on = course.expiry_for(completion.completed_on)
                if expires_on != completion.expires_on:
                    completion.expires_on = expires_on
                    completion.save(update_fields=["expires_on"])
                    completion.reminders.all().delete()  # a new day: remind again before it
                    moved += 1
        record(
            course,
            action=actions.TRAINING_COURSE_CHANGED,
            by=by,
            summary={"course": course.pk, "changed": changed, "expiry_worked_out_again": moved},
        )
    return course


def remove_course(course: Course, *, by: Membership, reason: str) -> None:
    """Remove a course added in error, saying why. Refused while completions of it are recorded
    (remove those first, each with its reason). Side effects: the course and its requirements
    deleted, a Removal with the reason, one audit event (ids only)."""
    _must_manage(by, course.organisation_id)
    reason = _reason(reason)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        count = course.completions.count()
        if count:
            raise ValidationError(
                {
                    "reason": (
                        "1 completion of this course is recorded"
                        if count == 1
                        else f"{count} completions of this course are recorded"
                    )
                    + ": remove those first if they were recorded in error, or keep the course."
                }
            )
        Removal.objects.create(
            organisation_id=course.organisation_id,
            course_name=course.name,
            reason=reason,
            removed_by=by.user,
        )
        record(course, action=actions.TRAINING_COURSE_REMOVED, by=by, summary={"course": course.pk})
        course.delete()


def change_completion(
    completion: Completion,
    *,
    by: Membership,
    course: Course,
    completed_on: date,
    evidence: str = "",
) -> Completion:
    """Correct a completion: its course, the day or the evidence. The day it runs out is worked
    out again from the course; if it moves, its reminders may be sent again. Side effects: the
    completion, one audit event naming the fields changed."""
    _must_manage(by, completion.organisation_id)
    if course.organisation_id != completion.organisation_id:
        raise ValidationError({"course": "Choose a course from your organisation."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The day it was completed cannot be in the future."})
    with transaction.atomic():
        completion = Completion.objects.select_for_update().get(pk=completion.pk)
        if (
            Completion.objects.filter(
                membership_id=completion.membership_id, course=course, completed_on=completed_on
            )
            .exclude(pk=completion.pk)
            .exists()
        ):
            raise ValidationError(
                {"completed_on": "This course is already recorded for them on that day."}
            )
        expires_on = course.expiry_for(completed_on)
        changed = sorted(
            name
            for name, old, new in (
                ("course", completion.course_id, course.pk),
                ("completed_on", completion.completed_on, completed_on),
                ("evidence", completion.evidence, evidence.strip()),
            )
            if old != new
        )
        if expires_on != completion.expires_on:
            completion.reminders.all().delete()  # a new day: remind again before it
        completion.course, completion.completed_on = course, completed_on
        completion.expires_on, completion.evidence = expires_on, evidence.strip()
        completion.save()
        record(
            completion,
            action=actions.TRAINING_COMPLETION_CHANGED,
            by=by,
            summary={
                "course": course.pk,
                "membership": completion.membership_id,
                "changed": changed,
            },
        )
    return completion


def remove_completion(completion: Completion, *, by: Membership, reason: str) -> None:
    """Remove a completion recorded in error, saying why. Side effects: the completion (and its
    reminders) deleted, a Removal with what it was and why, one audit event (ids and the day)."""
    _must_manage(by, completion.organisation_id)
    reason = _reason(reason)
    with transaction.atomic():
        completion = (
            Completion.objects.select_for_update().select_related("course").get(pk=completion.pk)
        )
        Removal.objects.create(
            organisation_id=completion.organisation_id,
            course_name=completion.course.name,
            membership_id=completion.membership_id,
            completed_on=completion.completed_on,
            reason=reason,
            removed_by=by.user,
        )
        record(
            completion,
            action=actions.TRAINING_COMPLETION_REMOVED,
            by=by,
            summary={
                "course": completion.course_id,
                "membership": completion.membership_id,
                "completed_on": completion.completed_on.isoformat(),
            },
        )
        completion.delete()


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
