"""Reads for the rota and for what volunteers give. Every read names its organisation.

`hours_given` and `member_hours` are the one place the hours figure is worked out: the funder
report (`reports.content`), a volunteer's own page and their milestones all read it. Hours
come from four places, each counted once:

- shifts a member was confirmed on that have ended (unless marked "did not come");
- contacts with people (the maintained continuity summary, `relationships.ContinuityDay`,
  whose `worker` is the member; decision 0069);
- sessions of a space the member hosts (`spaces.Space.host`), unless they were also on a
  shift serving that session (then the shift counts);
- hours the member added themselves (`HoursEntry`).

For the organisation's figure only volunteers' time counts (role `volunteer`): a paid worker's
hours are not "love". The rota's own figures (gaps, who is on) are for the coordinator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.relationships.models import ContinuityDay
from alongside.rota.models import (
    HOLDS_PLACE,
    Gift,
    GiftKind,
    HoursEntry,
    MilestoneShare,
    Shift,
    ShiftPattern,
    ShiftRole,
    Signup,
    SignupStatus,
)
from alongside.spaces.models import Session

GAP_DAYS = 7  # the inbox's "shifts short of people in the next 7 days"
ROTA_DAYS = 28  # the coordinator's rota page and a volunteer's open shifts look this far ahead
HOUR_MILESTONES = (10, 50, 100, 250, 500, 1000)
YEAR_MILESTONES = (1, 2, 5, 10)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# The rota ---------------------------------------------------------------------------------------


def shift_for(membership: Membership, shift_id: int) -> Shift | None:
    return Shift.objects.filter(organisation_id=membership.organisation_id, pk=shift_id).first()


def signup_for(membership: Membership, signup_id: int) -> Signup | None:
    return (
        Signup.objects.filter(organisation_id=membership.organisation_id, pk=signup_id)
        .select_related("shift", "role", "membership__user")
        .first()
    )


def _filled_roles() -> QuerySet[ShiftRole]:
    return ShiftRole.objects.annotate(
        filled=Count("signups", filter=Q(signups__status__in=HOLDS_PLACE))
    )


def rota(organisation_id: int, *, start: date, days: int = ROTA_DAYS) -> list[Shift]:
    """The shifts from `start` for `days`, each with `.role_rows` (role, filled, needed) and
    `.people` (signups holding a place). Three queries whatever the number of shifts."""
    shifts = list(
        Shift.objects.filter(
            organisation_id=organisation_id,
            starts_at__gte=_aware(start),
            starts_at__lt=_aware(start + timedelta(days=days)),
            cancelled_at__isnull=True,
        ).select_related("session__space")
    )
    ids = [s.pk for s in shifts]
    roles: dict[int, list[ShiftRole]] = {}
    for role in _filled_roles().filter(shift_id__in=ids).order_by("shift_id", "pk"):
        roles.setdefault(role.shift_id, []).append(role)
    people: dict[int, list[Signup]] = {}
    for signup in (
        Signup.objects.filter(shift_id__in=ids, status__in=HOLDS_PLACE)
        .select_related("membership__user", "role")
        .order_by("shift_id", "role_id", "pk")
    ):
        people.setdefault(signup.shift_id, []).append(signup)
    for shift in shifts:
        shift.role_rows = roles.get(shift.pk, [])  # type: ignore[attr-defined]
        shift.people = people.get(shift.pk, [])  # type: ignore[attr-defined]
        shift.short = sum(max(r.needed - r.filled, 0) for r in shift.role_rows)  # type: ignore[attr-defined]
    return shifts


def pattern_for(membership: Membership, pattern_id: int) -> ShiftPattern | None:
    return ShiftPattern.objects.filter(
        organisation_id=membership.organisation_id, pk=pattern_id
    ).first()


def running_patterns(organisation_id: int, *, today: date) -> list[ShiftPattern]:
    """Repeating shifts that have not reached their last date, with their roles (two queries)."""
    return list(
        ShiftPattern.objects.filter(organisation_id=organisation_id)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .prefetch_related("roles")
        .order_by("weekday", "starts_at", "name", "pk")
    )


def shifts_with_people(pattern: ShiftPattern, *, today: date) -> int:
    """How many of a pattern's shifts from today on have someone on them (asked or confirmed):
    what a change would keep as it is."""
    return (
        Shift.objects.filter(
            pattern=pattern,
            starts_at__gte=max(_aware(today), timezone.now()),
            cancelled_at__isnull=True,
            signups__status__in=HOLDS_PLACE,
        )
        .distinct()
        .count()
    )


def recent_shifts(organisation_id: int, *, today: date, days: int = 14) -> list[Shift]:
    """Shifts that started in the last `days` days, latest first: where a coordinator marks who
    did not come."""
    return list(
        Shift.objects.filter(
            organisation_id=organisation_id,
            starts_at__gte=_aware(today - timedelta(days=days)),
            starts_at__lte=timezone.now(),
            cancelled_at__isnull=True,
        ).order_by("-starts_at", "pk")
    )


def my_cancelled(membership: Membership) -> list[Signup]:
    """Shifts still to come that this member was on until they were cancelled, soonest first."""
    return list(
        Signup.objects.filter(
            membership=membership, status=SignupStatus.CANCELLED, starts_at__gt=timezone.now()
        )
        .select_related("shift", "role")
        .order_by("starts_at", "pk")
    )


def roles_of(shift: Shift) -> list[ShiftRole]:
    return list(_filled_roles().filter(shift=shift).order_by("pk"))


def people_on(shift: Shift) -> list[Signup]:
    return list(
        Signup.objects.filter(shift=shift)
        .exclude(status=SignupStatus.DECLINED)
        .select_related("membership__user", "role")
        .order_by("role_id", "pk")
    )


def gaps(organisation_id: int, *, today: date, days: int = GAP_DAYS) -> QuerySet[ShiftRole]:
    """Roles on shifts from today for `days` days with fewer people than they need (one query),
    soonest first, each with `.filled` and its shift."""
    return (
        _filled_roles()
        .filter(
            shift__organisation_id=organisation_id,
            shift__cancelled_at__isnull=True,
            shift__starts_at__gte=max(_aware(today), timezone.now()),
            shift__starts_at__lt=_aware(today + timedelta(days=days)),
            filled__lt=F("needed"),  # type: ignore[misc]  # the annotation above
        )
        .select_related("shift")
        .order_by("shift__starts_at", "pk")
    )


def my_signups(membership: Membership, *, since: datetime | None = None) -> list[Signup]:
    """A member's shifts from now on that hold a place (asked or confirmed), soonest first."""
    return list(
        Signup.objects.filter(
            membership=membership,
            status__in=HOLDS_PLACE,
            ends_at__gt=since or timezone.now(),
        )
        .select_related("shift", "role")
        .order_by("starts_at", "pk")
    )


def open_places(membership: Membership, *, today: date, days: int = ROTA_DAYS) -> list[ShiftRole]:
    """Roles with a free place on shifts a member is not already on, soonest first (one query)."""
    mine = Signup.objects.filter(
        membership=membership, shift_id=OuterRef("shift_id"), status__in=HOLDS_PLACE
    )
    return list(
        gaps(membership.organisation_id, today=today, days=days)
        .exclude(Exists(mine))
        .order_by("shift__starts_at", "pk")
    )


def swaps_offered(membership: Membership) -> list[Signup]:
    """Shifts others have offered to swap, still to come, that this member is not on."""
    mine = Signup.objects.filter(
        membership=membership, shift_id=OuterRef("shift_id"), status__in=HOLDS_PLACE
    )
    return list(
        Signup.objects.filter(
            organisation_id=membership.organisation_id,
            status=SignupStatus.CONFIRMED,
            offered_at__isnull=False,
            starts_at__gt=timezone.now(),
        )
        .exclude(membership=membership)
        .exclude(Exists(mine))
        .select_related("shift", "role", "membership__user")
        .order_by("starts_at", "pk")
    )


def recent_swaps(organisation_id: int, *, days: int = 14) -> list[Signup]:
    """Swaps offered or made in the last `days` days, for the coordinator to see."""
    since = timezone.now() - timedelta(days=days)
    return list(
        Signup.objects.filter(organisation_id=organisation_id, changed_at__gte=since)
        .filter(
            Q(status=SignupStatus.SWAPPED)
            | Q(status=SignupStatus.CONFIRMED, offered_at__isnull=False)
        )
        .select_related("shift", "role", "membership__user", "swapped_to__membership__user")
        .order_by("starts_at", "pk")
    )


def members_to_ask(organisation_id: int) -> QuerySet[Membership]:
    """Who a coordinator may ask onto a shift: active volunteers, supporters and coordinators."""
    return (
        Membership.objects.active()
        .filter(
            organisation_id=organisation_id,
            role__in=(Role.VOLUNTEER, Role.SUPPORTER, Role.COORDINATOR),
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


# Hours given ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    """Minutes given, by where they come from, and how many members gave them."""

    shifts: int = 0
    contacts: int = 0
    sessions: int = 0
    added: int = 0
    members: int = 0

    @property
    def minutes(self) -> int:
        return self.shifts + self.contacts + self.sessions + self.added

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / Decimal(60)).quantize(Decimal("0.1"))


def _minutes_between(rows: Iterable[tuple[Any, Any]]) -> int:
    total = 0
    for starts, ends in rows:
        if isinstance(starts, datetime):
            total += int((ends - starts).total_seconds() // 60)
        else:  # times of day on one date
            total += (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
    return max(total, 0)


def _hours(
    organisation_id: int,
    members: QuerySet[Membership, Any],
    start: date | None,
    end: date | None,
) -> Hours:
    now = timezone.now()
    signups = Signup.objects.filter(
        organisation_id=organisation_id,
        membership__in=members.values("pk"),
        status=SignupStatus.CONFIRMED,
        did_not_come=False,
        ends_at__lte=now,
    )
    days = ContinuityDay.objects.filter(
        organisation_id=organisation_id, worker_id__in=members.values("user_id")
    ).order_by()
    on_its_shift = Signup.objects.filter(
        shift__session_id=OuterRef("pk"),
        membership__user_id=OuterRef("space__host_id"),
        status=SignupStatus.CONFIRMED,
    )
    sessions = Session.objects.filter(
        organisation_id=organisation_id,
        space__host_id__in=members.values("user_id"),
        cancelled_at__isnull=True,
        on__lte=timezone.localdate(),
    ).exclude(Exists(on_its_shift))
    added = HoursEntry.objects.filter(
        organisation_id=organisation_id, membership__in=members.values("pk")
    )
    if start is not None and end is not None:
        signups = signups.filter(
            starts_at__gte=_aware(start), starts_at__lt=_aware(end + timedelta(days=1))
        )
        days = days.filter(day__gte=start, day__lte=end)
        sessions = sessions.filter(on__gte=start, on__lte=end)
        added = added.filter(on__gte=start, on__lte=end)
    shift_rows = list(signups.values_list("starts_at", "ends_at", "membership__user_id"))
    session_rows = list(sessions.values_list("starts_at", "ends_at", "space__host_id"))
    contact_rows = list(
        days.values("worker_id").annotate(total=Sum("minutes")).values_list("worker_id", "total")
    )
    added_rows = list(
        added.values("membership__user_id")
        .annotate(total=Sum("minutes"))
        .values_list("membership__user_id", "total")
    )
    givers = (
        {u for _, _, u in shift_rows}
        | {u for _, _, u in session_rows}
        | {u for u, t in contact_rows if t}
        | {u for u, t in added_rows if t}
    )
    return Hours(
        shifts=_minutes_between((s, e) for s, e, _ in shift_rows),
        contacts=sum(t or 0 for _, t in contact_rows),
        sessions=_minutes_between((s, e) for s, e, _ in session_rows),
        added=sum(t or 0 for _, t in added_rows),
        members=len(givers),
    )


def hours_given(organisation_id: int, start: date, end: date) -> Hours:
    """Volunteers' hours given in a period (both dates inclusive): the report's figure."""
    volunteers = Membership.objects.filter(organisation_id=organisation_id, role=Role.VOLUNTEER)
    return _hours(organisation_id, volunteers, start, end)


def member_hours(membership: Membership) -> Hours:
    """All the hours one member has given here, from every source."""
    return _hours(
        membership.organisation_id, Membership.objects.filter(pk=membership.pk), None, None
    )


def added_hours(membership: Membership, *, limit: int = 20) -> list[HoursEntry]:
    return list(HoursEntry.objects.filter(membership=membership)[:limit])


# Milestones -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    shared: bool


def milestones(membership: Membership, hours: Hours, *, today: date) -> list[Milestone]:
    """The milestones a member has reached, each with whether they chose to share it."""
    reached: list[tuple[str, str]] = [
        (f"hours-{n}", f"{n} hours given") for n in HOUR_MILESTONES if hours.minutes >= n * 60
    ]
    years = (today - membership.started_on).days // 365
    reached += [
        (f"years-{n}", f"{n} year{'s' if n > 1 else ''} with us")
        for n in YEAR_MILESTONES
        if years >= n
    ]
    shared = set(
        MilestoneShare.objects.filter(membership=membership, shared=True).values_list(
            "milestone", flat=True
        )
    )
    return [Milestone(key, label, key in shared) for key, label in reached]


def reached_milestone_keys(membership: Membership, *, today: date) -> set[str]:
    return {m.key for m in milestones(membership, member_hours(membership), today=today)}


def shared_milestones(organisation_id: int) -> list[MilestoneShare]:
    """Milestones volunteers chose to share, newest first: the coordinator's rota page."""
    return list(
        MilestoneShare.objects.filter(organisation_id=organisation_id, shared=True)
        .select_related("membership__user")
        .order_by("-changed_at", "-pk")[:20]
    )


# Gifts ------------------------------------------------------------------------------------------


def gifts(organisation_id: int, *, limit: int = 100) -> list[Gift]:
    return list(
        Gift.objects.filter(organisation_id=organisation_id)
        .select_related("recorded_by")
        .order_by("-received_on", "-pk")[:limit]
    )


@dataclass(frozen=True)
class GiftLine:
    kind: str
    label: str
    count: int
    value: Decimal
    kilograms: Decimal
    items: Decimal


def gifts_summary(organisation_id: int, start: date, end: date) -> list[GiftLine]:
    """Gifts received in a period by kind: how many, their value, kilograms and items (one
    query). The report suppresses kinds with fewer than five gifts."""
    rows = (
        Gift.objects.filter(
            organisation_id=organisation_id, received_on__gte=start, received_on__lte=end
        )
        .values("kind")
        .annotate(
            count=Count("pk"),
            value=Sum("value"),
            kilograms=Sum("quantity", filter=Q(unit="kg")),
            items=Sum("quantity", filter=Q(unit="items")),
        )
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    return [
        GiftLine(
            kind=kind.value,
            label=str(kind.label),
            count=found[kind.value]["count"],
            value=found[kind.value]["value"] or Decimal(0),
            kilograms=found[kind.value]["kilograms"] or Decimal(0),
            items=found[kind.value]["items"] or Decimal(0),
        )
        for kind in GiftKind
        if kind.value in found
    ]
