"""The demo's diaries: skills, languages, weekly availability, days away and booked appointments.

Called by the demo builder inside its transaction, after the town is written. Trusted system code
like the other demo modules: bulk inserts and no audit events of its own (the builder records one
`demo.built` event for the whole town), and no reminders queued.

Shared sphere only: who meets whom, when, where and how. Never why.

Deterministic for a seed and day: every choice comes from a `random.Random` seeded with the seed
and a fixed label, and rows are walked in id order. The one exception is the `supporter` login's
appointment earlier today, which starts at 09:30, or an hour before the build when the demo is
built before 10:30 (it must already have started, so that "it happened" can be recorded at once).

Scales with the town: a handful of queries, then one pass over the people with a named worker
(about 30,000 appointments for 100,000 people).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import router
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role, Skill
from alongside.demo.writer import BATCH_SIZE, Adapted, Rows
from alongside.relationships.models import Handover, NamedWorkerSpell
from alongside.scheduling.models import (
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    AvailabilityException,
    BookedVia,
    ExceptionKind,
    WeeklyAvailability,
)
from alongside.visibility.roles import WORKER_ROLES

SKILLS = (
    "Befriending", "Benefits", "Debt advice", "Employment", "Form filling", "Housing",
    "Mental health",
)  # fmt: skip
# Skills a team's workers usually have, most likely first.
TEAM_SKILLS = {
    "Foodbank": ("Benefits", "Debt advice", "Form filling", "Befriending"),
    "Advice service": ("Debt advice", "Benefits", "Housing", "Employment", "Form filling"),
    "Link workers": ("Mental health", "Befriending", "Housing", "Benefits", "Employment"),
    "Advice": ("Debt advice", "Benefits", "Housing", "Form filling"),
}
# A second language some workers speak (everyone speaks English), with its share of workers.
LANGUAGES = (("Polish", 0.08), ("Urdu", 0.06), ("Somali", 0.04), ("Arabic", 0.04))
MIN_WORKERS_FOR_EVERY_LANGUAGE = 10
PLACES = {
    "riverside": ("The hub, Mill Street", "Community room, Canal Street library"),
    "hillside": ("Hillside Advice Centre, Station Road",),
}
MORNING = (time(9, 30), time(12, 30))
AFTERNOON = (time(13, 30), time(16, 30))
VOLUNTEER_BLOCKS = ((time(10), time(12)), (time(14), time(16)))
CLOSED = ((12, 25), (12, 26), (1, 1))  # (month, day): no appointments on these holidays
BOOKING_DAYS = 28  # appointments are booked up to four weeks ahead
SHARE_BOOKED = 1 / 3  # of the people with a named worker
SHARE_WITH_NAMED = 0.85
SHARE_AWAY = 0.12  # workers with days away in the coming weeks
VIDEO_LINK = "https://meet.example.org/{org}-{code:06x}"
COUNTS = ("skills", "availability_blocks", "days_away", "appointments")


@dataclass
class _Worker:
    membership: Membership
    blocks: list[WeeklyAvailability] = field(default_factory=list)
    away: list[tuple[date, date]] = field(default_factory=list)
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)
    _options: list[tuple[date, WeeklyAvailability]] | None = None

    def options(self, days: list[date]) -> list[tuple[date, WeeklyAvailability]]:
        """Every (day, block) this worker can be booked in, in the booking window."""
        if self._options is None:
            self._options = [
                (day, block) for day in days for block in self.blocks
                if block.weekday == day.weekday() and self.works_on(day)
            ]  # fmt: skip
        return self._options

    def free(self, start: datetime, end: datetime) -> bool:
        return not any(s < end and start < e for s, e in self.busy)

    def works_on(self, day: date) -> bool:
        leaving = self.membership.leaving_on
        return (leaving is None or day <= leaving) and not any(a <= day <= b for a, b in self.away)


def build_scheduling(*, seed: int, today: date) -> dict[str, int]:
    """Skills, languages, availability, days away and appointments for every demo organisation."""
    counts = dict.fromkeys(COUNTS, 0)
    for org in Organisation.objects.filter(is_demo=True).order_by("pk"):
        for name, count in _build_organisation(org, seed=seed, today=today).items():
            counts[name] += count
    return counts


def _build_organisation(org: Organisation, *, seed: int, today: date) -> dict[str, int]:
    rng = random.Random(f"{seed}:scheduling:{org.slug}")
    members = list(
        Membership.objects.filter(
            organisation=org, role__in=sorted(WORKER_ROLES), left_on__isnull=True
        )
        .select_related("team", "user")
        .order_by("pk")
    )
    counts = {"skills": _skills(org, members, rng)}
    _languages(members, rng)
    workers = {m.user_id: _Worker(m) for m in members}
    counts["availability_blocks"] = _availability(org, workers, rng)
    counts["days_away"] = _days_away(workers, rng, today)
    counts["appointments"] = _appointments(org, workers, rng, today)
    return counts


def _skills(org: Organisation, members: list[Membership], rng: random.Random) -> int:
    skills = {
        skill.name: skill
        for skill in Skill.objects.bulk_create(
            [Skill(organisation=org, name=name) for name in SKILLS]
        )
    }
    if any(skill.pk is None for skill in skills.values()):  # backends that return no ids
        skills = {s.name: s for s in Skill.objects.filter(organisation=org, name__in=SKILLS)}
    through = Membership.skills.through
    links: list[tuple[int, int]] = []
    for member in members:
        usual = TEAM_SKILLS.get(member.team.name if member.team else "", SKILLS)
        if member.role == Role.VOLUNTEER:
            chosen = {"Befriending"} | ({rng.choice(usual)} if rng.random() < 0.3 else set())
        else:
            chosen = set(rng.sample(usual, k=min(len(usual), rng.choice((1, 2, 2, 3)))))
        links += [(member.pk, skills[name].pk) for name in sorted(chosen)]
    Rows(through, ("membership_id", "skill_id"), router.db_for_write(through)).write(links)
    return len(skills)


def _languages(members: list[Membership], rng: random.Random) -> None:
    """Mostly English; some Polish, Urdu, Somali and Arabic, each spoken by someone at least."""
    spoken: dict[int, str] = {}
    for member in members:
        roll = rng.random()
        for language, share in LANGUAGES:
            if roll < share:
                spoken[member.pk] = language
                break
            roll -= share
    english_only = [m.pk for m in members if m.pk not in spoken]
    for language, _share in LANGUAGES:
        if len(members) >= MIN_WORKERS_FOR_EVERY_LANGUAGE and language not in spoken.values():
            spoken[english_only.pop(rng.randrange(len(english_only)))] = language
    by_value: dict[str, list[int]] = defaultdict(list)
    for member in members:
        value = f"English, {spoken[member.pk]}" if member.pk in spoken else "English"
        member.languages = value
        by_value[value].append(member.pk)
    for value, ids in sorted(by_value.items()):
        for start in range(0, len(ids), BATCH_SIZE):
            Membership.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
                languages=value
            )


def _availability(org: Organisation, workers: dict[int, _Worker], rng: random.Random) -> int:
    """A usual week for everyone: staff 2 to 5 days of mornings and afternoons, volunteers less."""
    places = PLACES.get(org.slug, PLACES["riverside"])
    rows = []
    for worker in workers.values():
        member = worker.membership
        spans: list[tuple[time, time] | None]
        place = places[0] if rng.random() < 0.8 else rng.choice(places)
        if member.role == Role.VOLUNTEER:
            days = sorted(rng.sample(range(5), k=rng.choice((1, 1, 2))))
            spans = [rng.choice(VOLUNTEER_BLOCKS) for _ in days]
        else:
            count = rng.choice((2, 3) if member.role == Role.COORDINATOR else (3, 4, 4, 5, 5))
            days = sorted(rng.sample(range(5), k=count))
            spans = []
            for _ in days:
                roll = rng.random()
                spans.append(None if roll < 0.5 else MORNING if roll < 0.75 else AFTERNOON)
        for day, span in zip(days, spans, strict=True):
            for starts, ends in [MORNING, AFTERNOON] if span is None else [span]:
                block = WeeklyAvailability(
                    membership_id=member.pk, weekday=day, starts_at=starts, ends_at=ends,
                    slot_minutes=45 if rng.random() < 0.1 else 60,
                    place="" if rng.random() < 0.1 else place,  # phone and video only
                )  # fmt: skip
                worker.blocks.append(block)
                rows.append(block)
    given = ("membership_id", "weekday", "starts_at", "ends_at", "slot_minutes", "place")
    Rows(WeeklyAvailability, given, router.db_for_write(WeeklyAvailability)).write(
        [tuple(getattr(block, name) for name in given) for block in rows], prepare=True
    )
    return len(rows)


def _days_away(workers: dict[int, _Worker], rng: random.Random, today: date) -> int:
    """Leave and training in the coming weeks, someone off sick now; one Link worker always."""
    rows = []
    first_link = next(
        (
            w for w in workers.values()
            if w.membership.team is not None and w.membership.team.name == "Link workers"
            and w.membership.role == Role.SUPPORTER and w.membership.leaving_on is None
            and w.membership.user.username.startswith("worker")
        ),
        None,
    )  # fmt: skip
    for worker in workers.values():
        if worker is not first_link and rng.random() >= SHARE_AWAY:
            continue
        roll = rng.random()
        if worker is first_link or roll < 0.7:
            kind, starts = ExceptionKind.LEAVE, today + timedelta(days=rng.randint(5, 21))
            length = rng.choice((1, 2, 5, 5, 10))
        elif roll < 0.9:
            kind, starts = ExceptionKind.TRAINING, today + timedelta(days=rng.randint(2, 25))
            length = rng.choice((1, 1, 2))
        else:
            kind, starts = ExceptionKind.SICKNESS, today - timedelta(days=rng.randint(0, 2))
            length = rng.randint(3, 6)
        ends = starts + timedelta(days=length - 1)
        worker.away.append((starts, ends))
        rows.append(AvailabilityException(
            membership_id=worker.membership.pk, starts_on=starts, ends_on=ends, kind=kind,
            recorded_by_id=worker.membership.user_id,
        ))  # fmt: skip
    AvailabilityException.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


class _Booker:
    """Chooses free times in the workers' weeks; no worker or person is ever double-booked."""

    def __init__(self, org: Organisation, workers: dict[int, _Worker], rng: random.Random,
                 today: date) -> None:  # fmt: skip
        self.org, self.workers, self.rng, self.today = org, workers, rng, today
        self.days = [
            day for day in (today + timedelta(days=n) for n in range(1, BOOKING_DAYS))
            if (day.month, day.day) not in CLOSED
        ]  # fmt: skip
        self.by_team: dict[int | None, list[int]] = defaultdict(list)
        for user_id, worker in workers.items():
            self.by_team[worker.membership.team_id].append(user_id)
        self.using = router.db_for_write(Appointment)
        self.adapted = Adapted(self.using)  # rows hold values ready for the database
        self.rows: list[tuple[Any, ...]] = []
        self._moments: dict[tuple[date, time], datetime] = {}

    def moment(self, day: date, at: time) -> datetime:
        key = (day, at)
        if key not in self._moments:
            self._moments[key] = timezone.make_aware(datetime.combine(day, at))
        return self._moments[key]

    def slot(self, worker: _Worker, *, before: date | None = None,
             also: _Worker | None = None) -> tuple[datetime, int, str] | None:  # fmt: skip
        options = worker.options(self.days)
        if before is not None:
            options = [(day, block) for day, block in options if day < before]
        if also is not None:
            options = [(day, block) for day, block in options if also.works_on(day)]
        for _ in range(12):
            if not options:
                return None
            day, block = options[self.rng.randrange(len(options))]
            span = datetime.combine(day, block.ends_at) - datetime.combine(day, block.starts_at)
            slots = int(span.total_seconds() // 60) // block.slot_minutes
            at = datetime.combine(day, block.starts_at) + timedelta(
                minutes=block.slot_minutes * self.rng.randrange(slots)
            )
            start = self.moment(day, at.time())
            end = start + timedelta(minutes=block.slot_minutes)
            if worker.free(start, end) and (also is None or also.free(start, end)):
                return start, block.slot_minutes, block.place
        return None

    def book(self, person_id: int, worker: _Worker, start: datetime, minutes: int, place: str, *,
             mode: str | None = None, also: _Worker | None = None, via: str = BookedVia.BOOKING,
             handover_id: int | None = None, booked_by: int | None = None) -> None:  # fmt: skip
        end = start + timedelta(minutes=minutes)
        if mode is None:
            roll = self.rng.random()
            mode = (
                AppointmentMode.VIDEO if roll < 0.08
                else AppointmentMode.PHONE if roll < 0.3 or not place
                else AppointmentMode.IN_PERSON
            )  # fmt: skip
        link = ""
        if mode == AppointmentMode.VIDEO:
            link = VIDEO_LINK.format(org=self.org.slug, code=self.rng.getrandbits(24))
        booked_at = self.moment(  # a few days or weeks ago
            self.today - timedelta(days=self.rng.randint(1, 21)),
            time(self.rng.randint(9, 16), self.rng.choice((0, 15, 30, 45))),
        )
        moment = self.adapted.moment
        self.rows.append((
            self.org.pk, person_id, worker.membership.user_id,
            also.membership.user_id if also else None, moment(start), moment(end), str(mode),
            place if mode == AppointmentMode.IN_PERSON else "", link,
            str(AppointmentStatus.BOOKED), str(via), handover_id,
            booked_by or worker.membership.user_id, moment(booked_at),
        ))  # fmt: skip
        worker.busy.append((start, end))
        if also is not None:
            also.busy.append((start, end))

    def colleague(self, worker: _Worker) -> _Worker | None:
        """Someone else in the worker's team, at random (without copying the team's list)."""
        team = self.by_team[worker.membership.team_id]
        if len(team) < 2:
            return None
        chosen = team[self.rng.randrange(len(team) - 1)]
        return self.workers[team[-1] if chosen == worker.membership.user_id else chosen]


def _appointments(org: Organisation, workers: dict[int, _Worker], rng: random.Random,
                  today: date) -> int:  # fmt: skip
    """About a third of the people with a named worker have one appointment booked, mostly with
    that worker; a planned introduction has both workers; the supporter login has one today."""
    booker = _Booker(org, workers, rng, today)
    spells = list(
        NamedWorkerSpell.objects.filter(organisation=org, ended_on__isnull=True)
        .order_by("person_id")
        .values_list("person_id", "worker_id")
    )
    booked: set[int] = set()
    supporter = next(
        (w for w in workers.values() if w.membership.user.username == "supporter"), None
    )
    if supporter is not None:
        mine = next((p for p, w in spells if w == supporter.membership.user_id), None)
        if mine is not None:
            start = _earlier_today(today)
            booker.book(mine, supporter, start, 60, "The hub, Mill Street",
                        mode=AppointmentMode.IN_PERSON)  # fmt: skip
            booked.add(mine)
    for handover_id, person_id, from_id, to_id, introduce_by in (
        Handover.objects.filter(organisation=org, status=Handover.Status.PLANNED)
        .order_by("pk")
        .values_list("pk", "person_id", "from_worker_id", "to_worker_id", "introduce_by")
    ):
        old, new = workers.get(from_id), workers.get(to_id)
        if old is None or new is None or person_id in booked:
            continue
        found = booker.slot(old, before=introduce_by, also=new)
        if found is not None:
            start, minutes, place = found
            booker.book(person_id, old, start, minutes, place, also=new,
                        via=BookedVia.HANDOVER, handover_id=handover_id)  # fmt: skip
            booked.add(person_id)
    for person_id, worker_id in spells:
        if person_id in booked or rng.random() >= SHARE_BOOKED:
            continue
        named = workers.get(worker_id)
        if named is None:
            continue
        worker = named
        if rng.random() >= SHARE_WITH_NAMED:
            worker = booker.colleague(named) or named
        found = booker.slot(worker)
        if found is None and worker is not named:
            worker, found = named, booker.slot(named)
        if found is None:
            continue
        start, minutes, place = found
        booker.book(person_id, worker, start, minutes, place)
    given = (
        "organisation_id", "person_id", "worker_id", "with_worker_id", "starts_at", "ends_at",
        "mode", "place", "video_link", "status", "booked_via", "handover_id", "booked_by_id",
        "booked_at",
    )  # fmt: skip
    Rows(Appointment, given, booker.using).write(booker.rows)
    return len(booker.rows)


def _earlier_today(today: date) -> datetime:
    """09:30 today; or, before 10:30, an hour ago (on the quarter hour), so it has started."""
    start = timezone.make_aware(datetime.combine(today, time(9, 30)))
    now = timezone.now()
    if start + timedelta(hours=1) > now >= timezone.make_aware(datetime.combine(today, time.min)):
        local = timezone.localtime(now - timedelta(hours=1))
        start = max(
            timezone.make_aware(datetime.combine(today, time.min)),
            local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0),
        )
    return start
