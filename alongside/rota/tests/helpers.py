"""Rota test helpers: a pattern with its shifts, made through the service."""

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from alongside.access.models import Membership
from alongside.rota import services
from alongside.rota.models import Shift, ShiftPattern, ShiftRole


def make_pattern(by: Membership, **overrides: Any) -> ShiftPattern:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "name": "Tuesday foodbank",
        "weekday": 1,
        "starts_at": time(10),
        "ends_at": time(13),
        "starts_on": today,
        "ends_on": today + timedelta(weeks=8),
        "roles": [("Desk", 2), ("Packing", 3), ("Driver", 1)],
    }
    fields.update(overrides)
    return services.create_pattern(by.organisation, by=by, **fields)


def first_shift(pattern: ShiftPattern) -> Shift:
    return Shift.objects.filter(pattern=pattern).order_by("starts_at").first()  # type: ignore[return-value]


def role(shift: Shift, name: str) -> ShiftRole:
    return ShiftRole.objects.get(shift=shift, name=name)


def day_of(shift: Shift) -> date:
    return timezone.localdate(shift.starts_at)
