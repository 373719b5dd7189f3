"""The rota's part of a member's diary (`alongside.diary`): the shifts they are on, asked or
confirmed. Registered when Django starts (`apps.RotaConfig.ready`), so an appointment booking
refuses a time over a shift without importing the rota (decision 0090)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from alongside import diary
from alongside.rota.models import HOLDS_PLACE, Signup

SHIFTS = "shifts"


def shift_then(
    user_id: int, organisation_id: int, starts_at: datetime, ends_at: datetime
) -> str | None:
    """ "is on Tuesday foodbank" when the user holds a place (asked or confirmed) on a shift
    that overlaps the two times."""
    signup = (
        Signup.objects.filter(
            membership__user_id=user_id,
            organisation_id=organisation_id,
            status__in=HOLDS_PLACE,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("shift")
        .first()
    )
    if signup is None:
        return None
    return _("is on %(shift)s") % {"shift": signup.shift.name}


def register_part() -> None:
    diary.register(SHIFTS, shift_then)
