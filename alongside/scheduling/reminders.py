"""Appointment reminders: who, when, how and where. Never why, and nothing from a note.

Sent by email or text message, whichever the person prefers. When the person cannot be reminded
that way (they prefer a call, a letter or to be met in person, or no usable address or number is
recorded), their worker is told instead, in the app, so they can ring or tell them as they like.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import ContactPreference, Person
from alongside.scheduling.models import Appointment, AppointmentMode, AppointmentStatus
from alongside.scheduling.sms import send_text


def _when(appointment: Appointment) -> str:
    """ "Tuesday 1 December at 10:00", in the organisation's time zone."""
    return date_format(timezone.localtime(appointment.starts_at), "l j F \\a\\t H:i")


def reminder_text(appointment: Appointment) -> str:
    person = appointment.person
    worker = appointment.worker.first_name or appointment.worker.get_username()
    when = _when(appointment)
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
        to = reminder_address(person)
        body = reminder_text(appointment)
        why_not = _why_not_automatic(person.contact_preference, to)
        if why_not:
            _tell_worker(appointment, why_not)
            channel = "worker"
        elif person.contact_preference == ContactPreference.EMAIL:
            send_mail("Your appointment", body, None, [to])
            channel = "email"
        else:
            send_text(to, body)
            channel = "text"
        appointment.reminder_sent_at = timezone.now()
        appointment.save(update_fields=["reminder_sent_at"])
        record(
            appointment,
            action=actions.SCHEDULING_REMINDER_SENT,
            by=None,
            summary={"channel": channel},
        )
    return "their worker was told instead" if channel == "worker" else f"sent by {channel}"


def reminder_address(person: Person) -> str:
    """Where their reminder goes: the email or phone field for their preference, else what is
    written in "phone, email or address" (records made before those fields existed)."""
    if person.contact_preference == ContactPreference.EMAIL and person.email.strip():
        return person.email.strip()
    if person.contact_preference == ContactPreference.TEXT and person.phone.strip():
        return person.phone.strip()
    return person.contact_details.strip()


def _why_not_automatic(preference: str, to: str) -> str:
    """Why no email or text can go to the person ("" when one can), in words for their worker."""
    if preference == ContactPreference.EMAIL:
        try:
            validate_email(to)
        except ValidationError:
            return "no email address that works is recorded"
        return ""
    if preference == ContactPreference.TEXT:
        return "" if to else "no mobile number is recorded"
    reasons: dict[str, str] = {
        ContactPreference.PHONE: "they like to be contacted by phone call",
        ContactPreference.POST: "they like to be contacted by letter",
        ContactPreference.IN_PERSON: "they like to be contacted in person only",
    }
    return reasons.get(preference, "no way to contact them is recorded")


def _tell_worker(appointment: Appointment, why_not: str) -> None:
    """An in-app note to the worker: who, when, and why no reminder went. Never why they meet."""

    person = appointment.person
    first = person.preferred_name or person.given_name
    notify(
        [appointment.worker],
        organisation_id=appointment.organisation_id,
        text=(
            _(
                "You are seeing %(name)s on %(when)s. No reminder went to them: %(why)s. "
                "Remind them your way if that would help."
            )
            % {"name": first, "when": _when(appointment), "why": why_not}
        )[:300],
        url=reverse("scheduling:appointment", args=[appointment.pk]),
    )
