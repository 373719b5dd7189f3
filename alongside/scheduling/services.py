"""Writes for scheduling: availability, booking, cancelling, what happened, reminders.

Every function validates before it writes, runs in one transaction and records an audit event
in that transaction. Errors are `ValidationError`s keyed by form field.

No double booking: `book` locks the diaries it touches (the workers' memberships, then the
person, always in that order so two bookings cannot deadlock), checks for an overlap, then
writes. On PostgreSQL an exclusion constraint refuses an overlap as well (migration 0002), and
on SQLite `transaction_mode=IMMEDIATE` serialises writing transactions. A worker's other
commitments (rota shifts) count too: the lock and that check are the shared diary's
(`alongside.diary`, decisions 0076 and 0090), which the rota takes as well.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside import diary
from alongside.access.models import Membership, Skill
from alongside.audit import actions
from alongside.audit.services import record
from alongside.eligibility.queries import assessor_ids_for
from alongside.people.models import Person
from alongside.relationships.models import Contact, Handover, Initiator
from alongside.relationships.services import record_contact
from alongside.scheduling.diary import APPOINTMENTS
from alongside.scheduling.models import (
    HOLDS_TIME,
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    AvailabilityException,
    BookedVia,
    CancelledBy,
    PlanningRound,
    WeeklyAvailability,
)
from alongside.visibility.roles import WORKER_ROLES

MIN_MINUTES = 10
MAX_MINUTES = 240
MAX_EXCEPTION_DAYS = 366
REMIND_BEFORE = timedelta(hours=24)


# Availability ---------------------------------------------------------------------------------


def add_weekly_availability(
    membership: Membership,
    *,
    by: Membership,
    weekday: int,
    starts_at: time,
    ends_at: time,
    slot_minutes: int,
    place: str = "",
) -> WeeklyAvailability:
    """Add a block of weekly availability. Refuses a block that overlaps another on that day."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    span = datetime.combine(date.min, ends_at) - datetime.combine(date.min, starts_at)
    if span < timedelta(minutes=slot_minutes):
        raise ValidationError({"ends_at": _("Leave room for at least one appointment.")})
    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        overlapping = WeeklyAvailability.objects.filter(
            membership=membership, weekday=weekday, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if overlapping:
            raise ValidationError(
                {"starts_at": _("This overlaps a time you already have on that day.")}
            )
        block = WeeklyAvailability(
            membership=membership,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            slot_minutes=slot_minutes,
            place=place.strip(),
        )
        block.full_clean(exclude=["membership"])
        block.save()
        record(
            block,
            action=actions.SCHEDULING_AVAILABILITY_ADDED,
            by=by,
            summary={"membership": membership.pk, "weekday": weekday},
            organisation_id=membership.organisation_id,
        )
    return block


def remove_weekly_availability(block: WeeklyAvailability, *, by: Membership) -> None:
    """Remove a block. Appointments already booked in it stay booked."""
    with transaction.atomic():
        record(
            block,
            action=actions.SCHEDULING_AVAILABILITY_REMOVED,
            by=by,
            summary={"membership": block.membership_id, "weekday": block.weekday},
            organisation_id=block.membership.organisation_id,
        )
        block.delete()


def add_exception(
    membership: Membership,
    *,
    by: Membership,
    starts_on: date,
    ends_on: date,
    kind: str,
) -> AvailabilityException:
    """Mark days away. Says how many booked appointments fall in them (they are not moved)."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day must be on or after the first.")})
    if (ends_on - starts_on).days >= MAX_EXCEPTION_DAYS:
        raise ValidationError({"ends_on": _("Enter at most a year at a time.")})
    with transaction.atomic():
        exc = AvailabilityException(
            membership=membership,
            starts_on=starts_on,
            ends_on=ends_on,
            kind=kind,
            recorded_by=by.user,
        )
        exc.full_clean(exclude=["membership", "recorded_by"])
        exc.save()
        record(
            exc,
            action=actions.SCHEDULING_EXCEPTION_ADDED,
            by=by,
            summary={"membership": membership.pk, "kind": kind},
            organisation_id=membership.organisation_id,
        )
    return exc


def appointments_during(membership: Membership, starts_on: date, ends_on: date) -> int:
    since = timezone.make_aware(datetime.combine(starts_on, time.min))
    until = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))
    return (
        Appointment.objects.filter(status=AppointmentStatus.BOOKED)
        .filter(Q(worker_id=membership.user_id) | Q(with_worker_id=membership.user_id))
        .filter(starts_at__gte=since, starts_at__lt=until)
        .count()
    )


def remove_exception(exc: AvailabilityException, *, by: Membership) -> None:
    with transaction.atomic():
        record(
            exc,
            action=actions.SCHEDULING_EXCEPTION_REMOVED,
            by=by,
            summary={"membership": exc.membership_id},
            organisation_id=exc.membership.organisation_id,
        )
        exc.delete()


def update_worker_details(
    membership: Membership,
    *,
    by: Membership,
    skills: list[Skill],
    languages: str,
    takes_new_people: int,
) -> None:
    """What a worker can offer, used when booking and planning: skills, languages, capacity."""
    if any(skill.organisation_id != membership.organisation_id for skill in skills):
        raise ValidationError({"skills": _("Choose skills of this organisation.")})
    if not 0 <= takes_new_people <= 100:
        raise ValidationError({"takes_new_people": _("Enter a number from 0 to 100.")})
    with transaction.atomic():
        membership.languages = ", ".join(
            part.strip() for part in languages.replace(";", ",").split(",") if part.strip()
        )
        membership.takes_new_people = takes_new_people
        membership.full_clean(exclude=["user", "organisation", "team", "skills"])
        membership.save(update_fields=["languages", "takes_new_people"])
        membership.skills.set(skills)
        record(
            membership,
            action=actions.SCHEDULING_WORKER_DETAILS_CHANGED,
            by=by,
            summary={
                "skills": sorted(s.pk for s in skills),
                "takes_new_people": takes_new_people,
            },
        )


# Booking --------------------------------------------------------------------------------------


def _validate_booking(
    person: Person,
    *,
    worker: User,
    with_worker: User | None,
    starts_at: datetime,
    minutes: int,
    mode: str,
    place: str,
    video_link: str,
) -> dict[int, Membership]:

    errors: dict[str, str] = {}
    if timezone.is_naive(starts_at):
        raise ValueError("appointment times must be timezone-aware")
    if starts_at <= timezone.now():
        errors["slot"] = "Choose a time in the future."
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"Enter minutes between {MIN_MINUTES} and {MAX_MINUTES}."
    if mode not in AppointmentMode.values:
        errors["mode"] = "Choose in person, phone or video."
    elif mode == AppointmentMode.IN_PERSON and not place.strip():
        errors["place"] = "Say where you will meet."
    elif mode == AppointmentMode.VIDEO:
        try:
            URLValidator(schemes=["https"])(video_link)
        except ValidationError:
            errors["video_link"] = "Enter the video link, starting https://."
    if errors:
        raise ValidationError(errors)
    workers = [worker] + ([with_worker] if with_worker is not None else [])
    memberships = {
        m.user_id: m
        for m in Membership.objects.active().filter(
            organisation_id=person.organisation_id,
            user__in=workers,
            role__in=WORKER_ROLES,
        )
    }
    day = timezone.localdate(starts_at)
    assessors = (
        set() if person.organisation.allow_assessor_and_supporter else assessor_ids_for(person.pk)
    )
    for field, who in (("worker", worker), ("with_worker", with_worker)):
        if who is None:
            continue
        membership = memberships.get(who.pk)
        if membership is None:
            raise ValidationError({field: _("Choose a worker who works in this organisation.")})
        if who.pk in assessors:
            raise ValidationError(
                {
                    field: _(
                        "This worker checked their eligibility. People speak more freely to a "
                        "supporter who does not decide what they get, so choose someone else."
                    )
                }
            )
        if membership.leaving_on is not None and day > membership.leaving_on:
            raise ValidationError(
                {field: _("%(name)s has left by then.") % {"name": who.get_full_name()}}
            )
        away = AvailabilityException.objects.filter(
            membership=membership, starts_on__lte=day, ends_on__gte=day
        ).exists()
        if away:
            raise ValidationError(
                {field: _("%(name)s is away that day.") % {"name": who.get_full_name()}}
            )
    return memberships


def _clash_message(
    person: Person, workers: list[User], starts_at: datetime, ends_at: datetime, exclude: int | None
) -> str | None:
    clashes = Appointment.objects.filter(
        status__in=HOLDS_TIME, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude)
    for who in workers:
        if clashes.filter(Q(worker=who) | Q(with_worker=who)).exists():
            return f"{who.get_full_name()} already has an appointment then. Choose another time."
        busy = diary.busy_with(  # decisions 0076, 0090: shifts and appointments share one diary
            who.pk, person.organisation_id, starts_at, ends_at, besides=APPOINTMENTS
        )
        if busy:
            return f"{who.get_full_name()} {busy} then. Choose another time."
    if clashes.filter(person=person).exists():
        return f"{person.display_name} already has an appointment then. Choose another time."
    return None


def book(
    person: Person,
    *,
    by: Membership,
    worker: User,
    starts_at: datetime,
    minutes: int,
    mode: str,
    place: str = "",
    video_link: str = "",
    with_worker: User | None = None,
    booked_via: str = BookedVia.BOOKING,
    planning_round: PlanningRound | None = None,
    handover: Handover | None = None,
) -> Appointment:
    """Book a person with a worker (and maybe a second worker). Never double-books anyone.

    Side effects: one Appointment, one audit event; after commit, a reminder is queued for a
    day before (or at once, when the appointment is sooner).
    """
    if with_worker is not None and with_worker.pk == worker.pk:
        with_worker = None
    memberships = _validate_booking(
        person,
        worker=worker,
        with_worker=with_worker,
        starts_at=starts_at,
        minutes=minutes,
        mode=mode,
        place=place,
        video_link=video_link,
    )
    ends_at = starts_at + timedelta(minutes=minutes)
    workers = [worker] + ([with_worker] if with_worker is not None else [])
    try:
        with transaction.atomic():
            # Lock the diaries in one fixed order: memberships by id, then the person.
            diary.lock_many(m.pk for m in memberships.values())
            Person.objects.select_for_update().filter(pk=person.pk).first()
            clash = _clash_message(person, workers, starts_at, ends_at, None)
            if clash:
                raise ValidationError({"slot": clash})
            appointment = Appointment.objects.create(
                organisation_id=person.organisation_id,
                person=person,
                worker=worker,
                with_worker=with_worker,
                starts_at=starts_at,
                ends_at=ends_at,
                mode=mode,
                place=place.strip() if mode == AppointmentMode.IN_PERSON else "",
                video_link=video_link.strip() if mode == AppointmentMode.VIDEO else "",
                booked_via=booked_via,
                planning_round=planning_round,
                handover=handover,
                booked_by=by.user,
            )
            record(
                appointment,
                action=actions.SCHEDULING_APPOINTMENT_BOOKED,
                by=by,
                summary={"worker": worker.pk, "mode": mode, "via": booked_via},
            )
            transaction.on_commit(lambda: queue_reminder(appointment))
    except IntegrityError as error:  # the PostgreSQL exclusion constraint: someone was quicker
        raise ValidationError(
            {"slot": _("Someone else has just booked this time. Choose another time.")}
        ) from error
    return appointment


def _change_status(
    appointment: Appointment, *, by: Membership, status: str, action: actions.Action, **fields: str
) -> None:
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError(
                {
                    "status": _("This appointment is already %(status)s.")
                    % {"status": current.get_status_display().lower()}
                }
            )
        appointment.status = status
        appointment.status_changed_at = timezone.now()
        for name, value in fields.items():
            setattr(appointment, name, value)
        appointment.save(update_fields=["status", "status_changed_at", *fields])
        record(appointment, action=action, by=by, summary={"status": status, **fields})


def cancel(appointment: Appointment, *, by: Membership, cancelled_by: str) -> None:
    """Cancel, saying which side asked. The time is free again at once."""
    if cancelled_by not in CancelledBy.values:
        raise ValidationError({"cancelled_by": _("Say who asked to change it.")})
    _change_status(
        appointment,
        by=by,
        status=AppointmentStatus.CANCELLED,
        action=actions.SCHEDULING_APPOINTMENT_CANCELLED,
        cancelled_by=cancelled_by,
    )


def record_did_not_attend(appointment: Appointment, *, by: Membership) -> None:
    """The meeting did not happen. No blame: it only says it did not happen."""
    if appointment.starts_at > timezone.now():
        raise ValidationError({"status": _("This appointment has not started yet.")})
    _change_status(
        appointment,
        by=by,
        status=AppointmentStatus.DID_NOT_ATTEND,
        action=actions.SCHEDULING_APPOINTMENT_DID_NOT_ATTEND,
    )


def record_attended(
    appointment: Appointment,
    *,
    by: Membership,
    initiated_by: str = Initiator.US,
    follow_up_on: date | None = None,
    asked_for: str = "",
    notes: str = "",
) -> Contact:
    """It happened: the appointment becomes a contact in one step (with notes if given).

    At an introduction (a planned handover), the contact completes the handover warm.
    """
    if appointment.starts_at > timezone.now():
        raise ValidationError({"status": _("Record it after it has happened.")})
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError(
                {
                    "status": _("This appointment is already %(status)s.")
                    % {"status": current.get_status_display().lower()}
                }
            )
        handover = appointment.handover
        if handover is not None and handover.status != Handover.Status.PLANNED:
            handover = None
        contact = record_contact(
            appointment.person,
            by=by,
            at=appointment.starts_at,
            worker=appointment.worker,
            mode=appointment.mode,
            minutes=appointment.minutes,
            initiated_by=initiated_by,
            also_present=[appointment.with_worker] if appointment.with_worker else [],
            follow_up_on=follow_up_on,
            asked_for=asked_for,
            notes=notes,
            handover=handover,
        )
        appointment.status = AppointmentStatus.ATTENDED
        appointment.status_changed_at = timezone.now()
        appointment.contact = contact
        appointment.save(update_fields=["status", "status_changed_at", "contact"])
        record(
            appointment,
            action=actions.SCHEDULING_APPOINTMENT_ATTENDED,
            by=by,
            summary={"contact": contact.pk},
        )
    return contact


# Reminders ------------------------------------------------------------------------------------


def queue_reminder(appointment: Appointment) -> None:
    """Queue the reminder task to run a day before the appointment (or now, if sooner)."""
    from alongside.scheduling.tasks import send_appointment_reminder

    run_after = max(appointment.starts_at - REMIND_BEFORE, timezone.now())
    send_appointment_reminder.using(run_after=run_after).enqueue(appointment.pk)
