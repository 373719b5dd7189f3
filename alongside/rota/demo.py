"""The demo's rota and what volunteers gave, for `alongside demo`: a month of shifts around
today (two weeks back, two ahead) from three repeating patterns, most places filled, some gaps
in the coming week, an ask waiting for the demo volunteer, a swap on offer and one made, hours
volunteers added, and three months of gifts and money in the ledger.

Trusted system code: it writes with `bulk_create` and no audit events (the demo builder records
one `demo.built` event for the whole town). Deterministic for a given seed. Nothing here holds a
supported person's words.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.rota import services
from alongside.rota.models import (
    HOLDS_PLACE,
    Gift,
    GiftKind,
    HoursEntry,
    MilestoneShare,
    PatternRole,
    Shift,
    ShiftPattern,
    ShiftRole,
    Signup,
    SignupStatus,
)
from alongside.scheduling.models import HOLDS_TIME, Appointment, WeeklyAvailability
from alongside.spaces.models import Session, Space

# name, weekday, start, end, space it serves (by name), roles
PATTERNS = (
    ("Friday foodbank", 4, time(10), time(13), "", (("Desk", 2), ("Packing", 3), ("Driver", 1))),
    ("Tuesday lunch club", 1, time(11, 30), time(14, 30), "Tuesday Lunch Club", (("Kitchen", 2), ("Welcome", 1))),
    ("Saturday food collection", 5, time(9), time(12), "", (("Collecting", 2), ("Driver", 1))),
)  # fmt: skip
GIFTS = (
    (GiftKind.FOOD, "Tins, pasta and cereal from the harvest collection", "kg", 40, None, "St Mark's School"),
    (GiftKind.FOOD, "Fresh bread", "items", 30, None, "Canal Street Bakery"),
    (GiftKind.FOOD, "Supermarket surplus", "kg", 65, None, "Riverside Co-op"),
    (GiftKind.FOOD, "Donation bin", "kg", 22, None, ""),
    (GiftKind.FOOD, "Fruit and vegetables", "kg", 18, None, "Allotment society"),
    (GiftKind.FOOD, "Baby food and formula", "items", 24, 60, ""),
    (GiftKind.GOODS, "Winter coats", "items", 12, 240, ""),
    (GiftKind.GOODS, "Toiletries", "items", 80, 120, "Rotary club"),
    (GiftKind.GOODS, "School shoes", "items", 9, 180, ""),
    (GiftKind.ROOM, "St Mark's Hall for the lunch club", "hours", 12, 360, "St Mark's Church"),
    (GiftKind.ROOM, "Library meeting room", "hours", 4, 80, "Riverside Library"),
    (GiftKind.MONEY, "Collection at the carol service", "", None, 312, ""),
    (GiftKind.MONEY, "Standing order", "", None, 25, ""),
    (GiftKind.MONEY, "Quiz night", "", None, 486, "Friends of Riverside"),
    (GiftKind.MONEY, "Anonymous cheque", "", None, 500, ""),
    (GiftKind.MONEY, "Sponsored walk", "", None, 730, "Walking group"),
    (GiftKind.MONEY, "Local business grant", "", None, 1000, "Riverside Traders"),
)  # fmt: skip
ADDED = (
    ("Sorting the harvest donations", 150),
    ("A lift to the hospital for someone we support", 90),
    ("Phoning round for the food collection", 45),
    ("Putting up posters for the lunch club", 60),
)


# The foodbank and lunch-club volunteers who are on the rota (not logins; the demo "volunteer"
# login is on it too): given name, family name, days since they started.
ROTA_VOLUNTEERS = (
    ("Hana", "Begum", 900), ("Tom", "Okafor", 420), ("Grace", "Lindqvist", 200),
    ("Dev", "Mistry", 150), ("Rosa", "Ferreira", 700), ("Alan", "Pugh", 60),
    ("Maya", "Clarke", 380), ("Sunil", "Rao", 30),
)  # fmt: skip


def _rota_volunteers(organisation: Organisation, today: date) -> None:
    for given, family, days in ROTA_VOLUNTEERS:
        username = f"rota.{given.lower()}"
        user = User(
            username=username, first_name=given, last_name=family,
            email=f"{username}@demo.alongside.invalid",  # the demo's users' domain (demo/writer.py)
        )  # fmt: skip
        user.set_unusable_password()
        user.save()
        member = Membership.objects.create(
            organisation=organisation, user=user, role=Role.VOLUNTEER,
            started_on=today - timedelta(days=days), languages="English",
        )  # fmt: skip
        # Like every demo worker, a diary: one morning a week when they can see someone.
        WeeklyAvailability.objects.create(
            membership=member, weekday=len(given) % 5, starts_at=time(10), ends_at=time(12),
            place="Riverside Centre",
        )  # fmt: skip


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def build_rota(*, organisation: Organisation, seed: int, today: date) -> dict[str, int]:
    rng = random.Random(f"{seed}:rota")
    _rota_volunteers(organisation, today)
    members = list(
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.VOLUNTEER)
        .select_related("user")
        .order_by("pk")
    )
    coordinator = (
        Membership.objects.filter(organisation=organisation, user__username="coordinator").first()
        or Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR).first()
    )
    if not members or coordinator is None:
        return {}
    demo_volunteer = next((m for m in members if m.user.username == "volunteer"), members[0])
    start, end = today - timedelta(days=14), today + timedelta(days=14)
    spaces = {s.name: s for s in Space.objects.filter(organisation=organisation)}
    shifts: list[Shift] = []
    needs: dict[int, tuple[tuple[str, int], ...]] = {}
    for name, weekday, starts, ends, space_name, roles in PATTERNS:
        space = spaces.get(space_name)
        pattern = ShiftPattern.objects.create(
            organisation=organisation, name=name, space=space, weekday=weekday,
            starts_at=starts, ends_at=ends, starts_on=start, ends_on=None,
            created_by=coordinator.user, place=space.venue if space else "Riverside Centre",
        )  # fmt: skip
        PatternRole.objects.bulk_create(
            PatternRole(pattern=pattern, name=r, needed=n) for r, n in roles
        )
        sessions = (
            {s.on: s for s in Session.objects.filter(space=space, on__gte=start, on__lte=end)}
            if space
            else {}
        )
        day = start + timedelta(days=(weekday - start.weekday()) % 7)
        while day <= end:
            shift = Shift.objects.create(
                organisation=organisation, pattern=pattern, session=sessions.get(day),
                name=name, place=pattern.place, starts_at=_at(day, starts), ends_at=_at(day, ends),
            )  # fmt: skip
            shifts.append(shift)
            needs[shift.pk] = roles
            day += timedelta(weeks=1)
    ShiftRole.objects.bulk_create(
        ShiftRole(shift=shift, name=r, needed=n) for shift in shifts for r, n in needs[shift.pk]
    )
    busy = list(
        Appointment.objects.filter(
            organisation=organisation, status__in=HOLDS_TIME,
            starts_at__lt=_at(end, time(23)), ends_at__gt=_at(start, time(0)),
        ).values_list("worker_id", "starts_at", "ends_at")
    )  # fmt: skip
    signups: list[Signup] = []
    week_ahead = today + timedelta(days=7)
    for shift in shifts:
        day = timezone.localdate(shift.starts_at)
        free = [
            m
            for m in members
            if not any(
                w == m.user_id and s < shift.ends_at and e > shift.starts_at for w, s, e in busy
            )
        ]
        rng.shuffle(free)
        for role in ShiftRole.objects.filter(shift=shift).order_by("pk"):
            # The past is filled; the coming week has gaps, the week after more.
            short = 0 if day < today else rng.choice((0, 1, 1)) if day < week_ahead else 1
            for _ in range(max(role.needed - short, 0)):
                if not free:
                    break
                member = free.pop()
                signups.append(
                    Signup(
                        organisation=organisation, shift=shift, role=role, membership=member,
                        status=SignupStatus.CONFIRMED, starts_at=shift.starts_at,
                        ends_at=shift.ends_at, did_not_come=day < today and rng.random() < 0.05,
                    )
                )  # fmt: skip
    Signup.objects.bulk_create(signups)
    _volunteer_page(organisation, demo_volunteer, members, coordinator, today, rng)
    _cancel_one(organisation, demo_volunteer, coordinator, today)
    made = services.roll_on(today)  # the rest of the next 12 weeks, as the daily task keeps them
    hours = [
        HoursEntry(
            organisation=organisation,
            membership=member,
            what=what,
            on=today - timedelta(days=rng.randint(1, 60)),
            minutes=minutes,
        )  # fmt: skip
        for member in members[:6]
        for what, minutes in rng.sample(ADDED, 2)
    ]
    HoursEntry.objects.bulk_create(hours)
    MilestoneShare.objects.create(
        organisation=organisation, membership=members[-1], milestone="hours-10", shared=True
    )
    gifts = [
        Gift(
            organisation=organisation,
            kind=kind,
            description=what,
            unit=unit,
            quantity=Decimal(quantity) if quantity is not None else None,
            value=Decimal(value) if value is not None else None,
            donor=donor,
            received_on=today - timedelta(days=rng.randint(1, 85)),
            recorded_by=coordinator.user,
        )  # fmt: skip
        for kind, what, unit, quantity, value, donor in GIFTS
    ]
    Gift.objects.bulk_create(gifts)
    return {
        "shifts": len(shifts) + made,
        "shift signups": Signup.objects.filter(organisation=organisation).count(),
        "hours added": len(hours),
        "gifts": len(gifts),
    }


def _cancel_one(
    organisation: Organisation, volunteer: Membership, coordinator: Membership, today: date
) -> None:
    """A shift in the week after next, cancelled with its reason: the demo volunteer was on it
    (when they were on one then) and sees it under "Cancelled" on My shifts."""
    later = Shift.objects.filter(
        organisation=organisation, starts_at__gte=_at(today + timedelta(days=8), time(0))
    ).order_by("starts_at", "pk")
    shift = later.filter(signups__membership=volunteer).first() or later.first()
    if shift is None:
        return
    # Written as `services.cancel_shift` leaves it, without its audit event and email: building
    # the demo records one audit event, `demo.built` (demo/tests/test_demo.py).
    now = timezone.now()
    Signup.objects.filter(shift=shift, status__in=HOLDS_PLACE).update(
        status=SignupStatus.CANCELLED, offered_at=None, changed_at=now
    )
    Shift.objects.filter(pk=shift.pk).update(
        cancelled_at=now,
        cancelled_by=coordinator,
        cancel_reason="The hall is closed that day for a boiler repair.",
    )


def _volunteer_page(
    organisation: Organisation,
    volunteer: Membership,
    members: list[Membership],
    coordinator: Membership,
    today: date,
    rng: random.Random,
) -> None:
    """What the demo volunteer sees: an ask waiting, a swap on offer from someone else, and one
    swap made last week; the coordinator sees both swaps."""
    mine = set(
        Signup.objects.filter(membership=volunteer, starts_at__gte=timezone.now()).values_list(
            "shift_id", flat=True
        )
    )
    ahead = list(
        Signup.objects.filter(
            organisation=organisation,
            status=SignupStatus.CONFIRMED,
            starts_at__gt=_at(today + timedelta(days=2), time(0)),
        )
        .exclude(membership=volunteer)
        .exclude(shift_id__in=mine)
        .order_by("starts_at", "pk")
    )
    taken_days = {
        timezone.localdate(s.starts_at) for s in Signup.objects.filter(membership=volunteer)
    }
    offer = next((s for s in ahead if timezone.localdate(s.starts_at) not in taken_days), None)
    if offer is not None:
        offer.offered_at = timezone.now() - timedelta(hours=5)
        offer.save(update_fields=["offered_at"])
        taken_days.add(timezone.localdate(offer.starts_at))
    # An ask waiting: a gap on a shift the volunteer is free for.
    for role in ShiftRole.objects.filter(
        shift__organisation=organisation, shift__starts_at__gt=timezone.now()
    ).order_by("shift__starts_at", "pk"):
        day = timezone.localdate(role.shift.starts_at)
        taken = Signup.objects.filter(
            role=role, status__in=(SignupStatus.ASKED, SignupStatus.CONFIRMED)
        ).count()
        if taken < role.needed and day not in taken_days and role.shift_id not in mine:
            Signup.objects.create(
                organisation=organisation, shift=role.shift, role=role, membership=volunteer,
                status=SignupStatus.ASKED, starts_at=role.shift.starts_at,
                ends_at=role.shift.ends_at, asked_by=coordinator,
            )  # fmt: skip
            break
    # A swap made: one of last week's shifts passed from one volunteer to another.
    past = (
        Signup.objects.filter(
            organisation=organisation, status=SignupStatus.CONFIRMED,
            starts_at__gte=_at(today - timedelta(days=7), time(0)), starts_at__lt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )  # fmt: skip
    if past is not None:
        on_it = set(Signup.objects.filter(shift=past.shift).values_list("membership_id", flat=True))
        taker = next((m for m in members if m.pk not in on_it), None)
        if taker is not None:
            past.status = SignupStatus.SWAPPED
            past.offered_at = past.starts_at - timedelta(days=3)
            past.save(update_fields=["status", "offered_at"])
            past.swapped_to = Signup.objects.create(
                organisation=organisation, shift=past.shift, role=past.role, membership=taker,
                status=SignupStatus.CONFIRMED, starts_at=past.starts_at, ends_at=past.ends_at,
            )  # fmt: skip
            past.save(update_fields=["swapped_to"])
