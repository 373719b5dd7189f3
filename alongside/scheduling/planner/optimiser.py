"""`plan`: the flow, its repair and local search, anchor rounds, then the exact phase when small."""

from __future__ import annotations

import time as timer

from alongside.scheduling.planner.exact import eligible_pairs, solve_exactly
from alongside.scheduling.planner.flow import Flow, anchor_workers, realise
from alongside.scheduling.planner.index import Index
from alongside.scheduling.planner.problem import EXTRA_WORKER, Plan, Problem
from alongside.scheduling.planner.score import make_plan
from alongside.scheduling.planner.search import expired, improve

# CP-SAT closes the gap when the full model has at most this many request-slot pairs.
EXACT_PAIRS = 4000
# Time CP-SAT gets when no time limit is given (seconds).
EXACT_SECONDS = 10.0
# Extra profit for staying with the anchor worker, one flow round each.
ANCHOR_ROUNDS = (EXTRA_WORKER,)


def plan(problem: Problem, *, time_limit: float | None = None, exact: bool | None = None) -> Plan:
    """The best plan found for `problem`, with a proven upper bound on the best score.

    `time_limit` (seconds) caps the improvement rounds and the exact phase; the first flow and
    its repair always run. `exact`: True always tries CP-SAT on the full model, False never,
    None (the default) only when the model is small (at most EXACT_PAIRS request-slot pairs).
    The result is deterministic unless the time limit cuts a phase short.
    """
    began = timer.perf_counter()
    deadline = None if time_limit is None else began + time_limit
    index = Index(problem)
    flow = Flow(index)
    first = flow.solve(None, 0)
    bound = first.value
    best = improve(index, realise(index, first), first.served, deadline)
    best_score = index.total(best)
    for extra in ANCHOR_ROUNDS:
        if best_score >= bound or expired(deadline):
            break
        anchors = anchor_workers(index, best)
        solved = flow.solve(anchors, extra)
        candidate = improve(index, realise(index, solved), solved.served, deadline)
        candidate_score = index.total(candidate)
        if candidate_score > best_score:
            best, best_score = candidate, candidate_score
    if best_score < bound and exact is not False:
        pairs = eligible_pairs(index, None if exact else EXACT_PAIRS)
        if pairs is not None:
            seconds = EXACT_SECONDS if deadline is None else deadline - timer.perf_counter()
            if seconds > 0:
                exact_result = solve_exactly(index, pairs, best, seconds)
                if exact_result is not None:
                    assign, exact_bound = exact_result
                    if index.total(assign) > best_score:
                        best, best_score = assign, index.total(assign)
                    bound = min(bound, exact_bound)
    return make_plan(index, best, bound)
