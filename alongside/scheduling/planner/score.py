"""Scoring a plan, checking it against the hard rules, summarising it, and writing it as JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time

from alongside.scheduling.planner.index import Index
from alongside.scheduling.planner.problem import NAMED, Plan, Problem


def score(problem: Problem, assignments: Mapping[str, str]) -> int:
    """The score of `assignments` (request id -> slot id); unknown ids are left out."""
    index = Index(problem)
    return index.total(_positions(index, assignments))


def _positions(index: Index, assignments: Mapping[str, str]) -> list[int]:
    assign = [-1] * len(index.requests)
    for request_id, slot_id in assignments.items():
        request = index.request_index.get(request_id)
        slot = index.slot_index.get(slot_id)
        if request is not None and slot is not None:
            assign[request] = slot
    return assign


def violations(problem: Problem, assignments: Mapping[str, str]) -> list[str]:
    """Every hard rule `assignments` breaks, in words; [] when the plan is feasible."""
    index = Index(problem)
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
    index = Index(problem)
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
    """The plan in the shape `alongside plan` writes (see docs and planner.cli)."""
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


def make_plan(index: Index, assign: Sequence[int], bound: int) -> Plan:
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


def _reason(index: Index, request: int, taken: set[int], booked: dict[int, list[int]]) -> str:
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
