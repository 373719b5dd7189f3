"""The attendance register: marking who came (or correcting it), welcoming someone new at the
door, closing the register (which queues the lapse check) and inviting someone to a space."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Team
from alongside.audit import actions
from alongside.audit.services import record, record_many
from alongside.people.matching import phone_problem
from alongside.people.models import ContactPreference, Person
from alongside.people.services import create_person
from alongside.spaces.models import (
    Attendance,
    DoorWelcome,
    Invitation,
    Session,
    Space,
)


def _check_markable(session: Session, person: Person, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if person.organisation_id != session.organisation_id:
        raise ValidationError(_("This person is not in this organisation."))
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled."))
    if session.on > today:
        raise ValidationError(_("This session has not happened yet."))


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


def mark_present_many(
    marks: Sequence[tuple[Session, int]],
    *,
    by: Membership,
    summary: dict[str, Any],
    today: date | None = None,
) -> list[Attendance]:
    """Mark many people present at once, for an import of old registers: (session, person id)
    pairs not yet on the register (the caller checked the people, the pairs and that none is
    already marked). Each session must have happened and not be cancelled. Side effects: the
    Attendance rows; one `spaces.attendance.marked` event each (with `summary`, which names the
    import), in the caller's transaction."""
    today = today or timezone.localdate()
    for session, _person_id in marks:
        if session.is_cancelled or session.on > today:
            raise ValidationError(_("A session was cancelled or has not happened yet."))
    made = Attendance.objects.bulk_create(
        Attendance(
            organisation_id=session.organisation_id,
            session=session,
            space_id=session.space_id,
            on=session.on,
            person_id=person_id,
            marked_by=by.user,
        )
        for session, person_id in marks
    )
    record_many(made, action=actions.SPACES_ATTENDANCE_MARKED, by=by, summary=summary)
    return made


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
        raise ValidationError(_("Your organisation has no team to add people to yet."))
    return team


def welcome_at_door(
    session: Session,
    *,
    by: Membership,
    given_name: str,
    contact_details: str = "",
    today: date | None = None,
    confirm_new: bool = False,
) -> Person:
    """Someone new at the door: a first name (and a way to reach them, if they like), nothing else.

    Creates a minimal Person in the space's team (else the welcomer's, else the organisation's
    first), flags them as welcomed at the door, and marks them present, all or nothing.
    Raises `people.services.PossibleMatch` when they may already be on the record (same first
    name, or same phone and first name), unless `confirm_new`.
    Side effects: one Person, one DoorWelcome, one Attendance, three audit events.
    """

    if session.is_cancelled or session.on > (today or timezone.localdate()):
        raise ValidationError(_("Welcome people at a session that is happening."))
    if not given_name.strip():
        raise ValidationError({"given_name": _("Enter their first name.")})
    with transaction.atomic():
        reach = contact_details.strip()
        person = create_person(
            by=by,
            team=_welcome_team(session, by),
            given_name=given_name,
            confirm_new=confirm_new,
            # A phone number is kept as their phone too, so the next visit can match it.
            phone=reach if reach and phone_problem(reach) is None else "",
            contact_details=reach,
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
        raise ValidationError(_("This session was cancelled."))
    if session.on > timezone.localdate():
        raise ValidationError(_("This session has not happened yet."))
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
        raise ValidationError(_("This person is not in this organisation."))
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
