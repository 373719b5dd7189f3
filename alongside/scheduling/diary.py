"""Scheduling's part of a member's diary (`alongside.diary`): their appointments. Registered when
Django starts (`apps.SchedulingConfig.ready`), so the rota refuses a shift over an appointment
without importing scheduling (decision 0090)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from alongside import diary
from alongside.scheduling.models import HOLDS_TIME, Appointment

APPOINTMENTS = "appointments"


def appointment_then(
    user_id: int, organisation_id: int, starts_at: datetime, ends_at: datetime
) -> str | None:
    """ "has an appointment" when the user is at an appointment (lead or second worker) that
    holds time between the two times."""
    busy = Appointment.objects.filter(
        Q(worker_id=user_id) | Q(with_worker_id=user_id),
        organisation_id=organisation_id,
        status__in=HOLDS_TIME,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists()
    return _("has an appointment") if busy else None


def register_part() -> None:
    diary.register(APPOINTMENTS, appointment_then)
