"""Reads for scheduling: free slots, a person's booking options, diaries and team capacity.

Free slots are worked out, not stored: a worker's weekly pattern, minus their exceptions (leave,
sickness), minus the appointments already holding their time. A slot is identified by its key,
"<worker user id>@<start as ISO 8601>", which the booking form posts back.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership
from alongside.common.dates import date_problem
from alongside.common.ids import parse_id
from alongside.eligibility.queries import assessor_ids_for
from alongside.people.models import Person
from alongside.relationships.models import Contact, NamedWorkerSpell
from alongside.scheduling.models import (
    HOLDS_TIME,
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    WeeklyAvailability,
)
from alongside.visibility.roles import WORKER_ROLES

SEEN_BEFORE_DAYS = 365
BOOKING_DAYS = 28


@dataclass(frozen=True)
class SlotOption:
    worker_id: int
    starts_at: datetime
    minutes: int
    place: str = ""

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def key(self) -> str:
        return slot_key(self.worker_id, self.starts_at)


def slot_key(worker_id: int, starts_at: datetime) -> str:
    return f"{worker_id}@{starts_at.isoformat()}"


def parse_slot_key(key: str) -> tuple[int, datetime] | None:
    worker, _, start = key.partition("@")
    worker_id = parse_id(worker)
    try:
        starts_at = datetime.fromisoformat(start)
    except ValueError:
        return None
    if worker_id is None or timezone.is_naive(starts_at) or date_problem(starts_at):
        return None
    return worker_id, starts_at


def worker_memberships(organisation_id: int, *, team_id: int | None = None) -> QuerySet[Membership]:
    """Active workers of the organisation (or of one team), with their user and skills."""
    qs = Membership.objects.active().filter(organisation_id=organisation_id, role__in=WORKER_ROLES)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return qs.select_related("user").prefetch_related("skills").order_by("user__first_name", "pk")


class Busy:
    """Sorted busy intervals per key (a worker's or a person's), for overlap checks."""

    def __init__(self) -> None:
        self._by_key: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

    def add(self, key: int, start: datetime, end: datetime) -> None:
        bisect.insort(self._by_key[key], (start, end))

    def clashes(self, key: int, start: datetime, end: datetime) -> bool:
        intervals = self._by_key.get(key)
        if not intervals:
            return False
        before_end = bisect.bisect_left(intervals, (end, end))
        return any(e > start for _, e in intervals[:before_end])


def _aware(day: date, at: object) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))  # type: ignore[arg-type]


def busy_workers(
    worker_ids: Iterable[int], start: datetime, end: datetime, *, exclude: Iterable[int] = ()
) -> Busy:
    busy = Busy()
    ids = list(worker_ids)
    rows = (
        Appointment.objects.filter(status__in=HOLDS_TIME, starts_at__lt=end, ends_at__gt=start)
        .filter(Q(worker_id__in=ids) | Q(with_worker_id__in=ids))
        .exclude(pk__in=list(exclude))
        .values_list("worker_id", "with_worker_id", "starts_at", "ends_at")
    )
    wanted = set(ids)
    for worker_id, with_worker_id, s, e in rows:
        for who in (worker_id, with_worker_id):
            if who in wanted:
                busy.add(who, s, e)
    return busy


def busy_people(person_ids: Iterable[int], start: datetime, end: datetime) -> Busy:
    busy = Busy()
    rows = Appointment.objects.filter(
        status__in=HOLDS_TIME,
        starts_at__lt=end,
        ends_at__gt=start,
        person_id__in=list(person_ids),
    ).values_list("person_id", "starts_at", "ends_at")
    for person_id, s, e in rows:
        busy.add(person_id, s, e)
    return busy


def free_slots(
    memberships: Sequence[Membership],
    *,
    start: date,
    end: date,
    now: datetime | None = None,
) -> list[SlotOption]:
    """Every free slot of these workers from `start` to `end` (inclusive), in time order.

    Four queries, whatever the number of workers and days.
    """
    now = now or timezone.now()
    by_membership = {m.pk: m for m in memberships}
    patterns: dict[int, list[WeeklyAvailability]] = defaultdict(list)
    for pattern in WeeklyAvailability.objects.filter(membership_id__in=list(by_membership)):
        patterns[pattern.membership_id].append(pattern)
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for exc in AvailabilityException.objects.filter(
        membership_id__in=list(by_membership), starts_on__lte=end, ends_on__gte=start
    ):
        away[exc.membership_id].append((exc.starts_on, exc.ends_on))
    window_start = _aware(start, datetime.min.time())
    window_end = _aware(end + timedelta(days=1), datetime.min.time())
    busy = busy_workers([m.user_id for m in memberships], window_start, window_end)
    slots: list[SlotOption] = []
    day = start
    while day <= end:
        for membership_id, rows in patterns.items():
            membership = by_membership[membership_id]
            if membership.leaving_on is not None and day > membership.leaving_on:
                continue
            if any(a <= day <= b for a, b in away[membership_id]):
                continue
            for pattern in rows:
                if pattern.weekday != day.weekday():
                    continue
                slots.extend(_pattern_slots(pattern, membership.user_id, day, now, busy))
        day += timedelta(days=1)
    slots.sort(key=lambda s: (s.starts_at, s.worker_id))
    return slots


def _pattern_slots(
    pattern: WeeklyAvailability, worker_id: int, day: date, now: datetime, busy: Busy
) -> Iterable[SlotOption]:
    step = timedelta(minutes=pattern.slot_minutes)
    at = _aware(day, pattern.starts_at)
    last = _aware(day, pattern.ends_at)
    while at + step <= last:
        if at > now and not busy.clashes(worker_id, at, at + step):
            yield SlotOption(worker_id, at, pattern.slot_minutes, pattern.place)
        at += step


def seen_before(person_ids: Iterable[int], *, today: date | None = None) -> dict[int, set[int]]:
    """Workers each person has met (led or joined a contact) in the last year."""
    today = today or timezone.localdate()
    since = _aware(today - timedelta(days=SEEN_BEFORE_DAYS), datetime.min.time())
    ids = list(person_ids)
    met: dict[int, set[int]] = defaultdict(set)
    for person_id, worker_id in (
        Contact.objects.filter(person_id__in=ids, at__gte=since)
        .values_list("person_id", "worker_id")
        .distinct()
    ):
        met[person_id].add(worker_id)
    for person_id, worker_id in (
        Contact.also_present.through.objects.filter(
            contact__person_id__in=ids, contact__at__gte=since, contact__removed_at__isnull=True
        )
        .values_list("contact__person_id", "user_id")
        .distinct()
    ):
        met[person_id].add(worker_id)
    return met


def named_workers(person_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        NamedWorkerSpell.objects.filter(
            person_id__in=list(person_ids), ended_on__isnull=True
        ).values_list("person_id", "worker_id")
    )


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month + 2) // 12, (first_month + 2) % 12 + 1, 1) - timedelta(
        days=1
    )
    return start, end


def workers_in_quarter(person: Person, day: date) -> set[int]:
    """Workers the person met or is booked with in the calendar quarter holding `day`."""
    start, end = quarter_of(day)
    since = _aware(start, datetime.min.time())
    until = _aware(end + timedelta(days=1), datetime.min.time())
    workers = set(
        Contact.objects.filter(person=person, at__gte=since, at__lt=until).values_list(
            "worker_id", flat=True
        )
    )
    workers |= set(
        Appointment.objects.filter(
            person=person,
            status=AppointmentStatus.BOOKED,
            starts_at__gte=since,
            starts_at__lt=until,
        ).values_list("worker_id", flat=True)
    )
    return workers


ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def ordinal(n: int) -> str:
    return ORDINALS.get(n, f"{n}th")


@dataclass
class BookingGroup:
    title: str
    kind: str  # "named", "known" or "other"
    options: list[tuple[SlotOption, str]] = field(default_factory=list)


@dataclass
class BookingOptions:
    groups: list[BookingGroup]
    names: dict[int, str]

    @property
    def count(self) -> int:
        return sum(len(g.options) for g in self.groups)


def booking_options(
    person: Person,
    *,
    start: date | None = None,
    days: int = BOOKING_DAYS,
    per_worker: int = 6,
    per_day: int = 2,
    others_shown: int = 12,
) -> BookingOptions:
    """Slots for a person: their named worker's first, then workers they know, then others.

    Each slot carries the consequence in plain words ("this would be their third different
    worker this quarter"). Workers who assessed the person are left out (separation of roles).
    """

    start = start or timezone.localdate()
    end = start + timedelta(days=days - 1)
    members = list(worker_memberships(person.organisation_id))
    if not person.organisation.allow_assessor_and_supporter:
        assessors = assessor_ids_for(person.pk)
        members = [m for m in members if m.user_id not in assessors]
    names = {m.user_id: m.user.get_full_name() or m.user.get_username() for m in members}
    named = named_workers([person.pk]).get(person.pk)
    known = seen_before([person.pk]).get(person.pk, set())
    slots = free_slots(members, start=start, end=end)
    window_start = _aware(start, datetime.min.time())
    person_busy = busy_people([person.pk], window_start, window_start + timedelta(days=days))
    slots = [s for s in slots if not person_busy.clashes(person.pk, s.starts_at, s.ends_at)]
    quarters: dict[tuple[date, date], set[int]] = {}

    def consequence(slot: SlotOption) -> str:
        quarter = quarter_of(timezone.localdate(slot.starts_at))
        if quarter not in quarters:
            quarters[quarter] = workers_in_quarter(person, quarter[0])
        already = quarters[quarter]
        name = names[slot.worker_id].split(" ")[0]
        if slot.worker_id == named:
            return f"{name} is their named worker."
        if slot.worker_id in already:
            return f"They have already seen {name} this quarter: no new face."
        if slot.worker_id in known:
            met = f"They have met {name} before."
        else:
            met = f"They have not met {name} before."
        if not already:
            return f"{met} They have seen nobody else this quarter."
        return (
            f"{met} This would be their {ordinal(len(already) + 1)} different worker this quarter."
        )

    groups = [
        BookingGroup("Their named worker", "named"),
        BookingGroup("Workers they have met before", "known"),
        BookingGroup("Other workers", "other"),
    ]
    taken: dict[int, int] = defaultdict(int)
    taken_on: dict[tuple[int, date], int] = defaultdict(int)
    for slot in slots:
        day = timezone.localdate(slot.starts_at)
        if slot.worker_id == named:
            group = groups[0]
        elif slot.worker_id in known:
            group = groups[1]
        else:
            group = groups[2]
            if len(group.options) >= others_shown:
                continue
        limit = per_worker if group.kind == "named" else per_worker // 2
        if taken[slot.worker_id] >= limit or taken_on[slot.worker_id, day] >= per_day:
            continue
        taken[slot.worker_id] += 1
        taken_on[slot.worker_id, day] += 1
        group.options.append((slot, consequence(slot)))
    return BookingOptions([g for g in groups if g.options], names)


def upcoming_for_person(person: Person) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            person=person, status__in=HOLDS_TIME, ends_at__gte=timezone.now()
        )
        .select_related("worker", "with_worker")
        .order_by("starts_at")
    )


def diary(membership: Membership, *, days: int = 14) -> QuerySet[Appointment]:
    """The worker's appointments from the start of today for `days` days, and any still open."""
    today = _aware(timezone.localdate(), datetime.min.time())
    return (
        Appointment.objects.filter(organisation_id=membership.organisation_id)
        .filter(Q(worker_id=membership.user_id) | Q(with_worker_id=membership.user_id))
        .filter(
            Q(starts_at__gte=today, starts_at__lt=today + timedelta(days=days))
            | Q(status=AppointmentStatus.BOOKED, starts_at__lt=today)
        )
        .select_related("person", "worker", "with_worker")
        .order_by("starts_at")
    )


@dataclass
class CapacityRow:
    membership: Membership
    available_minutes: int
    booked_minutes: int
    away_days: list[str]

    @property
    def free_minutes(self) -> int:
        return max(0, self.available_minutes - self.booked_minutes)


def team_capacity(
    memberships: Sequence[Membership], *, start: date, days: int
) -> list[CapacityRow]:
    """Hours each worker is available and booked over a period, and when they are away."""
    end = start + timedelta(days=days - 1)
    by_id = {m.pk: m for m in memberships}
    available: dict[int, int] = defaultdict(int)
    patterns: dict[int, list[WeeklyAvailability]] = defaultdict(list)
    for pattern in WeeklyAvailability.objects.filter(membership_id__in=list(by_id)):
        patterns[pattern.membership_id].append(pattern)
    away: dict[int, list[AvailabilityException]] = defaultdict(list)
    for exc in AvailabilityException.objects.filter(
        membership_id__in=list(by_id), starts_on__lte=end, ends_on__gte=start
    ):
        away[exc.membership_id].append(exc)
    day = start
    while day <= end:
        for membership_id, rows in patterns.items():
            membership = by_id[membership_id]
            if membership.leaving_on is not None and day > membership.leaving_on:
                continue
            if any(e.starts_on <= day <= e.ends_on for e in away[membership_id]):
                continue
            for p in rows:
                if p.weekday == day.weekday():
                    span = datetime.combine(day, p.ends_at) - datetime.combine(day, p.starts_at)
                    available[membership_id] += int(span.total_seconds() // 60)
        day += timedelta(days=1)
    booked: dict[int, int] = defaultdict(int)
    since = _aware(start, datetime.min.time())
    until = _aware(end + timedelta(days=1), datetime.min.time())
    user_to_membership = {m.user_id: m.pk for m in memberships}
    for worker_id, with_worker_id, s, e in (
        Appointment.objects.filter(status__in=HOLDS_TIME, starts_at__gte=since, starts_at__lt=until)
        .filter(
            Q(worker_id__in=list(user_to_membership))
            | Q(with_worker_id__in=list(user_to_membership))
        )
        .values_list("worker_id", "with_worker_id", "starts_at", "ends_at")
    ):
        for who in (worker_id, with_worker_id):
            if who in user_to_membership:
                booked[user_to_membership[who]] += int((e - s).total_seconds() // 60)
    return [
        CapacityRow(
            membership=m,
            available_minutes=available[m.pk],
            booked_minutes=booked[m.pk],
            away_days=[
                f"{e.get_kind_display()} {e.starts_on:%-d %b}"
                + (f"–{e.ends_on:%-d %b}" if e.ends_on != e.starts_on else "")
                for e in away[m.pk]
            ],
        )
        for m in memberships
    ]


def offered_slot(organisation_id: int, worker_id: int, starts_at: datetime) -> SlotOption | None:
    """The slot a worker's weekly pattern offers at this start, if it does (length and place)."""
    local = timezone.localtime(starts_at)
    for block in WeeklyAvailability.objects.filter(
        membership__organisation_id=organisation_id,
        membership__user_id=worker_id,
        weekday=local.weekday(),
        starts_at__lte=local.time(),
        ends_at__gt=local.time(),
    ):
        offset = datetime.combine(local.date(), local.time()) - datetime.combine(
            local.date(), block.starts_at
        )
        step = timedelta(minutes=block.slot_minutes)
        fits = local.time() <= (datetime.combine(local.date(), block.ends_at) - step).time()
        if offset % step == timedelta(0) and fits:
            return SlotOption(worker_id, starts_at, block.slot_minutes, block.place)
    return None
