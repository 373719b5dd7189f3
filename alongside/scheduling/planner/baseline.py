"""The baseline: what a booking system does (first available)."""

from __future__ import annotations

from alongside.scheduling.planner.flow import Flow
from alongside.scheduling.planner.index import Index
from alongside.scheduling.planner.problem import Plan, Problem
from alongside.scheduling.planner.score import make_plan


def first_available(problem: Problem) -> Plan:
    """What a booking system does: requests in order of (earliest, id), each takes the
    earliest-starting free slot that keeps every hard rule (any worker; ties by slot id).

    `bound` is the same proven upper bound `plan` reports (from the flow relaxation).
    """
    index = Index(problem)
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
    bound = Flow(index).solve(None, 0).value
    return make_plan(index, assign, bound)
