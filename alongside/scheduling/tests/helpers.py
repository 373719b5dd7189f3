"""Test helpers: weekly availability for a worker in one call."""

from collections.abc import Iterable
from datetime import time

from alongside.access.models import Membership
from alongside.scheduling import services


def give_days(
    membership: Membership,
    weekdays: Iterable[int],
    *,
    start: time = time(9),
    end: time = time(12),
    place: str = "The hub",
) -> None:
    """Availability on these weekdays from `start` to `end`, in 60-minute slots."""
    for weekday in weekdays:
        services.add_weekly_availability(
            membership,
            by=membership,
            weekday=weekday,
            starts_at=start,
            ends_at=end,
            slot_minutes=60,
            place=place,
        )


def give_week(
    membership: Membership, *, start: time = time(9), end: time = time(17), place: str = "The hub"
) -> None:
    """Availability every day of the week."""
    give_days(membership, range(7), start=start, end=end, place=place)
