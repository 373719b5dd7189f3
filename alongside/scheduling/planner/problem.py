"""The planner's problem: workers, slots, people, requests, the score's weights, the plan,
and reading the problem from JSON (see the package docstring for the rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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
    "Person",
    "Plan",
    "Problem",
    "ProblemError",
    "Request",
    "Slot",
    "Worker",
    "parse_problem",
]

SERVED = 1000
"""Score for each request served."""
NAMED = 100
"""Extra score when a request is served by the person's named worker."""
SEEN = 30
"""Extra score when served by a worker in the person's `seen_before` (and not the named one)."""
EXTRA_WORKER = 40
"""Penalty for each distinct worker beyond the first that one person is booked with."""


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
