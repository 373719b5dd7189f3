"""The synthetic town as plain data: organisations, workers and people with their named-worker history.

Pure: no database. `plan_town` (in `stories.py`) fills a `Town`; `contacts.py` expands each person's
contacts on demand, so a 100,000-person town never holds all of its contacts in memory at once.

Determinism: every random choice comes from a `random.Random` seeded with the seed and a fixed
label (the town, or one person's draw number), and collections are walked in list order. The
history is anchored to `today`, so the same seed on the same day gives the same town.
"""

import math
import random
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from alongside.access.models import Role
from alongside.demo import names
from alongside.people.models import ContactPreference
from alongside.relationships.models import Handover, SpellReason, WorkerRequest

FOODBANK, ADVICE, LINK = "Foodbank", "Advice service", "Link workers"
HILLSIDE_TEAM = "Advice"
RIVERSIDE = "riverside"
HILLSIDE = "hillside"
POD_SIZE = 6
FAR_FUTURE = date.max


@dataclass(slots=True)
class WorkerPlan:
    index: int
    username: str
    org: str
    first_name: str
    last_name: str
    role: str
    team: str | None
    started_on: date
    left_on: date | None = None
    leaving_on: date | None = None
    capacity: float = 0.0  # share of new people given to them as named worker
    pod: int = -1  # colleagues who cover for each other; -1: none (volunteers, non-worker roles)
    successor: int | None = None  # the worker who joined to replace them

    def active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass(slots=True)
class SpellPlan:
    worker: int
    started_on: date
    ended_on: date | None
    reason: str
    chosen_by_person: bool
    created_by: int


@dataclass(slots=True)
class HandoverPlan:
    from_worker: int
    to_worker: int
    reason: str
    status: str
    planned_on: date
    introduce_by: date | None
    completed_on: date | None
    cold_reason: str
    created_by: int
    index: int = -1  # set once people are in their final order


@dataclass(slots=True)
class RequestPlan:
    requested_worker: int | None
    in_their_words: str
    status: str
    requested_on: date
    answered_on: date | None
    recorded_by: int


RANDOM_FOLLOW_UP = date.min  # marker: the last contact's follow-up is drawn like any other


@dataclass(slots=True)
class PersonPlan:
    stream: str  # labels this person's random streams; independent of order and chunking
    org: str
    team: str
    style: str  # which words they use when asking for help (a team name or "befriending")
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    languages: str
    access_needs: str
    contact_preference: str
    contact_details: str
    what_matters: str
    first_day: date
    gap_days: float
    stop_day: date
    date_of_birth: date | None = None
    postcode: str = ""
    phone: str = ""
    fixed_days: tuple[date, ...] | None = None
    p_named: float = 0.85
    scattered: bool = False
    last_follow_up: date | None = RANDOM_FOLLOW_UP
    spells: list[SpellPlan] = field(default_factory=list)
    handovers: list[HandoverPlan] = field(default_factory=list)
    requests: list[RequestPlan] = field(default_factory=list)
    index: int = -1

    def named_on(self, day: date) -> int | None:
        for spell in reversed(self.spells):
            if spell.started_on <= day and (spell.ended_on is None or day <= spell.ended_on):
                return spell.worker
        return None

    def shared_texts(self) -> tuple[str, ...]:
        return (
            self.given_name, self.family_name, self.preferred_name, self.pronouns, self.languages,
            self.access_needs, self.contact_details, self.what_matters,
            *(h.cold_reason for h in self.handovers), *(r.in_their_words for r in self.requests),
        )  # fmt: skip


class Calendar:
    """Working days (Monday to Friday) from the start of the history to yesterday."""

    def __init__(self, today: date, years: int) -> None:
        self.today = today
        self.start = today - timedelta(days=round(365.25 * years))
        self.last_day = self.back(today - timedelta(days=1))
        days, day = [], self.forward(self.start)
        while day <= self.last_day:
            days.append(day)
            day = self.forward(day + timedelta(days=1))
        self.days = days

    @staticmethod
    def forward(day: date) -> date:
        return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day

    @staticmethod
    def back(day: date) -> date:
        return day - timedelta(days=day.weekday() - 4) if day.weekday() >= 5 else day

    def ago(self, days: int) -> date:
        """The working day on or before `days` days ago, never before the start."""
        return max(self.days[0], self.back(self.today - timedelta(days=days)))

    def at_fraction(self, fraction: float) -> date:
        return self.days[min(len(self.days) - 1, max(0, int(fraction * len(self.days))))]

    def between(self, rng: random.Random, first: date, last: date) -> date:
        """A working day in [first, last] (first when the range is empty)."""
        lo = bisect_right(self.days, first - timedelta(days=1))
        hi = bisect_right(self.days, last) - 1
        return self.days[rng.randint(lo, hi)] if hi >= lo else first


@dataclass
class OrgPlan:
    slug: str
    name: str
    teams: tuple[str, ...]
    team_weights: tuple[float, ...]
    coordinators: dict[str, int] = field(default_factory=dict)
    pools: dict[str, tuple[list[int], list[float]]] = field(default_factory=dict)
    pods: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class Town:
    seed: int
    calendar: Calendar
    canary: str | None
    organisations: list[OrgPlan]
    workers: list[WorkerPlan]
    people: list[PersonPlan] = field(default_factory=list)
    handovers: list[HandoverPlan] = field(default_factory=list)
    logins: dict[str, int] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)  # open spells per worker, while planning

    @property
    def today(self) -> date:
        return self.calendar.today

    def org(self, slug: str) -> OrgPlan:
        return next(org for org in self.organisations if org.slug == slug)

    def index_pools(self) -> None:
        """Weighted pools of new named workers per team, and pods of colleagues."""
        self.loads = [0.0] * len(self.workers)
        for org in self.organisations:
            for team in org.teams:
                members = [
                    w.index for w in self.workers
                    if w.org == org.slug and w.team == team and w.capacity > 0
                ]  # fmt: skip
                weights = list(accumulate(self.workers[i].capacity for i in members))
                org.pools[team] = (members, weights)
            for worker in self.workers:
                if worker.org == org.slug and worker.pod >= 0:
                    org.pods.setdefault(worker.pod, []).append(worker.index)

    def choose_named_worker(
        self, rng: random.Random, org: OrgPlan, team: str, day: date, *, avoid: int | None = None,
        prefer: int | None = None, balance: bool = False,
    ) -> int | None:  # fmt: skip
        """A worker in the team to become someone's named worker on `day`, by capacity.

        With `balance`, the lighter caseload (for their capacity) of two candidates, which keeps
        caseloads close together.
        """
        if prefer is not None and self.workers[prefer].active_on(day) and rng.random() < 0.5:
            return prefer
        members, weights = org.pools[team]

        def fits(index: int) -> bool:
            worker = self.workers[index]
            stays = worker.left_on is None or worker.left_on > day + timedelta(days=30)
            return index != avoid and worker.active_on(day) and stays

        found: list[int] = []
        for _ in range(80):
            index = members[bisect_right(weights, rng.random() * weights[-1])]
            if fits(index):
                found.append(index)
                if not balance or len(found) == 2:
                    break
        if not found:
            fitting = [index for index in members if fits(index)]
            return rng.choice(fitting) if fitting else None
        return min(found, key=lambda i: self.loads[i] / self.workers[i].capacity)

    def colleague(self, rng: random.Random, org: OrgPlan, worker: int, day: date,
                  exclude: tuple[int, ...] = ()) -> int | None:  # fmt: skip
        """Someone in the worker's pod (or else team) who is working on `day`."""
        pod = self.workers[worker].pod
        members = org.pods.get(pod, []) if pod >= 0 else []
        options = [
            i
            for i in members
            if i != worker and i not in exclude and self.workers[i].active_on(day)
        ]
        if options:
            return rng.choice(options)
        team = self.workers[worker].team
        if team is None:
            return None
        for _ in range(20):
            index = self.choose_named_worker(rng, org, team, day, avoid=worker)
            if index is not None and index not in exclude:
                return index
        return None

    def coordinator_for(self, org: OrgPlan, team: str, fallback: int) -> int:
        return org.coordinators.get(team, fallback)


def weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    total = sum(weight for _, weight in options)
    point = rng.random() * total
    for value, weight in options:
        point -= weight
        if point < 0:
            return value
    return options[-1][0]


_ORIGIN_WEIGHTS = list(accumulate(origin.weight for origin in names.ORIGINS))


@dataclass(slots=True)
class Identity:
    given_name: str
    family_name: str
    gender: str
    languages: str


def identity(rng: random.Random) -> Identity:
    origin = names.ORIGINS[bisect_right(_ORIGIN_WEIGHTS, rng.random() * _ORIGIN_WEIGHTS[-1])]
    roll = rng.random()
    gender = "female" if roll < 0.52 else "male" if roll < 0.98 else "neutral"
    pool = {"female": origin.female, "male": origin.male}.get(gender, origin.female + origin.male)
    given = rng.choice(pool)
    family_origin = origin
    if rng.random() < 0.08:  # mixed families and marriages
        family_origin = names.ORIGINS[
            bisect_right(_ORIGIN_WEIGHTS, rng.random() * _ORIGIN_WEIGHTS[-1])
        ]
    family = rng.choice(family_origin.family)
    if gender == "female":
        family = family_origin.female_family.get(family, family)
    return Identity(given, family, gender, weighted(rng, origin.languages))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


STREETS = (
    "Mill Lane", "Canal Street", "Station Road", "Church Walk", "Victoria Terrace", "Brook Close",
    "Oak Avenue", "Market Street", "Wharf Road", "Elm Grove", "Weavers Row", "Orchard Way",
)  # fmt: skip
PREFERENCES = (
    (ContactPreference.PHONE, 45.0), (ContactPreference.TEXT, 25.0), (ContactPreference.EMAIL, 10.0),
    (ContactPreference.POST, 5.0), (ContactPreference.IN_PERSON, 15.0),
)  # fmt: skip


def new_person(rng: random.Random, *, stream: str, org: str, team: str, style: str | None = None,
               first_day: date, gap_days: float, stop_day: date, town_name: str) -> PersonPlan:  # fmt: skip
    """A person's shared-sphere record (invented), and their contact rhythm."""
    who = identity(rng)
    nickname = names.NICKNAMES.get(who.given_name, "")
    preferred = nickname if nickname and rng.random() < 0.5 else ""
    pronouns = names.PRONOUNS["neutral"] if who.gender == "neutral" else ""
    if not pronouns and rng.random() < 0.4:
        pronouns = names.PRONOUNS[who.gender]
    access = ""
    if "English" not in who.languages and rng.random() < 0.5:
        access = "Needs an interpreter"
    elif rng.random() < 0.12:
        access = rng.choice(names.ACCESS_NEEDS)
    preference = weighted(rng, PREFERENCES)
    number = rng.randint(0, 999)
    if preference in (ContactPreference.PHONE, ContactPreference.TEXT):
        details = f"07700 900{number:03d}"  # Ofcom's range for drama: never a real number
    elif preference == ContactPreference.EMAIL:
        details = (
            f"{_ascii(who.given_name)}.{_ascii(who.family_name)[:1]}{number % 90 + 10}@example.org"
        )
    elif preference == ContactPreference.POST:
        details = f"{number % 120 + 1} {rng.choice(STREETS)}, {town_name}"
    else:
        details = ""
    matters = rng.choice(names.WHAT_MATTERS) if rng.random() < 0.7 else ""
    born, postcode, phone = record_basics(stream, org, details, first_day)
    return PersonPlan(
        stream=stream, org=org, team=team, style=style or team, given_name=who.given_name,
        family_name=who.family_name, preferred_name=preferred, pronouns=pronouns,
        languages=who.languages, access_needs=access, contact_preference=preference,
        contact_details=details, what_matters=matters, first_day=first_day, gap_days=gap_days,
        stop_day=stop_day, date_of_birth=born, postcode=postcode, phone=phone,
    )  # fmt: skip


POSTCODE_AREA = "RV"  # not a UK postcode area: invented districts RV1 to RV9
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters real inward codes use


def record_basics(
    stream: str, org: str, details: str, first_day: date
) -> tuple[date | None, str, str]:
    """Date of birth, postcode and phone for most people (invented). Drawn from their own stream,
    so adding them changed no other draw: phones only in Ofcom's drama range 07700 900000-900999."""
    rng = random.Random(f"basics:{org}:{stream}")
    born = None
    if rng.random() < 0.85:
        born = first_day - timedelta(days=rng.randint(18 * 365, 85 * 365))
    postcode = ""
    if rng.random() < 0.8:
        postcode = (
            f"{POSTCODE_AREA}{rng.randint(1, 9)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )
    phone = details if details.startswith("07700 900") else ""
    if not phone and rng.random() < 0.6:
        phone = f"07700 900{rng.randint(0, 999):03d}"
    return born, postcode, phone


def continuity_habit(rng: random.Random) -> float:
    """How often a person's contacts are with their named worker."""
    roll = rng.random()
    if roll < 0.7:
        return rng.uniform(0.8, 0.97)
    if roll < 0.95:
        return rng.uniform(0.5, 0.8)
    return rng.uniform(0.25, 0.5)


def generic_person(town: Town, org: OrgPlan, stream: str, town_name: str) -> PersonPlan:
    """Someone who came to the organisation at some point in the history, with their worker changes."""
    cal = town.calendar
    rng = random.Random(f"{town.seed}:person:{org.slug}:{stream}")
    team = weighted(rng, tuple(zip(org.teams, org.team_weights, strict=True)))
    roll = rng.random()
    unassigned = roll < 0.02
    if unassigned:  # new, no named worker yet
        first = cal.between(rng, cal.ago(20), cal.last_day)
    elif roll < 0.32:  # already coming when the history starts
        first = cal.days[rng.randint(0, min(15, len(cal.days) - 1))]
    else:
        first = rng.choice(cal.days)
    duration = (cal.last_day - first).days
    gap = min(120.0, max(5.0, rng.lognormvariate(math.log(22), 0.55)))
    gap = max(gap, duration / 48)  # at most about 50 contacts
    stop = cal.last_day
    if duration > 60 and rng.random() < 0.06:  # stopped coming
        stop = first + timedelta(days=int(duration * rng.uniform(0.3, 0.85)))
    person = new_person(rng, stream=stream, org=org.slug, team=team, first_day=first,
                        gap_days=gap, stop_day=stop, town_name=town_name)  # fmt: skip
    person.p_named = continuity_habit(rng)
    person.scattered = rng.random() < 0.02
    if person.scattered:
        person.gap_days = max(min(person.gap_days, rng.uniform(6, 9)), duration / 50)
    if unassigned:
        return person
    worker = town.choose_named_worker(rng, org, team, first, balance=True)
    if worker is None:
        return person
    person.spells.append(SpellPlan(worker, first, None, SpellReason.FIRST, False, worker))
    town.loads[worker] += 1
    change_worker_over_time(town, org, person, rng)
    if rng.random() < 0.01 and (cal.last_day - first).days > 30:
        current = person.spells[-1].worker
        other = town.colleague(rng, org, current, cal.last_day)
        text = rng.choice(names.CHANGE_WORKER)
        person.requests.append(RequestPlan(
            requested_worker=other if other is not None and "{name}" in text else None,
            in_their_words=text.format(name=town.workers[other].first_name if other is not None
                                       else "someone"),
            status=WorkerRequest.Status.OPEN, requested_on=cal.ago(rng.randint(1, 20)),
            answered_on=None, recorded_by=current,
        ))  # fmt: skip
    return person


def change_worker_over_time(
    town: Town, org: OrgPlan, person: PersonPlan, rng: random.Random
) -> None:
    """Walk the open spell forward: handovers when a worker leaves, a person's choice, workloads."""
    cal = town.calendar
    choice_day = workload_day = None
    if rng.random() < 0.05:
        choice_day = person.first_day + timedelta(days=rng.randint(30, 700))
    if rng.random() < 0.02:
        workload_day = person.first_day + timedelta(days=rng.randint(30, 700))
    while True:
        spell = person.spells[-1]
        worker = town.workers[spell.worker]
        events: list[tuple[date, str]] = []
        leave_day = FAR_FUTURE
        if worker.left_on is not None and worker.left_on <= cal.last_day:
            leave_day = max(
                spell.started_on, cal.back(worker.left_on - timedelta(rng.randint(0, 21)))
            )
            events.append((leave_day, SpellReason.WORKER_LEFT))
        for day, reason in (
            (choice_day, SpellReason.PERSON_CHOSE),
            (workload_day, SpellReason.WORKLOAD),
        ):
            if day is None:
                continue
            day = cal.back(day)
            if (
                spell.started_on + timedelta(days=14)
                < day
                < min(leave_day - timedelta(7), cal.last_day)
            ):
                events.append((day, reason))
        if not events:
            return
        day, reason = min(events)
        if reason == SpellReason.PERSON_CHOSE:
            choice_day = None
        elif reason == SpellReason.WORKLOAD:
            workload_day = None
        prefer = worker.successor if reason == SpellReason.WORKER_LEFT else None
        new = town.choose_named_worker(
            rng, org, person.team, day, avoid=spell.worker, prefer=prefer, balance=True
        )
        if new is None:
            return
        hand_over(town, org, person, rng, to_worker=new, day=day, reason=reason)


def hand_over(town: Town, org: OrgPlan, person: PersonPlan, rng: random.Random, *, to_worker: int,
              day: date, reason: str, status: str | None = None) -> HandoverPlan:  # fmt: skip
    """Close the open spell on `day` and open one with `to_worker`, as the services do."""
    spell = person.spells[-1]
    if status is None:
        warm_share = {SpellReason.WORKER_LEFT: 0.75, SpellReason.PERSON_CHOSE: 0.9}.get(
            reason, 0.85
        )
        if day > person.stop_day:  # they had stopped coming: harder to meet
            warm_share = 0.35
        status = Handover.Status.WARM if rng.random() < warm_share else Handover.Status.COLD
    planned_on = max(spell.started_on, day - timedelta(days=rng.randint(5, 20)))
    coordinator = town.coordinator_for(org, person.team, spell.worker)
    if reason == SpellReason.PERSON_CHOSE:
        requested_on = max(spell.started_on, day - timedelta(days=rng.randint(6, 14)))
        answered_on = min(day, requested_on + timedelta(days=rng.randint(0, 4)))
        planned_on = answered_on
        text = rng.choice(names.CHOSE_WORKER).format(name=town.workers[to_worker].first_name)
        person.requests.append(RequestPlan(to_worker, text, WorkerRequest.Status.AGREED, requested_on,
                                           answered_on, spell.worker))  # fmt: skip
    handover = HandoverPlan(
        from_worker=spell.worker, to_worker=to_worker, reason=reason, status=status,
        planned_on=planned_on, introduce_by=day, completed_on=day,
        cold_reason=rng.choice(names.COLD_REASONS) if status == Handover.Status.COLD else "",
        created_by=coordinator,
    )  # fmt: skip
    person.handovers.append(handover)
    spell.ended_on = day
    town.loads[spell.worker] -= 1
    town.loads[to_worker] += 1
    person.spells.append(
        SpellPlan(to_worker, day, None, reason, reason == SpellReason.PERSON_CHOSE, coordinator)
    )
    return handover


def username_width(count: int) -> int:
    return max(2, len(str(count)))


def role_capacity(role: str) -> float:
    return {Role.SUPPORTER: 1.0, Role.COORDINATOR: 0.35, Role.VOLUNTEER: 0.25}.get(role, 0.0)
