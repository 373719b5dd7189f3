"""Local search on a feasible plan: serve, augment, move, consolidate, swap; every step gains."""

from __future__ import annotations

import time as timer

from alongside.scheduling.planner.index import Index
from alongside.scheduling.planner.problem import EXTRA_WORKER, SERVED

# Slots an augmenting-path search may label before it gives up.
AUGMENT_LIMIT = 500
# ... and all the searches of one pass together: so many per slot, plus a fixed amount.
AUGMENT_BUDGET = (2, 5000)


def expired(deadline: float | None) -> bool:
    """Whether the time limit is up (`deadline`: a `time.perf_counter()` reading, or None)."""
    return deadline is not None and timer.perf_counter() >= deadline


class _State:
    """A plan being improved: who holds each slot, what each person has booked and with whom."""

    def __init__(self, index: Index, assign: list[int]) -> None:
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


def improve(index: Index, assign: list[int], wanted: set[int], deadline: float | None) -> list[int]:
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
        if not changed or expired(deadline):
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
        if budget <= 0 or expired(deadline):
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
