"""The exact phase: CP-SAT on the full model when it is small."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from alongside.scheduling.planner.index import Index
from alongside.scheduling.planner.problem import EXTRA_WORKER, SERVED


def eligible_pairs(index: Index, limit: int | None) -> list[list[int]] | None:
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


def solve_exactly(
    index: Index, pairs: list[list[int]], hint: Sequence[int], seconds: float
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
