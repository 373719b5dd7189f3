"""The appointment planner: book requests into slots so that people keep the workers they know.

Pure: plain data in, plain data out, no Django, so the app, the `alongside plan` command, the
benchmark (bench/plan.py) and the tests share it. Times are local wall-clock times: a slot's
start is a `datetime` read with `datetime.fromisoformat`, with no zone (or, if every start
carries a UTC offset, all with one); a request's window is whole local days, both inclusive.

The problem (see docs/decisions/0003-planner.md for the method and why):

- hard rules: a slot serves at most one request and a request gets at most one slot; the slot
  starts on a day inside the request's window; the slot's worker has the request's skill (when
  given) and speaks the person's language (when given); one person's slots never overlap;
- score, maximised: 1000 per request served, plus 100 when served by the person's named worker,
  or else 30 when by a worker they have seen before; minus 40 for every distinct worker beyond
  the first that a person is booked with.

How `plan` solves it:

1. A min-cost flow (OR-Tools `SimpleMinCostFlow`) over an aggregated graph: request -> (worker,
   day) for the workers the person knows, request -> (eligibility class, window) pool ->
   (class, day) pools -> (worker, day) for everyone else (all strangers are worth the same
   1000), (worker, day) -> sink with
   the number of that worker's slots that day. Slots of one worker on one day are
   interchangeable once overlaps and the distinct-worker penalty are set aside, so this flow is
   exactly the maximum-weight matching of requests to slots with per-edge profit 1000 + bonus.
2. That matching drops the penalty (which is never negative) and the no-overlap rule (which
   only removes options), so its value is a proven upper bound on the score: `Plan.bound`.
3. The flow is turned into slots (pool requests go, where the flow allows, to a worker the
   person already has; each person's slots are kept apart), then improved by local search:
   serve requests still left where a free slot allows, augmenting paths (a chain of moves
   ending in a free slot), move one of the person's own bookings out of the way, move a
   booking to a free slot of a worker the person knows or already sees, or swap it with
   another person's booking when the two together gain.
4. Lagrangian-style rounds: each person gets an "anchor" (the worker they see most), the flow is
   solved again with an extra profit for staying with the anchor, and the repaired plan is kept
   when its true score is better.
5. When the problem is small, CP-SAT solves the full model (with the best plan as a hint)
   within the time limit; when it proves optimality, `bound == score`.

`first_available` is the baseline a booking system does; `propose_successors` proposes who takes
over each person when a worker leaves (a min-cost flow too).
"""

from __future__ import annotations

import math
import time as timer
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from alongside.common.problem_json import (
    ProblemError,
    as_list,
    as_object,
    new_id,
    optional_string,
    required,
    string,
    strings,
)

__all__ = [
    "EXTRA_WORKER",
    "NAMED",
    "SEEN",
    "SERVED",
    "HandoverPerson",
    "Person",
    "Plan",
    "Problem",
    "ProblemError",
    "Request",
    "Slot",
    "Successor",
    "Worker",
    "first_available",
    "parse_problem",
    "plan",
    "plan_to_json",
    "propose_successors",
    "score",
    "summarise",
    "violations",
]

SERVED = 1000
"""Score for each request served."""
NAMED = 100
"""Extra score when a request is served by the person's named worker."""
SEEN = 30
"""Extra score when served by a worker in the person's `seen_before` (and not the named one)."""
EXTRA_WORKER = 40
"""Penalty for each distinct worker beyond the first that one person is booked with."""

# CP-SAT closes the gap when the full model has at most this many request-slot pairs.
EXACT_PAIRS = 4000
# Time CP-SAT gets when no time limit is given (seconds).
EXACT_SECONDS = 10.0
# Extra profit for staying with the anchor worker, one flow round each.
ANCHOR_ROUNDS = (EXTRA_WORKER,)
# Slots an augmenting-path search may label before it gives up.
AUGMENT_LIMIT = 500
# ... and all the searches of one pass together: so many per slot, plus a fixed amount.
AUGMENT_BUDGET = (2, 5000)


# --- The problem ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Worker:
    """Someone who offers slots: the skills they have and the languages they speak."""

    id: str
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Slot:
    """A time a worker offers: starts at `start` (local wall-clock time) and lasts `minutes`."""

    id: str
    worker: str
    start: datetime
    minutes: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who is helped: the language they need, their named worker, who they have met."""

    id: str
    language: str | None = None
    named_worker: str | None = None
    seen_before: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Request:
    """An appointment a person needs, on a day from `earliest` to `latest` (inclusive)."""

    id: str
    person: str
    earliest: date
    latest: date
    skill: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    workers: tuple[Worker, ...]
    slots: tuple[Slot, ...]
    people: tuple[Person, ...]
    requests: tuple[Request, ...]


@dataclass
class Plan:
    """A feasible plan: who is booked where, who is not and why, and how good it is.

    `bound` is a proven upper bound on the best possible score (equal to `score` when the plan
    is proven optimal).
    """

    assignments: dict[str, str]
    unassigned: dict[str, str]
    score: int
    bound: int
    summary: dict[str, float | int] = field(default_factory=dict)


# --- Reading the JSON problem ---------------------------------------------------------------


def parse_problem(data: object) -> Problem:
    """The problem in `data` (parsed JSON); raises ProblemError naming the first bad field.

    Checks types, required keys, duplicate ids, references (a slot's worker, a person's named
    worker and seen_before, a request's person), dates, minutes > 0 and latest >= earliest.
    Optional keys (skills, languages, language, named_worker, seen_before, skill) may be absent
    or null. Unknown keys are ignored.
    """
    root = as_object(data, "$")
    lists = {name: as_list(root, name, "$") for name in ("workers", "slots", "people", "requests")}
    workers: list[Worker] = []
    worker_ids: set[str] = set()
    for index, item in enumerate(lists["workers"]):
        path = f"$.workers[{index}]"
        entry = as_object(item, path)
        worker_id = new_id(entry, path, worker_ids, "worker")
        workers.append(
            Worker(
                worker_id,
                frozenset(strings(entry, "skills", path)),
                frozenset(strings(entry, "languages", path)),
            )
        )
    slots: list[Slot] = []
    slot_ids: set[str] = set()
    zoned: bool | None = None
    for index, item in enumerate(lists["slots"]):
        path = f"$.slots[{index}]"
        entry = as_object(item, path)
        slot_id = new_id(entry, path, slot_ids, "slot")
        worker = _reference(entry, "worker", path, worker_ids, "workers")
        start = _datetime(entry, path)
        if zoned is None:
            zoned = start.tzinfo is not None
        elif zoned != (start.tzinfo is not None):
            raise ProblemError(
                f"{path}.start",
                "has a UTC offset where the first slot's start has none, or the other way "
                "round; give every start in the same style",
            )
        minutes = required(entry, "minutes", path)
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise ProblemError(f"{path}.minutes", f"expected a whole number, got {minutes!r}")
        if minutes <= 0:
            raise ProblemError(f"{path}.minutes", f"must be more than 0, got {minutes}")
        slots.append(Slot(slot_id, worker, start, minutes))
    people: list[Person] = []
    person_ids: set[str] = set()
    for index, item in enumerate(lists["people"]):
        path = f"$.people[{index}]"
        entry = as_object(item, path)
        person_id = new_id(entry, path, person_ids, "person")
        language = optional_string(entry, "language", path)
        named = optional_string(entry, "named_worker", path)
        if named is not None and named not in worker_ids:
            raise ProblemError(f"{path}.named_worker", f"no worker has the id {named!r}")
        seen = strings(entry, "seen_before", path)
        for position, worker_id in enumerate(seen):
            if worker_id not in worker_ids:
                raise ProblemError(
                    f"{path}.seen_before[{position}]", f"no worker has the id {worker_id!r}"
                )
        people.append(Person(person_id, language, named, frozenset(seen)))
    requests: list[Request] = []
    request_ids: set[str] = set()
    for index, item in enumerate(lists["requests"]):
        path = f"$.requests[{index}]"
        entry = as_object(item, path)
        request_id = new_id(entry, path, request_ids, "request")
        person = _reference(entry, "person", path, person_ids, "people")
        earliest = _date(entry, "earliest", path)
        latest = _date(entry, "latest", path)
        if latest < earliest:
            raise ProblemError(
                f"{path}.latest", f"{latest.isoformat()} is before earliest {earliest.isoformat()}"
            )
        skill = optional_string(entry, "skill", path)
        requests.append(Request(request_id, person, earliest, latest, skill))
    return Problem(tuple(workers), tuple(slots), tuple(people), tuple(requests))


def _reference(entry: dict[str, Any], key: str, path: str, known: set[str], where: str) -> str:
    value = string(entry, key, path)
    if value not in known:
        raise ProblemError(f"{path}.{key}", f"no entry in {where} has the id {value!r}")
    return value


def _datetime(entry: dict[str, Any], path: str) -> datetime:
    text = required(entry, "start", path)
    problem = ProblemError(f"{path}.start", f"not an ISO 8601 date-time: {text!r}")
    if not isinstance(text, str) or "T" not in text.upper():
        raise problem
    try:
        # Local wall-clock time, kept naive on purpose (see the module docstring).
        return datetime.fromisoformat(text)
    except ValueError:
        raise problem from None


def _date(entry: dict[str, Any], key: str, path: str) -> date:
    text = required(entry, key, path)
    problem = ProblemError(f"{path}.{key}", f"not an ISO 8601 date: {text!r}")
    if not isinstance(text, str):
        raise problem
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise problem from None


# --- The index: the problem as integers -----------------------------------------------------

_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 (local wall-clock times have no zone)
_AWARE_EPOCH = datetime.fromisoformat("1970-01-01T00:00+00:00")


def _seconds(moment: datetime) -> int:
    """Whole seconds from 1970-01-01 (naive: local wall clock; aware: UTC)."""
    epoch = _NAIVE_EPOCH if moment.tzinfo is None else _AWARE_EPOCH
    return (moment - epoch) // timedelta(seconds=1)


class _Index:
    """The problem with every id turned into a position, and what `plan` needs looked up.

    Days are proleptic ordinals (`date.toordinal`); a "group" is one worker's slots on one day,
    sorted by start and id.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.workers = problem.workers
        self.worker_index = {worker.id: index for index, worker in enumerate(problem.workers)}
        self.slots = problem.slots
        self.slot_index = {slot.id: index for index, slot in enumerate(problem.slots)}
        self.person_index = {person.id: index for index, person in enumerate(problem.people)}
        self.requests = problem.requests
        self.request_index = {request.id: index for index, request in enumerate(problem.requests)}
        slot_count = len(problem.slots)
        self.slot_worker = [self.worker_index.get(slot.worker, -1) for slot in problem.slots]
        self.slot_start = [slot.start for slot in problem.slots]
        self.slot_end = [slot.start + timedelta(minutes=slot.minutes) for slot in problem.slots]
        self.slot_day = [slot.start.toordinal() for slot in problem.slots]
        # Start and end as whole seconds from a fixed moment, for quick overlap tests.
        self.slot_from = [_seconds(slot.start) for slot in problem.slots]
        self.slot_to = [
            start + 60 * slot.minutes
            for start, slot in zip(self.slot_from, problem.slots, strict=True)
        ]
        group_slots: dict[tuple[int, int], list[int]] = {}
        for index in range(slot_count):
            worker = self.slot_worker[index]
            if worker >= 0:
                group_slots.setdefault((worker, self.slot_day[index]), []).append(index)
        keys = sorted(group_slots)
        self.group_of = {key: number for number, key in enumerate(keys)}
        self.group_worker = [key[0] for key in keys]
        self.group_day = [key[1] for key in keys]
        ids = [slot.id for slot in problem.slots]
        self.group_slots = [
            sorted(group_slots[key], key=lambda s: (self.slot_start[s], ids[s])) for key in keys
        ]
        self.slot_group = [-1] * slot_count
        for number, members in enumerate(self.group_slots):
            for index in members:
                self.slot_group[index] = number
        self.day_groups: dict[int, list[int]] = {}
        for number, day in enumerate(self.group_day):
            self.day_groups.setdefault(day, []).append(number)
        # People: language, and the bonus of each worker they know.
        self.bonus: list[dict[int, int]] = []
        self.language: list[str | None] = []
        for entry in problem.people:
            known: dict[int, int] = {}
            for worker_id in sorted(entry.seen_before):
                if worker_id in self.worker_index:
                    known[self.worker_index[worker_id]] = SEEN
            if entry.named_worker in self.worker_index:
                known[self.worker_index[entry.named_worker]] = NAMED
            self.bonus.append(known)
            self.language.append(entry.language)
        # Requests: person, window, eligibility class.
        self.request_person = [self.person_index.get(r.person, -1) for r in problem.requests]
        self.request_low = [r.earliest.toordinal() for r in problem.requests]
        self.request_high = [r.latest.toordinal() for r in problem.requests]
        self.classes: dict[tuple[str | None, str | None], frozenset[int]] = {}
        self.request_class: list[tuple[str | None, str | None]] = []
        for number, request in enumerate(problem.requests):
            person = self.request_person[number]
            key = (request.skill, self.language[person] if person >= 0 else None)
            if key not in self.classes:
                self.classes[key] = frozenset(
                    index
                    for index, worker in enumerate(problem.workers)
                    if (key[0] is None or key[0] in worker.skills)
                    and (key[1] is None or key[1] in worker.languages)
                )
            self.request_class.append(key)
        self.person_requests: list[list[int]] = [[] for _ in problem.people]
        for number, person in enumerate(self.request_person):
            if person >= 0:
                self.person_requests[person].append(number)

    def eligible(self, request: int) -> frozenset[int]:
        return self.classes[self.request_class[request]]

    def fits(self, request: int, slot: int) -> bool:
        """Whether `slot` is in the request's window with an eligible worker."""
        return (
            self.request_person[request] >= 0
            and self.request_low[request] <= self.slot_day[slot] <= self.request_high[request]
            and self.slot_worker[slot] in self.eligible(request)
        )

    def overlaps(self, first: int, second: int) -> bool:
        return (
            self.slot_from[first] < self.slot_to[second]
            and self.slot_from[second] < self.slot_to[first]
        )

    def person_value(self, person: int, slots: Iterable[int]) -> int:
        """The score one person's booked slots add: served, bonuses, distinct-worker penalty."""
        bonus = self.bonus[person]
        total = 0
        workers: set[int] = set()
        for slot in slots:
            worker = self.slot_worker[slot]
            workers.add(worker)
            total += SERVED + bonus.get(worker, 0)
        if workers:
            total -= EXTRA_WORKER * (len(workers) - 1)
        return total

    def total(self, assign: Sequence[int]) -> int:
        return sum(
            self.person_value(person, (assign[r] for r in requests if assign[r] >= 0))
            for person, requests in enumerate(self.person_requests)
        )


# --- Score, violations, summary -------------------------------------------------------------


def score(problem: Problem, assignments: Mapping[str, str]) -> int:
    """The score of `assignments` (request id -> slot id); unknown ids are left out."""
    index = _Index(problem)
    return index.total(_positions(index, assignments))


def _positions(index: _Index, assignments: Mapping[str, str]) -> list[int]:
    assign = [-1] * len(index.requests)
    for request_id, slot_id in assignments.items():
        request = index.request_index.get(request_id)
        slot = index.slot_index.get(slot_id)
        if request is not None and slot is not None:
            assign[request] = slot
    return assign


def violations(problem: Problem, assignments: Mapping[str, str]) -> list[str]:
    """Every hard rule `assignments` breaks, in words; [] when the plan is feasible."""
    index = _Index(problem)
    found: list[str] = []
    users: dict[str, list[str]] = {}
    booked: dict[int, list[tuple[int, str]]] = {}
    for request_id, slot_id in assignments.items():
        request_number = index.request_index.get(request_id)
        slot_number = index.slot_index.get(slot_id)
        if request_number is None:
            found.append(f"request {request_id!r} is not in the problem")
            continue
        if slot_number is None:
            found.append(
                f"request {request_id!r} is booked into slot {slot_id!r}, which is not in the problem"
            )
            continue
        request = index.requests[request_number]
        slot = index.slots[slot_number]
        users.setdefault(slot_id, []).append(request_id)
        day = slot.start.date()
        if not request.earliest <= day <= request.latest:
            found.append(
                f"request {request_id!r} (window {request.earliest.isoformat()} to "
                f"{request.latest.isoformat()}) is booked into slot {slot_id!r}, which starts on "
                f"{day.isoformat()}"
            )
        worker = (
            index.workers[index.slot_worker[slot_number]]
            if index.slot_worker[slot_number] >= 0
            else None
        )
        if request.skill is not None and (worker is None or request.skill not in worker.skills):
            found.append(
                f"request {request_id!r} needs the skill {request.skill!r} but slot {slot_id!r}'s "
                f"worker {slot.worker!r} does not have it"
            )
        person = index.request_person[request_number]
        language = index.language[person] if person >= 0 else None
        if language is not None and (worker is None or language not in worker.languages):
            found.append(
                f"person {request.person!r} speaks {language!r} but slot {slot_id!r}'s worker "
                f"{slot.worker!r} does not (request {request_id!r})"
            )
        if person >= 0:
            booked.setdefault(person, []).append((slot_number, request_id))
    for slot_id, request_ids in users.items():
        if len(request_ids) > 1:
            found.append(
                f"slot {slot_id!r} serves {len(request_ids)} requests: "
                + ", ".join(repr(r) for r in request_ids)
            )
    for person, entries in booked.items():
        entries.sort(key=lambda entry: (index.slot_start[entry[0]], entry[1]))
        for position, (first, first_request) in enumerate(entries):
            for second, second_request in entries[position + 1 :]:
                if index.slot_start[second] >= index.slot_end[first]:
                    break
                if first != second:
                    found.append(
                        f"person {index.problem.people[person].id!r} has overlapping slots "
                        f"{index.slots[first].id!r} (request {first_request!r}) and "
                        f"{index.slots[second].id!r} (request {second_request!r})"
                    )
    return found


def summarise(problem: Problem, assignments: Mapping[str, str]) -> dict[str, float | int]:
    """Figures about a plan.

    - `requests`, `served`: how many requests there are and how many are booked;
    - `named_worker_share`: of the booked requests of people who have a named worker, the share
      booked with that worker;
    - `seen_before_share`: of the booked requests, the share booked with a worker the person
      knows (their named worker or one in seen_before);
    - `mean_distinct_workers`: distinct workers per person with at least one booking;
    - `mean_wait_days`: mean of (slot start - midnight of the request's earliest day), in days;
    - `score`.
    """
    index = _Index(problem)
    assign = _positions(index, assignments)
    served = with_named = named_total = known = 0
    wait = 0.0
    people_workers: dict[int, set[int]] = {}
    for request, slot in enumerate(assign):
        if slot < 0:
            continue
        served += 1
        person = index.request_person[request]
        worker = index.slot_worker[slot]
        bonus = index.bonus[person].get(worker, 0) if person >= 0 else 0
        named = index.problem.people[person].named_worker if person >= 0 else None
        if named is not None:
            named_total += 1
            with_named += bonus == NAMED
        known += bonus > 0
        people_workers.setdefault(person, set()).add(worker)
        start = index.slot_start[slot]
        midnight = datetime.combine(index.requests[request].earliest, time(), start.tzinfo)
        wait += (start - midnight).total_seconds() / 86_400
    distinct = sum(len(workers) for workers in people_workers.values())
    return {
        "requests": len(assign),
        "served": served,
        "unserved": len(assign) - served,
        "people_served": len(people_workers),
        "named_worker_share": _ratio(with_named, named_total),
        "seen_before_share": _ratio(known, served),
        "mean_distinct_workers": _ratio(distinct, len(people_workers)),
        "mean_wait_days": round(wait / served, 4) if served else 0.0,
        "score": index.total(assign),
    }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def plan_to_json(result: Plan) -> dict[str, object]:
    """The plan in the shape `alongside plan` writes (see docs and plan_cli)."""
    return {
        "assignments": [
            {"request": request, "slot": slot} for request, slot in result.assignments.items()
        ],
        "unassigned": [
            {"request": request, "reason": reason} for request, reason in result.unassigned.items()
        ],
        "score": result.score,
        "bound": result.bound,
        "summary": dict(result.summary),
    }


def _make_plan(index: _Index, assign: Sequence[int], bound: int) -> Plan:
    assignments: dict[str, str] = {}
    unassigned: dict[str, str] = {}
    taken = {slot for slot in assign if slot >= 0}
    booked: dict[int, list[int]] = {}
    for request, slot in enumerate(assign):
        if slot >= 0:
            booked.setdefault(index.request_person[request], []).append(slot)
    for request, slot in enumerate(assign):
        request_id = index.requests[request].id
        if slot >= 0:
            assignments[request_id] = index.slots[slot].id
        else:
            unassigned[request_id] = _reason(index, request, taken, booked)
    total = index.total(assign)
    result = Plan(assignments, unassigned, total, max(bound, total))
    result.summary = summarise(index.problem, assignments)
    return result


def _reason(index: _Index, request: int, taken: set[int], booked: dict[int, list[int]]) -> str:
    """Why `request` has no slot, in plain words."""
    entry = index.requests[request]
    person = index.request_person[request]
    window = f"between {entry.earliest.isoformat()} and {entry.latest.isoformat()}"
    groups = [
        group
        for day in range(index.request_low[request], index.request_high[request] + 1)
        for group in index.day_groups.get(day, ())
    ]
    if not groups:
        return f"no slot starts {window}"
    eligible = index.eligible(request)
    suitable = [
        slot
        for group in groups
        if index.group_worker[group] in eligible
        for slot in index.group_slots[group]
    ]
    if not suitable:
        language = index.language[person] if person >= 0 else None
        needs = []
        if entry.skill is not None:
            needs.append(f"has the skill {entry.skill!r}")
        if language is not None:
            needs.append(f"speaks {language!r}")
        return f"no slot {window} with a worker who " + " and ".join(needs)
    free = [slot for slot in suitable if slot not in taken]
    if not free:
        return "every suitable slot was taken by other requests"
    own = booked.get(person, [])
    if all(any(index.overlaps(slot, other) for other in own) for slot in free):
        return "every free suitable slot overlaps another of this person's appointments"
    return "left out so that the plan scores more overall"


# --- The baseline ---------------------------------------------------------------------------


def first_available(problem: Problem) -> Plan:
    """What a booking system does: requests in order of (earliest, id), each takes the
    earliest-starting free slot that keeps every hard rule (any worker; ties by slot id).

    `bound` is the same proven upper bound `plan` reports (from the flow relaxation).
    """
    index = _Index(problem)
    assign = [-1] * len(index.requests)
    taken = [False] * len(index.slots)
    booked: dict[int, list[int]] = {}
    order = sorted(
        range(len(index.requests)),
        key=lambda r: (problem.requests[r].earliest, problem.requests[r].id),
    )
    ids = [slot.id for slot in problem.slots]
    day_slots: dict[int, list[int]] = {}
    for day, groups in index.day_groups.items():
        members = [slot for group in groups for slot in index.group_slots[group]]
        members.sort(key=lambda s: (index.slot_start[s], ids[s]))
        day_slots[day] = members
    first_free = dict.fromkeys(day_slots, 0)
    for request in order:
        person = index.request_person[request]
        if person < 0:
            continue
        eligible = index.eligible(request)
        own = booked.setdefault(person, [])
        for day in range(index.request_low[request], index.request_high[request] + 1):
            if day not in day_slots:
                continue
            members = day_slots[day]
            position = first_free[day]
            while position < len(members) and taken[members[position]]:
                position += 1
            first_free[day] = position
            chosen = next(
                (
                    slot
                    for slot in members[position:]
                    if not taken[slot]
                    and index.slot_worker[slot] in eligible
                    and not any(index.overlaps(slot, other) for other in own)
                ),
                -1,
            )
            if chosen >= 0:
                assign[request] = chosen
                taken[chosen] = True
                own.append(chosen)
                break
    bound = _Flow(index).solve(None, 0).value
    return _make_plan(index, assign, bound)


# --- The optimiser --------------------------------------------------------------------------


def plan(problem: Problem, *, time_limit: float | None = None, exact: bool | None = None) -> Plan:
    """The best plan found for `problem`, with a proven upper bound on the best score.

    `time_limit` (seconds) caps the improvement rounds and the exact phase; the first flow and
    its repair always run. `exact`: True always tries CP-SAT on the full model, False never,
    None (the default) only when the model is small (at most EXACT_PAIRS request-slot pairs).
    The result is deterministic unless the time limit cuts a phase short.
    """
    began = timer.perf_counter()
    deadline = None if time_limit is None else began + time_limit
    index = _Index(problem)
    flow = _Flow(index)
    first = flow.solve(None, 0)
    bound = first.value
    best = _improve(index, _realise(index, first), first.served, deadline)
    best_score = index.total(best)
    for extra in ANCHOR_ROUNDS:
        if best_score >= bound or _expired(deadline):
            break
        anchors = _anchors(index, best)
        solved = flow.solve(anchors, extra)
        candidate = _improve(index, _realise(index, solved), solved.served, deadline)
        candidate_score = index.total(candidate)
        if candidate_score > best_score:
            best, best_score = candidate, candidate_score
    if best_score < bound and exact is not False:
        pairs = _pairs(index, None if exact else EXACT_PAIRS)
        if pairs is not None:
            seconds = EXACT_SECONDS if deadline is None else deadline - timer.perf_counter()
            if seconds > 0:
                exact_result = _exact(index, pairs, best, seconds)
                if exact_result is not None:
                    assign, exact_bound = exact_result
                    if index.total(assign) > best_score:
                        best, best_score = assign, index.total(assign)
                    bound = min(bound, exact_bound)
    return _make_plan(index, best, bound)


def _expired(deadline: float | None) -> bool:
    return deadline is not None and timer.perf_counter() >= deadline


@dataclass(frozen=True)
class _Solved:
    value: int
    """The flow's profit with no anchor incentive: the upper bound when solved without one."""
    request_group: dict[int, int]
    """Requests sent straight to a (worker, day) group."""
    window_requests: dict[int, list[int]]
    """Window pool -> the requests sent to it."""
    window_days: dict[int, list[tuple[int, int]]]
    """Window pool -> (day pool, how many) it sends on."""
    day_groups: dict[int, list[tuple[int, int]]]
    """Day pool -> (group, how many) it sends on."""

    @property
    def served(self) -> set[int]:
        return set(self.request_group).union(*self.window_requests.values())


class _Flow:
    """The aggregated flow graph, built once and solved per round.

    Nodes: 0 the source, 1 the sink, one per request, one per (worker, day) group, one per
    (eligibility class, day) "day pool" and one per (eligibility class, window) "window pool".
    Arcs: source -> request (1); request -> group for each worker the person knows, each day
    of the window (1, profit 1000 + bonus); request -> its window pool (1, profit 1000); window
    pool -> the day pools of its days, day pool -> the groups of eligible workers that day
    (unbounded); group -> sink (its number of slots); source -> sink (requests left out).
    """

    def __init__(self, index: _Index) -> None:
        import numpy as np

        self.index = index
        requests = len(index.requests)
        groups = len(index.group_worker)
        self.group_base = 2 + requests
        day_pool_of: dict[tuple[tuple[str | None, str | None], int], int] = {}
        window_pool_of: dict[tuple[tuple[str | None, str | None], int, int], int] = {}
        day_members: list[list[int]] = []
        window_members: list[list[int]] = []
        tails: list[int] = []
        heads: list[int] = []
        profits: list[int] = []
        edge_request: list[int] = []
        edge_worker: list[int] = []
        window_edges: list[tuple[int, int]] = []  # (window pool, request)
        group_of = index.group_of
        for request in range(requests):
            person = index.request_person[request]
            if person < 0:
                continue
            node = 2 + request
            eligible = index.eligible(request)
            key = index.request_class[request]
            low, high = index.request_low[request], index.request_high[request]
            known = [(w, b) for w, b in index.bonus[person].items() if w in eligible]
            for day in range(low, high + 1):
                if day not in index.day_groups:
                    continue
                for worker, bonus in known:
                    group = group_of.get((worker, day))
                    if group is not None:
                        tails.append(node)
                        heads.append(self.group_base + group)
                        profits.append(SERVED + bonus)
                        edge_request.append(request)
                        edge_worker.append(worker)
            window = window_pool_of.get((key, low, high))
            if window is None:
                days = []
                for day in range(low, high + 1):
                    pool = day_pool_of.get((key, day))
                    if pool is None:
                        members = [
                            g
                            for g in index.day_groups.get(day, ())
                            if index.group_worker[g] in eligible
                        ]
                        pool = day_pool_of[(key, day)] = len(day_members)
                        day_members.append(members)
                    if day_members[pool]:
                        days.append(pool)
                window = window_pool_of[(key, low, high)] = len(window_members)
                window_members.append(days)
            if window_members[window]:
                window_edges.append((window, request))
        self.day_base = self.group_base + groups
        self.window_base = self.day_base + len(day_members)
        for window, request in window_edges:
            tails.append(2 + request)
            heads.append(self.window_base + window)
            profits.append(SERVED)
            edge_request.append(request)
            edge_worker.append(-1)
        self.request_edges = len(tails)
        unbounded = len(tails)
        for window, days in enumerate(window_members):
            for pool in days:
                tails.append(self.window_base + window)
                heads.append(self.day_base + pool)
        for pool, members in enumerate(day_members):
            for group in members:
                tails.append(self.day_base + pool)
                heads.append(self.group_base + group)
        self.sink_edges = len(tails)
        for group in range(groups):
            tails.append(self.group_base + group)
            heads.append(1)
        extra = len(tails) - self.request_edges
        profits.extend([0] * extra)
        edge_request.extend([-1] * extra)
        edge_worker.extend([-1] * extra)
        self.nodes = self.window_base + len(window_members)
        self.tails = np.array(tails, dtype=np.int32)
        self.heads = np.array(heads, dtype=np.int32)
        self.profits = np.array(profits, dtype=np.int64)
        self.capacities = np.ones(len(tails), dtype=np.int64)
        self.capacities[unbounded : self.sink_edges] = requests
        self.capacities[self.sink_edges :] = [len(members) for members in index.group_slots]
        self.edge_request = np.array(edge_request, dtype=np.int64)
        self.edge_worker = np.array(edge_worker, dtype=np.int64)

    def solve(self, anchors: Sequence[int] | None, extra: int) -> _Solved:
        """Solve with `extra` profit on edges to each request's anchor worker (-1: none)."""
        import numpy as np
        from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

        index = self.index
        requests = len(index.requests)
        tails, heads = self.tails, self.heads
        capacities, profits = self.capacities, self.profits
        if anchors is not None and extra:
            anchor = np.array(anchors, dtype=np.int64)
            at_anchor = self.edge_worker >= 0
            at_anchor[at_anchor] = (
                self.edge_worker[at_anchor] == anchor[self.edge_request[at_anchor]]
            )
            profits = profits + extra * at_anchor
            # Anchors the person does not know have no direct edge yet: add them.
            added_tails: list[int] = []
            added_heads: list[int] = []
            added_profits: list[int] = []
            for request, worker in enumerate(anchors):
                person = index.request_person[request]
                if worker < 0 or worker in index.bonus[person]:
                    continue
                if worker not in index.eligible(request):
                    continue
                for day in range(index.request_low[request], index.request_high[request] + 1):
                    group = index.group_of.get((worker, day))
                    if group is not None:
                        added_tails.append(2 + request)
                        added_heads.append(self.group_base + group)
                        added_profits.append(SERVED + extra)
            if added_tails:
                count = len(added_tails)
                tails = np.concatenate([tails, np.array(added_tails, dtype=np.int32)])
                heads = np.concatenate([heads, np.array(added_heads, dtype=np.int32)])
                capacities = np.concatenate([capacities, np.ones(count, dtype=np.int64)])
                profits = np.concatenate([profits, np.array(added_profits, dtype=np.int64)])
        flow = SimpleMinCostFlow()
        source_edges = np.arange(2, 2 + requests, dtype=np.int32)
        all_tails = np.concatenate([np.zeros(requests + 1, dtype=np.int32), tails])
        all_heads = np.concatenate([source_edges, np.ones(1, dtype=np.int32), heads])
        all_capacities = np.concatenate(
            [np.ones(requests, dtype=np.int64), np.array([requests], dtype=np.int64), capacities]
        )
        all_costs = np.concatenate([np.zeros(requests + 1, dtype=np.int64), -profits])
        flow.add_arcs_with_capacity_and_unit_cost(all_tails, all_heads, all_capacities, all_costs)
        supplies = np.zeros(self.nodes, dtype=np.int64)
        supplies[0] = requests
        supplies[1] = -requests
        flow.set_nodes_supplies(np.arange(self.nodes, dtype=np.int32), supplies)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"the min-cost flow was not solved (status {status})")
        offset = requests + 1
        flows = flow.flows(np.arange(offset, offset + len(tails), dtype=np.int32))
        value = -int(flow.optimal_cost())
        used = np.nonzero(flows > 0)[0]
        request_group: dict[int, int] = {}
        window_requests: dict[int, list[int]] = {}
        window_days: dict[int, list[tuple[int, int]]] = {}
        day_groups: dict[int, list[tuple[int, int]]] = {}
        group_base, day_base, window_base = self.group_base, self.day_base, self.window_base
        for edge, amount in zip(used.tolist(), flows[used].tolist(), strict=True):
            tail = int(tails[edge])
            head = int(heads[edge])
            if head == 1:
                continue
            if tail < group_base:
                if head >= window_base:
                    window_requests.setdefault(head - window_base, []).append(tail - 2)
                else:
                    request_group[tail - 2] = head - group_base
            elif tail >= window_base:
                window_days.setdefault(tail - window_base, []).append((head - day_base, amount))
            else:
                day_groups.setdefault(tail - day_base, []).append((head - group_base, amount))
        return _Solved(value, request_group, window_requests, window_days, day_groups)


def _realise(index: _Index, solved: _Solved) -> list[int]:
    """Slots for the flow's choices, keeping each person's slots apart.

    Requests sent to a pool go, where the pool's flow allows, to a day and a worker the person
    already has. Requests that cannot get a slot without an overlap are left for the local
    search.
    """
    group_requests: dict[int, list[int]] = {}
    person_workers: dict[int, dict[int, int]] = {}

    def book(request: int, group: int) -> None:
        group_requests.setdefault(group, []).append(request)
        workers = person_workers.setdefault(index.request_person[request], {})
        worker = index.group_worker[group]
        workers[worker] = workers.get(worker, 0) + 1

    for request, group in sorted(solved.request_group.items()):
        book(request, group)
    # Window pools: share their requests out over their days.
    day_requests: dict[int, list[int]] = {}
    for window in sorted(solved.window_requests):
        quota = dict(solved.window_days.get(window, []))
        for request in sorted(solved.window_requests[window]):
            workers = person_workers.get(index.request_person[request], {})
            open_days = [pool for pool, left in quota.items() if left > 0]
            if not open_days:
                break
            pool = max(
                open_days,
                key=lambda p: (
                    any(index.group_worker[g] in workers for g, _ in solved.day_groups.get(p, [])),
                    quota[p],
                    -p,
                ),
            )
            quota[pool] -= 1
            day_requests.setdefault(pool, []).append(request)
    # Day pools: share their requests out over the groups.
    for pool in sorted(day_requests):
        remaining = dict(solved.day_groups.get(pool, []))
        for request in day_requests[pool]:
            workers = person_workers.get(index.request_person[request], {})
            open_groups = [g for g, left in remaining.items() if left > 0]
            if not open_groups:
                break
            group = max(
                open_groups,
                key=lambda g: (workers.get(index.group_worker[g], 0), remaining[g], -g),
            )
            remaining[group] -= 1
            book(request, group)
    assign = [-1] * len(index.requests)
    owner = [-1] * len(index.slots)
    booked: dict[int, list[int]] = {}
    for group in sorted(group_requests):
        for request in sorted(group_requests[group]):
            own = booked.setdefault(index.request_person[request], [])
            for slot in index.group_slots[group]:
                if owner[slot] < 0 and not any(index.overlaps(slot, other) for other in own):
                    owner[slot] = request
                    assign[request] = slot
                    own.append(slot)
                    break
    return assign


def _anchors(index: _Index, assign: Sequence[int]) -> list[int]:
    """For each request, the worker its person sees most (ties: bonus, then position); -1 if none."""
    anchor_of_person: list[int] = []
    for person, requests in enumerate(index.person_requests):
        counts: dict[int, int] = {}
        for request in requests:
            if assign[request] >= 0:
                worker = index.slot_worker[assign[request]]
                counts[worker] = counts.get(worker, 0) + 1
        bonus = index.bonus[person]
        if counts:
            anchor_of_person.append(max(counts, key=lambda w: (counts[w], bonus.get(w, 0), -w)))
        else:
            anchor_of_person.append(-1)
    return [anchor_of_person[person] if person >= 0 else -1 for person in index.request_person]


class _State:
    """A plan being improved: who holds each slot, what each person has booked and with whom."""

    def __init__(self, index: _Index, assign: list[int]) -> None:
        self.index = index
        self.assign = assign
        self.owner = [-1] * len(index.slots)
        self.booked: list[list[int]] = [[] for _ in index.person_requests]
        self.counts: list[dict[int, int]] = [{} for _ in index.person_requests]
        for request, slot in enumerate(assign):
            if slot >= 0:
                person = index.request_person[request]
                self.owner[slot] = request
                self.booked[person].append(request)
                counts = self.counts[person]
                worker = index.slot_worker[slot]
                counts[worker] = counts.get(worker, 0) + 1
        self.free = [
            sum(1 for slot in members if self.owner[slot] < 0) for members in index.group_slots
        ]
        # Day -> the workers with a free slot that day.
        self.day_free: dict[int, set[int]] = {day: set() for day in index.day_groups}
        for group, free in enumerate(self.free):
            if free:
                self.day_free[index.group_day[group]].add(index.group_worker[group])

    def _count(self, group: int, change: int) -> None:
        free = self.free[group] = self.free[group] + change
        if free == 0:
            self.day_free[self.index.group_day[group]].discard(self.index.group_worker[group])
        elif free == 1 and change > 0:
            self.day_free[self.index.group_day[group]].add(self.index.group_worker[group])

    def free_workers(self, request: int) -> set[int]:
        """The eligible workers with a free slot on some day of the request's window."""
        index = self.index
        eligible = index.eligible(request)
        found: set[int] = set()
        for day in range(index.request_low[request], index.request_high[request] + 1):
            workers = self.day_free.get(day)
            if workers:
                found.update(eligible.intersection(workers))
        return found

    def value(self, person: int) -> int:
        return self.index.person_value(person, (self.assign[r] for r in self.booked[person]))

    def gain(self, person: int, old: int, new: int) -> int:
        """The change in the person's score when one booking moves from worker `old` to worker
        `new` (-1: not booked)."""
        if old == new:
            return 0
        counts = self.counts[person]
        bonus = self.index.bonus[person]
        before = after = len(counts)
        change = 0
        if old >= 0:
            change -= SERVED + bonus.get(old, 0)
            if counts[old] == 1:
                after -= 1
        if new >= 0:
            change += SERVED + bonus.get(new, 0)
            if new not in counts:
                after += 1
        return change - EXTRA_WORKER * (max(after - 1, 0) - max(before - 1, 0))

    def clashes(self, person: int, slot: int, ignore: int) -> bool:
        """Whether `slot` overlaps a slot the person holds, other than for request `ignore`."""
        index = self.index
        starts, ends, assign = index.slot_from, index.slot_to, self.assign
        start, end = starts[slot], ends[slot]
        for other in self.booked[person]:
            if other != ignore:
                held = assign[other]
                if start < ends[held] and starts[held] < end:
                    return True
        return False

    def move(self, request: int, slot: int) -> None:
        """Book `request` into `slot` (free, or -1 to unbook), releasing its old slot."""
        index = self.index
        old = self.assign[request]
        person = index.request_person[request]
        counts = self.counts[person]
        if old >= 0:
            self.owner[old] = -1
            self._count(index.slot_group[old], 1)
            self.booked[person].remove(request)
            worker = index.slot_worker[old]
            counts[worker] -= 1
            if not counts[worker]:
                del counts[worker]
        self.assign[request] = slot
        if slot >= 0:
            self.owner[slot] = request
            self._count(index.slot_group[slot], -1)
            self.booked[person].append(request)
            worker = index.slot_worker[slot]
            counts[worker] = counts.get(worker, 0) + 1

    def free_slot(self, worker: int, request: int, person: int) -> int:
        """The earliest free slot of `worker` in the request's window that does not clash with
        the person's other slots; -1 if none."""
        index = self.index
        for day in range(index.request_low[request], index.request_high[request] + 1):
            group = index.group_of.get((worker, day))
            if group is not None and self.free[group]:
                for slot in index.group_slots[group]:
                    if self.owner[slot] < 0 and not self.clashes(person, slot, request):
                        return slot
        return -1


def _improve(
    index: _Index, assign: list[int], wanted: set[int], deadline: float | None
) -> list[int]:
    """Local search on a feasible plan: serve, move, swap; every step must gain.

    `wanted`: requests the flow served, so worth an augmenting-path search when left out.
    """
    state = _State(index, assign)
    for _ in range(4):
        changed = _serve_left(state)
        changed = _augment_all(state, wanted, deadline) or changed
        changed = _serve_by_moving_own(state) or changed
        for person, requests in enumerate(index.person_requests):
            if requests and _consolidate(state, person):
                changed = True
        if not changed or _expired(deadline):
            break
    return state.assign


def _serve_left(state: _State) -> bool:
    """Book each unserved request into the free slot that adds most, if any."""
    index = state.index
    changed = False
    for request, slot in enumerate(state.assign):
        person = index.request_person[request]
        if slot >= 0 or person < 0:
            continue
        workers = sorted(state.free_workers(request), key=lambda w: (-state.gain(person, -1, w), w))
        for worker in workers:
            free = state.free_slot(worker, request, person)
            if free >= 0:
                state.move(request, free)
                changed = True
                break
    return changed


def _serve_by_moving_own(state: _State) -> bool:
    """Serve a request whose free options clash with one of the person's own bookings by
    moving that booking to another free slot, when the person gains."""
    index = state.index
    changed = False
    for request, slot in enumerate(state.assign):
        person = index.request_person[request]
        if slot >= 0 or person < 0 or not state.booked[person]:
            continue
        before = state.value(person)
        done = False
        for worker in sorted(state.free_workers(request)):
            for day in range(index.request_low[request], index.request_high[request] + 1):
                group = index.group_of.get((worker, day))
                if group is None or not state.free[group]:
                    continue
                for free in index.group_slots[group]:
                    if state.owner[free] >= 0:
                        continue
                    blocking = [
                        other
                        for other in state.booked[person]
                        if index.overlaps(free, state.assign[other])
                    ]
                    if len(blocking) != 1:
                        continue
                    other = blocking[0]
                    held = state.assign[other]
                    state.move(request, free)
                    for target in sorted(state.free_workers(other)):
                        moved = state.free_slot(target, other, person)
                        if moved >= 0:
                            state.move(other, moved)
                            if state.value(person) > before:
                                done = True
                                break
                            state.move(other, held)
                    if done:
                        break
                    state.move(request, -1)
                if done:
                    break
            if done:
                break
        changed = changed or done
    return changed


def _augment_all(state: _State, wanted: set[int], deadline: float | None) -> bool:
    """Try an augmenting path for each unserved request: first those the flow served (lost to
    an overlap), then those with a free slot in their window, then the rest, within a budget
    of slot labels proportional to the problem's size."""
    index = state.index
    unserved = [
        request
        for request, slot in enumerate(state.assign)
        if slot < 0 and index.request_person[request] >= 0
    ]
    unserved.sort(key=lambda r: (r not in wanted, not _has_free_option(state, r), r))
    budget = AUGMENT_BUDGET[0] * len(index.slots) + AUGMENT_BUDGET[1]
    changed = False
    for request in unserved:
        if budget <= 0 or _expired(deadline):
            break
        served, labelled = _augment(state, request)
        budget -= labelled
        changed = changed or served
    return changed


def _has_free_option(state: _State, request: int) -> bool:
    index = state.index
    eligible = index.eligible(request)
    return any(
        not eligible.isdisjoint(state.day_free.get(day, ()))
        for day in range(index.request_low[request], index.request_high[request] + 1)
    )


def _augment(state: _State, request: int, limit: int = AUGMENT_LIMIT) -> tuple[bool, int]:
    """Serve `request` along the shortest chain of moves that ends in a free slot (each
    request in the chain takes the slot of the next), if the plan stays feasible and gains.

    Returns whether it did and how many slots the search labelled.
    """
    index = state.index
    taker: dict[int, int] = {}  # slot -> the request that would take it
    queue = [request]
    seen = {request}
    found = -1
    head = 0
    while head < len(queue) and found < 0 and len(taker) < limit:
        current = queue[head]
        head += 1
        person = index.request_person[current]
        eligible = index.eligible(current)
        for day in range(index.request_low[current], index.request_high[current] + 1):
            for group in index.day_groups.get(day, ()):
                if index.group_worker[group] not in eligible:
                    continue
                for slot in index.group_slots[group]:
                    if slot in taker or state.assign[current] == slot:
                        continue
                    if state.clashes(person, slot, current):
                        continue
                    taker[slot] = current
                    holder = state.owner[slot]
                    if holder < 0:
                        found = slot
                        break
                    if holder not in seen:
                        seen.add(holder)
                        queue.append(holder)
                if found >= 0:
                    break
            if found >= 0:
                break
    if found < 0:
        return False, len(taker)
    chain: list[tuple[int, int, int]] = []  # (request, old slot, new slot)
    slot = found
    while True:
        mover = taker[slot]
        chain.append((mover, state.assign[mover], slot))
        if mover == request:
            break
        slot = state.assign[mover]
    people = {index.request_person[mover] for mover, _, _ in chain}
    before = sum(state.value(person) for person in people)
    for mover, _, _ in chain:
        state.move(mover, -1)
    for mover, _, new in chain:
        state.move(mover, new)
    feasible = all(
        not state.clashes(index.request_person[mover], new, mover) for mover, _, new in chain
    )
    if feasible and sum(state.value(person) for person in people) > before:
        return True, len(taker)
    for mover, _, _ in chain:
        state.move(mover, -1)
    for mover, old, _ in chain:
        if old >= 0:
            state.move(mover, old)
    return False, len(taker)


def _consolidate(state: _State, person: int) -> bool:
    """Move this person's bookings towards the workers they know or already see: to a free
    slot, or by swapping with another person's booking when the two together gain."""
    index = state.index
    known = index.bonus[person]
    changed = False
    improved = True
    while improved:
        improved = False
        counts = state.counts[person]
        targets = list(dict.fromkeys((*known, *counts)))
        for request in list(state.booked[person]):
            current = index.slot_worker[state.assign[request]]
            eligible = index.eligible(request)
            for worker in targets:
                if worker == current or worker not in eligible:
                    continue
                gain = state.gain(person, current, worker)
                if gain <= 0:
                    continue
                free = state.free_slot(worker, request, person)
                if free >= 0:
                    state.move(request, free)
                elif not _swap(state, person, request, worker, gain):
                    continue
                improved = changed = True
                break
            if improved:
                break
    return changed


def _swap(state: _State, person: int, request: int, worker: int, gain: int) -> bool:
    """Swap `request`'s slot with a slot of `worker` held by another person, if the two
    together gain."""
    index = state.index
    mine = state.assign[request]
    mine_worker = index.slot_worker[mine]
    for day in range(index.request_low[request], index.request_high[request] + 1):
        group = index.group_of.get((worker, day))
        if group is None:
            continue
        for theirs in index.group_slots[group]:
            other = state.owner[theirs]
            if other < 0:
                continue
            other_person = index.request_person[other]
            if other_person == person or not index.fits(other, mine):
                continue
            if gain + state.gain(other_person, worker, mine_worker) <= 0:
                continue
            if state.clashes(person, theirs, request) or state.clashes(other_person, mine, other):
                continue
            state.move(request, -1)
            state.move(other, mine)
            state.move(request, theirs)
            return True
    return False


# --- The exact phase ------------------------------------------------------------------------


def _pairs(index: _Index, limit: int | None) -> list[list[int]] | None:
    """Every slot each request may take (window, skill, language), in slot order; None as
    soon as there are more than `limit` pairs."""
    pairs: list[list[int]] = []
    total = 0
    for request in range(len(index.requests)):
        if index.request_person[request] < 0:
            pairs.append([])
            continue
        eligible = index.eligible(request)
        pairs.append(
            sorted(
                slot
                for day in range(index.request_low[request], index.request_high[request] + 1)
                for group in index.day_groups.get(day, ())
                if index.group_worker[group] in eligible
                for slot in index.group_slots[group]
            )
        )
        total += len(pairs[-1])
        if limit is not None and total > limit:
            return None
    return pairs


def _exact(
    index: _Index, pairs: list[list[int]], hint: Sequence[int], seconds: float
) -> tuple[list[int], int] | None:
    """Solve the full model with CP-SAT (one worker, so runs repeat); the plan and a bound."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    chosen: dict[tuple[int, int], Any] = {}
    by_slot: dict[int, list[Any]] = {}
    objective: list[Any] = []
    for request, slots in enumerate(pairs):
        person = index.request_person[request]
        if not slots:
            continue
        row = []
        for slot in slots:
            variable = model.new_bool_var(f"x{request}_{slot}")
            chosen[(request, slot)] = variable
            by_slot.setdefault(slot, []).append(variable)
            row.append(variable)
            objective.append(
                (SERVED + index.bonus[person].get(index.slot_worker[slot], 0)) * variable
            )
            model.add_hint(variable, int(hint[request] == slot))
        model.add_at_most_one(row)
    for variables in by_slot.values():
        model.add_at_most_one(variables)
    for person, requests in enumerate(index.person_requests):
        person_slots: dict[int, list[Any]] = {}
        for request in requests:
            for slot in pairs[request]:
                person_slots.setdefault(slot, []).append(chosen[(request, slot)])
        ordered = sorted(person_slots, key=lambda s: index.slot_start[s])
        for position, first in enumerate(ordered):
            for second in ordered[position + 1 :]:
                if index.slot_start[second] >= index.slot_end[first]:
                    break
                model.add(sum(person_slots[first]) + sum(person_slots[second]) <= 1)
        worker_vars: dict[int, list[Any]] = {}
        for slot, variables in person_slots.items():
            worker_vars.setdefault(index.slot_worker[slot], []).extend(variables)
        if not worker_vars:
            continue
        uses = []
        for worker in sorted(worker_vars):
            used = model.new_bool_var(f"y{person}_{worker}")
            for variable in worker_vars[worker]:
                model.add_implication(variable, used)
            uses.append(used)
        active = model.new_bool_var(f"a{person}")
        model.add(active <= sum(uses))
        objective.append(-EXTRA_WORKER * sum(uses) + EXTRA_WORKER * active)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    assign = [-1] * len(index.requests)
    for (request, slot), variable in chosen.items():
        if solver.boolean_value(variable):
            assign[request] = slot
    if status == cp_model.OPTIMAL:
        return assign, index.total(assign)
    return assign, math.floor(solver.best_objective_bound + 1e-6)


# --- Warm handover --------------------------------------------------------------------------


LANGUAGE_NAMES = {
    "ar": "Arabic",
    "bn": "Bengali",
    "cy": "Welsh",
    "en": "English",
    "fa": "Persian",
    "fr": "French",
    "gu": "Gujarati",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "so": "Somali",
    "ti": "Tigrinya",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
}

HANDOVER_SERVE = 1_000_000
"""Weight of giving a person a successor at all (always first)."""
HANDOVER_KNOWN = 10_000
"""Weight of a successor who has met the person before."""
HANDOVER_SKILL = 100
"""Weight of each of the person's needs the successor has the skill for."""
# Load: the k-th person handed to one worker costs k, so the flow spreads people out.


@dataclass(frozen=True, slots=True)
class HandoverPerson:
    """One of the leaving worker's people: their language, what they need, who they have met."""

    id: str
    language: str | None = None
    needs: frozenset[str] = frozenset()
    seen_before: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Successor:
    """The proposal for one person: `worker` (None when nobody fits), why, or why not."""

    person: str
    worker: str | None
    why: tuple[str, ...]


def propose_successors(
    leaving_worker: str,
    people: Sequence[HandoverPerson],
    workers: Sequence[Worker],
    capacity: Mapping[str, int],
) -> list[Successor]:
    """Propose a successor for each of a leaving worker's people (a warm handover).

    Hard rules: the successor is not `leaving_worker`, speaks the person's language when one is
    given, and takes no more people than `capacity[worker]` (how many more people each worker
    can take; a worker missing from `capacity` takes none).

    Preferences, maximised by one min-cost flow (person -> worker -> sink):
    1. give as many people a successor as possible (HANDOVER_SERVE each);
    2. someone who has met the person before (HANDOVER_KNOWN);
    3. each of the person's `needs` the successor has as a skill (HANDOVER_SKILL each);
    4. spreading the load: the k-th person handed to one worker costs k.
    The objective is the sum of 1-3 over people with a successor minus the sum of 4; the flow's
    answer is optimal for it. Ties go the same way on every run.

    Returns one Successor per person, in the order given: the chosen worker and a short list
    of plain words on why (for example "has met them before", "speaks Polish", "has the skill
    debt"), or None with the reason nobody was proposed.
    """
    import numpy as np
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    candidates = [w for w in workers if w.id != leaving_worker and capacity.get(w.id, 0) > 0]
    count = len(people)
    first_worker = 2 + count
    tails: list[int] = []
    heads: list[int] = []
    capacities: list[int] = []
    costs: list[int] = []
    pair_edges: list[tuple[int, int, int]] = []  # (edge, person, worker position)
    for number, person in enumerate(people):
        tails.append(0)
        heads.append(2 + number)
        capacities.append(1)
        costs.append(0)
        for position, worker in enumerate(candidates):
            if person.language is not None and person.language not in worker.languages:
                continue
            pair_edges.append((len(tails), number, position))
            tails.append(2 + number)
            heads.append(first_worker + position)
            capacities.append(1)
            costs.append(-_handover_profit(person, worker))
    for position, worker in enumerate(candidates):
        for load in range(1, min(capacity[worker.id], count) + 1):
            tails.append(first_worker + position)
            heads.append(1)
            capacities.append(1)
            costs.append(load)
    tails.append(0)
    heads.append(1)
    capacities.append(count)
    costs.append(0)
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(capacities, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    nodes = first_worker + len(candidates)
    supplies = np.zeros(nodes, dtype=np.int64)
    supplies[0], supplies[1] = count, -count
    flow.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the handover flow was not solved")
    flows = flow.flows(np.array([edge for edge, _, _ in pair_edges], dtype=np.int32))
    chosen: dict[int, Worker] = {}
    for (_, number, position), amount in zip(pair_edges, flows.tolist(), strict=True):
        if amount > 0:
            chosen[number] = candidates[position]
    results = []
    for number, person in enumerate(people):
        if number not in chosen:
            results.append(Successor(person.id, None, (_no_successor(person, candidates),)))
        else:
            worker = chosen[number]
            results.append(Successor(person.id, worker.id, _why(person, worker)))
    return results


def _handover_profit(person: HandoverPerson, worker: Worker) -> int:
    known = HANDOVER_KNOWN if worker.id in person.seen_before else 0
    return HANDOVER_SERVE + known + HANDOVER_SKILL * len(person.needs & worker.skills)


def handover_value(
    people: Sequence[HandoverPerson], workers: Sequence[Worker], choice: Sequence[str | None]
) -> int:
    """The objective `propose_successors` maximises, for a choice of worker id per person."""
    by_id = {worker.id: worker for worker in workers}
    total = 0
    loads: dict[str, int] = {}
    for person, worker_id in zip(people, choice, strict=True):
        if worker_id is None:
            continue
        total += _handover_profit(person, by_id[worker_id])
        loads[worker_id] = loads.get(worker_id, 0) + 1
    return total - sum(load * (load + 1) // 2 for load in loads.values())


def _why(person: HandoverPerson, worker: Worker) -> tuple[str, ...]:
    reasons = []
    if worker.id in person.seen_before:
        reasons.append("has met them before")
    if person.language is not None:
        reasons.append(f"speaks {LANGUAGE_NAMES.get(person.language, repr(person.language))}")
    reasons.extend(f"has the skill {skill}" for skill in sorted(person.needs & worker.skills))
    if not reasons:
        reasons.append("has room to take them on")
    return tuple(reasons)


def _no_successor(person: HandoverPerson, candidates: Sequence[Worker]) -> str:
    if person.language is not None:
        name = LANGUAGE_NAMES.get(person.language, repr(person.language))
        if not any(person.language in worker.languages for worker in candidates):
            return f"no other worker with room left speaks {name}"
        return f"every worker with room who speaks {name} was needed for other people"
    if not candidates:
        return "no other worker has room left"
    return "every worker with room was needed for other people"
