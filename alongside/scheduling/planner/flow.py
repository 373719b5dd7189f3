"""The min-cost flow relaxation: its value is the bound, its choices are turned into slots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alongside.scheduling.planner.index import Index
from alongside.scheduling.planner.problem import SERVED


@dataclass(frozen=True)
class Solved:
    """One solve of the flow: its value and where it sent each request, by pool and group."""

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


class Flow:
    """The aggregated flow graph, built once and solved per round.

    Nodes: 0 the source, 1 the sink, one per request, one per (worker, day) group, one per
    (eligibility class, day) "day pool" and one per (eligibility class, window) "window pool".
    Arcs: source -> request (1); request -> group for each worker the person knows, each day
    of the window (1, profit 1000 + bonus); request -> its window pool (1, profit 1000); window
    pool -> the day pools of its days, day pool -> the groups of eligible workers that day
    (unbounded); group -> sink (its number of slots); source -> sink (requests left out).
    """

    def __init__(self, index: Index) -> None:
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

    def solve(self, anchors: Sequence[int] | None, extra: int) -> Solved:
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
        return Solved(value, request_group, window_requests, window_days, day_groups)


def realise(index: Index, solved: Solved) -> list[int]:
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


def anchor_workers(index: Index, assign: Sequence[int]) -> list[int]:
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
