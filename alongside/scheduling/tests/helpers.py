"""Test helpers: weekly availability for a worker in one call; a time some days ahead; a booking."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.utils import timezone

from alongside.access.models import Membership
from alongside.scheduling import services
from alongside.scheduling.models import Appointment


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


def at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def book(world, who="alice", *, person=None, days=2, hour=10, **extra):
    data = {"minutes": 60, "mode": "in_person", "place": "The hub"}
    data.update(extra)
    return services.book(
        person or world.person,
        by=world.members[who],
        worker=world.user(who),
        starts_at=at(days, hour),
        **data,
    )


def started(world, **kwargs):
    """A booking that started 70 minutes ago and ended 10 minutes ago."""
    appointment = book(world, **kwargs)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(minutes=70),
        ends_at=timezone.now() - timedelta(minutes=10),
    )
    appointment.refresh_from_db()
    return appointment
