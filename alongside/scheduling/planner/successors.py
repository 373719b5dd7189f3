"""Warm handover, the pure part: propose who takes over each of a leaving worker's people (a
min-cost flow). The database side, and booking the introductions: scheduling.handovers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from alongside.scheduling.planner.problem import Worker

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
