"""Appointment reminders: who, when, how and where. Never why, and nothing from a note.

Sent by email or text message, whichever the person prefers; people who prefer a call, a
letter or to be met in person get no automatic reminder (their worker sees the diary).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from alongside.audit.services import record
from alongside.people.models import ContactPreference
from alongside.scheduling.models import Appointment, AppointmentMode, AppointmentStatus
from alongside.scheduling.sms import send_text


def reminder_text(appointment: Appointment) -> str:
    person = appointment.person
    worker = appointment.worker.first_name or appointment.worker.get_username()
    when = date_format(timezone.localtime(appointment.starts_at), "l j F \\a\\t H:i")
    if appointment.mode == AppointmentMode.PHONE:
        how = f"{worker} will phone you"
    elif appointment.mode == AppointmentMode.VIDEO:
        how = f"{worker} will meet you by video: {appointment.video_link}"
    else:
        how = f"{worker} will meet you at {appointment.place}"
    first = person.preferred_name or person.given_name
    organisation = appointment.organisation.name
    return (
        f"Hello {first}, a reminder from {organisation}: {how} on {when}. "
        "If that time no longer suits you, get in touch and we will find another."
    )


def send_reminder(appointment_id: int) -> str:
    """Send one reminder, once. Returns what happened, in words (kept as the task's result)."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("person", "worker", "organisation")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.status != AppointmentStatus.BOOKED:
            return "not sent: the appointment is no longer booked"
        if appointment.reminder_sent_at is not None:
            return "not sent: already reminded"
        if appointment.starts_at <= timezone.now():
            return "not sent: the appointment has started"
        person = appointment.person
        to = person.contact_details.strip()
        body = reminder_text(appointment)
        if person.contact_preference == ContactPreference.EMAIL:
            try:
                validate_email(to)
            except ValidationError:
                return "not sent: no valid email address"
            send_mail("Your appointment", body, None, [to])
            channel = "email"
        elif person.contact_preference == ContactPreference.TEXT and to:
            send_text(to, body)
            channel = "text"
        else:
            return "not sent: they prefer another way to be contacted"
        appointment.reminder_sent_at = timezone.now()
        appointment.save(update_fields=["reminder_sent_at"])
        record(
            appointment,
            action="scheduling.reminder.sent",
            actor=None,
            organisation_id=appointment.organisation_id,
            person_id=person.pk,
            summary={"channel": channel},
        )
    return f"sent by {channel}"
