"""Synthetic planning problems for the benchmark and the tests: deterministic for a seed.

`service()` builds a service like the one the planner was written for (the "12-week service" is
`service(workers=200, people=4000, weeks=12)`):

- workers work 3 to 5 weekdays and offer 2 or 3 sixty-minute appointments on each (the rest of
  their day is other work), so about 11 slots a week each; now and then a worker is away for a
  week. Everyone speaks English; some also speak Polish, Urdu, Somali, Arabic or Romanian. About
  a quarter each have the skills debt and benefits, a fifth housing, a tenth mental-health;
- most people (85%) have a named worker, chosen among the workers who speak their language and,
  mostly, among those with the skill they need; named caseloads are uneven, as in life.
  `seen_before` holds the named worker and 0 to 2 others (1 to 3 workers); a few people are new;
- people are due check-ins weekly (30%), fortnightly (40%) or monthly (30%), each with a window
  of 3 to 5 days starting on the due day; half the check-ins of a person with a need ask for
  that skill; a few people also have an extra appointment whose window overlaps a check-in;
- demand is close to capacity in the weeks when many are due, so choices matter.

`small()` builds little problems (a few workers, people and days) for exact comparison.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from alongside.scheduling.planner.problem import Person, Problem, Request, Slot, Worker

__all__ = ["service", "small"]

START = date(2027, 1, 4)  # a Monday
LANGUAGES = (("pl", 0.08), ("ur", 0.05), ("so", 0.04), ("ar", 0.04), ("ro", 0.03))
PERSON_LANGUAGES = (("pl", 0.05), ("ur", 0.03), ("so", 0.02), ("ar", 0.02), ("ro", 0.015))
SKILLS = (("debt", 0.25), ("benefits", 0.25), ("housing", 0.2), ("mental-health", 0.1))
HOURS = ((9, 30), (11, 0), (13, 30), (15, 0))
CADENCES = ((7, 0.3), (14, 0.4), (28, 0.3))


def service(*, workers: int = 200, people: int = 4000, weeks: int = 12, seed: int = 1) -> Problem:
    """A realistic service (see the module docstring)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    staff = _workers(rng, workers)
    slots = _slots(rng, staff, weeks)
    persons, requests = _people_and_requests(rng, staff, people, weeks)
    return Problem(tuple(staff), tuple(slots), tuple(persons), tuple(requests))


def _workers(rng: random.Random, count: int) -> list[Worker]:
    result = []
    for number in range(1, count + 1):
        languages = {"en"} | {code for code, share in LANGUAGES if rng.random() < share}
        skills = {skill for skill, share in SKILLS if rng.random() < share}
        result.append(Worker(f"w{number:04d}", frozenset(skills), frozenset(languages)))
    return result


def _slots(rng: random.Random, staff: list[Worker], weeks: int) -> list[Slot]:
    slots = []
    for worker in staff:
        days = sorted(rng.sample(range(5), rng.choice((3, 4, 4, 5, 5))))
        pattern = {day: sorted(rng.sample(HOURS, rng.choice((2, 3, 3)))) for day in days}
        for week in range(weeks):
            if rng.random() < 0.06:  # away this week
                continue
            for day, hours in pattern.items():
                on = START + timedelta(days=7 * week + day)
                for hour, minute in hours:
                    # Local wall-clock time, naive on purpose (see planner's docstring).
                    start = datetime(on.year, on.month, on.day, hour, minute)  # noqa: DTZ001
                    slots.append(Slot(f"{worker.id}-{start:%Y%m%dT%H%M}", worker.id, start, 60))
    return slots


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str | None:
    draw = rng.random()
    for code, share in table:
        if draw < share:
            return code
        draw -= share
    return None


def _people_and_requests(
    rng: random.Random, staff: list[Worker], count: int, weeks: int
) -> tuple[list[Person], list[Request]]:
    people: list[Person] = []
    requests: list[Request] = []
    # Uneven caseloads: some workers carry more named people than others.
    weight = {worker.id: rng.uniform(0.6, 1.4) for worker in staff}
    horizon = 7 * weeks
    for number in range(1, count + 1):
        person_id = f"p{number:05d}"
        language = _pick(rng, PERSON_LANGUAGES)
        need = _pick(rng, SKILLS) if rng.random() < 0.35 else None
        speakers = [w for w in staff if language is None or language in w.languages] or staff
        named: str | None = None
        seen: set[str] = set()
        if rng.random() < 0.85:
            pool = speakers
            if need is not None and rng.random() < 0.7:
                pool = [w for w in speakers if need in w.skills] or speakers
            named = rng.choices(pool, weights=[weight[w.id] for w in pool])[0].id
            seen.add(named)
            seen.update(
                w.id for w in rng.sample(speakers, min(len(speakers), rng.choice((0, 1, 1, 2))))
            )
        elif rng.random() < 0.7:
            seen.update(
                w.id for w in rng.sample(speakers, min(len(speakers), rng.choice((1, 2, 3))))
            )
        people.append(Person(person_id, language, named, frozenset(seen)))
        cadence = int(_pick(rng, tuple((str(days), share) for days, share in CADENCES)) or 7)
        due = rng.randrange(min(cadence, horizon))
        while due < horizon:
            earliest = START + timedelta(days=due)
            while earliest.weekday() >= 5:
                earliest += timedelta(days=1)
            latest = earliest + timedelta(days=rng.choice((2, 3, 4)))
            skill = need if need is not None and rng.random() < 0.5 else None
            requests.append(
                Request(f"r{len(requests) + 1:06d}", person_id, earliest, latest, skill)
            )
            due += cadence
        if rng.random() < 0.05:  # an extra appointment, overlapping a check-in
            earliest = START + timedelta(days=rng.randrange(horizon - 7))
            while earliest.weekday() >= 5:
                earliest += timedelta(days=1)
            latest = earliest + timedelta(days=3)
            requests.append(Request(f"r{len(requests) + 1:06d}", person_id, earliest, latest, need))
    return people, requests


def small(seed: int, *, workers: int = 4, people: int = 8, days: int = 5) -> Problem:
    """A little problem for exact comparison: few workers, people, days and slots.

    Slots start on the hour or half hour, so some of one person's options overlap; windows are
    1 to 3 days; skills and languages are drawn so that some requests have few options.
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    staff = [
        Worker(
            f"w{number}",
            frozenset(s for s in ("debt", "housing") if rng.random() < 0.5),
            frozenset({"en"} | ({"pl"} if rng.random() < 0.4 else set())),
        )
        for number in range(1, workers + 1)
    ]
    slots: list[Slot] = []
    for worker in staff:
        for day in range(days):
            for _ in range(rng.choice((0, 1, 1, 2))):
                hour = rng.choice((9, 10, 11))
                minute = rng.choice((0, 30))
                on = START + timedelta(days=day)
                start = datetime(on.year, on.month, on.day, hour, minute)  # noqa: DTZ001
                slot_id = f"s{len(slots) + 1}"
                slots.append(Slot(slot_id, worker.id, start, 60))
    persons: list[Person] = []
    requests: list[Request] = []
    for number in range(1, people + 1):
        named = rng.choice(staff).id if rng.random() < 0.8 else None
        seen = {w.id for w in rng.sample(staff, rng.choice((0, 1, 2)))}
        if named is not None:
            seen.add(named)
        language = "pl" if rng.random() < 0.2 else None
        persons.append(Person(f"p{number}", language, named, frozenset(seen)))
        for _ in range(rng.choice((1, 1, 2, 3))):
            first = rng.randrange(days)
            earliest = START + timedelta(days=first)
            latest = earliest + timedelta(days=rng.choice((0, 1, 2)))
            skill = rng.choice((None, None, None, "debt", "housing"))
            requests.append(Request(f"r{len(requests) + 1}", f"p{number}", earliest, latest, skill))
    return Problem(tuple(staff), tuple(slots), tuple(persons), tuple(requests))
