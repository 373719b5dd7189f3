"""The problem as integers: every id turned into a position, and what the solvers look up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from alongside.scheduling.planner.problem import EXTRA_WORKER, NAMED, SEEN, SERVED, Problem

_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 (local wall-clock times have no zone)
_AWARE_EPOCH = datetime.fromisoformat("1970-01-01T00:00+00:00")


def _seconds(moment: datetime) -> int:
    """Whole seconds from 1970-01-01 (naive: local wall clock; aware: UTC)."""
    epoch = _NAIVE_EPOCH if moment.tzinfo is None else _AWARE_EPOCH
    return (moment - epoch) // timedelta(seconds=1)


class Index:
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
