"""The planner: the hard rules, the score against brute force, the bound and first-available.
Pure: no database. Reading problems: test_planner_reading.py; warm handovers:
test_planner_handover.py.

Brute force (`best_by_enumeration`): every request takes one of the slots it fits or none,
depth first, skipping a slot already used and a slot overlapping the person's slots chosen so
far; each complete choice is scored independently of the planner. With at most 5 requests and
6 slots that is at most 7^5 = 16,807 leaves.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.scheduling import instances
from alongside.scheduling.planner.baseline import first_available
from alongside.scheduling.planner.optimiser import plan
from alongside.scheduling.planner.problem import (
    Person,
    Problem,
    Slot,
    Worker,
)
from alongside.scheduling.planner.score import plan_to_json, score, summarise, violations
from alongside.scheduling.tests.planner_helpers import at, problem, request

# --- Hard rules: avoided by plan(), detected by violations() --------------------------------

W1 = Worker("w1", frozenset({"debt"}), frozenset({"en", "pl"}))
W2 = Worker("w2", frozenset(), frozenset({"en"}))


def test_a_slot_serves_one_request():
    case = problem(
        [W1],
        [Slot("s1", "w1", at(0, 9), 60)],
        [Person("p1"), Person("p2")],
        [request("r1", "p1"), request("r2", "p2")],
    )
    result = plan(case)
    assert len(result.assignments) == 1
    assert list(result.unassigned.values()) == ["every suitable slot was taken by other requests"]
    assert violations(case, {"r1": "s1", "r2": "s1"}) == ["slot 's1' serves 2 requests: 'r1', 'r2'"]


def test_the_slot_starts_inside_the_window():
    case = problem(
        [W1],
        [Slot("s1", "w1", at(7, 9), 60)],
        [Person("p1")],
        [request("r1", "p1", 0, 6)],
    )
    result = plan(case)
    assert result.assignments == {}
    assert result.unassigned == {"r1": "no slot starts between 2026-12-01 and 2026-12-07"}
    assert violations(case, {"r1": "s1"}) == [
        "request 'r1' (window 2026-12-01 to 2026-12-07) is booked into slot 's1', which starts "
        "on 2026-12-08"
    ]


def test_the_window_is_whole_days_inclusive():
    case = problem(
        [W1],
        [Slot("s1", "w1", at(6, 23, 30), 60)],
        [Person("p1")],
        [request("r1", "p1", 0, 6)],
    )
    assert plan(case).assignments == {"r1": "s1"}
    assert violations(case, {"r1": "s1"}) == []


def test_the_worker_has_the_skill():
    case = problem(
        [W2, W1],
        [Slot("s2", "w2", at(0, 9), 60), Slot("s1", "w1", at(3, 9), 60)],
        [Person("p1", named_worker="w2")],
        [request("r1", "p1", skill="debt")],
    )
    assert plan(case).assignments == {"r1": "s1"}
    assert violations(case, {"r1": "s2"}) == [
        "request 'r1' needs the skill 'debt' but slot 's2''s worker 'w2' does not have it"
    ]
    only_w2 = problem([W2], [Slot("s2", "w2", at(0, 9), 60)], [Person("p1")], case.requests)
    assert plan(only_w2).unassigned == {
        "r1": "no slot between 2026-12-01 and 2026-12-07 with a worker who has the skill 'debt'"
    }


def test_the_worker_speaks_the_language():
    case = problem(
        [W2, W1],
        [Slot("s2", "w2", at(0, 9), 60), Slot("s1", "w1", at(3, 9), 60)],
        [Person("p1", language="pl", named_worker="w2")],
        [request("r1", "p1")],
    )
    assert plan(case).assignments == {"r1": "s1"}
    assert violations(case, {"r1": "s2"}) == [
        "person 'p1' speaks 'pl' but slot 's2''s worker 'w2' does not (request 'r1')"
    ]
    only_w2 = problem([W2], [Slot("s2", "w2", at(0, 9), 60)], case.people, case.requests)
    assert plan(only_w2).unassigned == {
        "r1": "no slot between 2026-12-01 and 2026-12-07 with a worker who speaks 'pl'"
    }


def test_one_persons_slots_never_overlap():
    case = problem(
        [W1, W2],
        [Slot("s1", "w1", at(0, 9), 60), Slot("s2", "w2", at(0, 9, 30), 60)],
        [Person("p1")],
        [request("r1", "p1", 0, 0), request("r2", "p1", 0, 0)],
    )
    result = plan(case)
    assert len(result.assignments) == 1
    assert list(result.unassigned.values()) == [
        "every free suitable slot overlaps another of this person's appointments"
    ]
    assert violations(case, {"r1": "s1", "r2": "s2"}) == [
        "person 'p1' has overlapping slots 's1' (request 'r1') and 's2' (request 'r2')"
    ]
    # Back to back is not an overlap.
    apart = problem(
        [W1, W2],
        [Slot("s1", "w1", at(0, 9), 60), Slot("s2", "w2", at(0, 10), 60)],
        case.people,
        case.requests,
    )
    assert violations(apart, {"r1": "s1", "r2": "s2"}) == []
    assert len(plan(apart).assignments) == 2


def test_violations_names_unknown_ids():
    case = problem([W1], [Slot("s1", "w1", at(0, 9), 60)], [Person("p1")], [request("r1", "p1")])
    assert violations(case, {"r9": "s1", "r1": "s9"}) == [
        "request 'r9' is not in the problem",
        "request 'r1' is booked into slot 's9', which is not in the problem",
    ]


# --- Score and summary ------------------------------------------------------------------------


def test_score_and_summary_by_hand():
    case = problem(
        [W1, W2, Worker("w3")],
        [
            Slot("s1", "w1", at(0, 9), 60),
            Slot("s2", "w2", at(1, 9), 60),
            Slot("s3", "w3", at(2, 12), 60),
        ],
        [Person("p1", named_worker="w1", seen_before=frozenset({"w2"}))],
        [request("r1", "p1"), request("r2", "p1", 1), request("r3", "p1", 2), request("r4", "p1")],
    )
    chosen = {"r1": "s1", "r2": "s2", "r3": "s3"}
    # 3 served, named +100, seen +30, three workers: -80.
    assert score(case, chosen) == 3000 + 100 + 30 - 80
    figures = summarise(case, chosen)
    assert figures["served"] == 3
    assert figures["requests"] == 4
    assert figures["named_worker_share"] == round(1 / 3, 4)
    assert figures["seen_before_share"] == round(2 / 3, 4)
    assert figures["mean_distinct_workers"] == 3
    # Waits: 9 h, 9 h and 12 h after midnight of each earliest day.
    assert figures["mean_wait_days"] == round(30 / 3 / 24, 4)
    assert figures["score"] == 3050


def test_plan_prefers_the_named_worker_then_a_known_one():
    case = problem(
        [W1, W2, Worker("w3")],
        [
            Slot("s3", "w3", at(0, 9), 60),
            Slot("s2", "w2", at(1, 9), 60),
            Slot("s1", "w1", at(5, 9), 60),
        ],
        [
            Person("p1", named_worker="w1", seen_before=frozenset({"w2"})),
            Person("p2", seen_before=frozenset({"w2"})),
        ],
        [request("r1", "p1"), request("r2", "p2")],
    )
    result = plan(case)
    assert result.assignments == {"r1": "s1", "r2": "s2"}
    assert result.score == result.bound == 2130
    assert plan_to_json(result)["assignments"] == [
        {"request": "r1", "slot": "s1"},
        {"request": "r2", "slot": "s2"},
    ]


# --- Against brute force ----------------------------------------------------------------------


def best_by_enumeration(case: Problem) -> int:
    """The best score over every feasible plan (see the module docstring)."""
    workers = {worker.id: worker for worker in case.workers}
    people = {person.id: person for person in case.people}
    options: list[list[Slot | None]] = []
    for entry in case.requests:
        person = people[entry.person]
        fitting: list[Slot | None] = [
            slot
            for slot in case.slots
            if entry.earliest <= slot.start.date() <= entry.latest
            and (entry.skill is None or entry.skill in workers[slot.worker].skills)
            and (person.language is None or person.language in workers[slot.worker].languages)
        ]
        options.append([None, *fitting])

    def value(chosen: list[Slot | None]) -> int:
        total = 0
        seen: dict[str, set[str]] = {}
        for entry, slot in zip(case.requests, chosen, strict=True):
            if slot is None:
                continue
            person = people[entry.person]
            total += 1000
            if slot.worker == person.named_worker:
                total += 100
            elif slot.worker in person.seen_before:
                total += 30
            seen.setdefault(entry.person, set()).add(slot.worker)
        return total - 40 * sum(len(workers) - 1 for workers in seen.values())

    best = 0
    chosen: list[Slot | None] = []

    def walk(position: int) -> None:
        nonlocal best
        if position == len(case.requests):
            best = max(best, value(chosen))
            return
        person = case.requests[position].person
        for slot in options[position]:
            if slot is not None:
                if any(other is slot for other in chosen):
                    continue
                if any(
                    other is not None
                    and case.requests[index].person == person
                    and slot.start < other.end
                    and other.start < slot.end
                    for index, other in enumerate(chosen)
                ):
                    continue
            chosen.append(slot)
            walk(position + 1)
            chosen.pop()

    walk(0)
    return best


@st.composite
def tiny_problems(draw: st.DrawFn) -> Problem:
    worker_count = draw(st.integers(1, 3))
    workers = [
        Worker(
            f"w{n}",
            frozenset(draw(st.sets(st.sampled_from(["debt", "housing"]), max_size=2))),
            frozenset({"en"} | draw(st.sets(st.just("pl"), max_size=1))),
        )
        for n in range(worker_count)
    ]
    worker_ids = [worker.id for worker in workers]
    slots = [
        Slot(
            f"s{n}",
            draw(st.sampled_from(worker_ids)),
            at(draw(st.integers(0, 3)), 9, draw(st.sampled_from([0, 30, 60]))),
            draw(st.sampled_from([30, 60])),
        )
        for n in range(draw(st.integers(0, 6)))
    ]
    people = []
    for n in range(draw(st.integers(1, 3))):
        named = draw(st.none() | st.sampled_from(worker_ids))
        seen = draw(st.sets(st.sampled_from(worker_ids), max_size=2))
        language = draw(st.sampled_from([None, None, "pl", "en"]))
        people.append(Person(f"p{n}", language, named, frozenset(seen)))
    requests = []
    for n in range(draw(st.integers(0, 5))):
        first = draw(st.integers(0, 3))
        requests.append(
            request(
                f"r{n}",
                draw(st.sampled_from([person.id for person in people])),
                first,
                first + draw(st.integers(0, 2)),
                draw(st.sampled_from([None, None, "debt", "housing"])),
            )
        )
    return problem(workers, slots, people, requests)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_plan_is_optimal_and_the_bound_valid_against_brute_force(case):
    best = best_by_enumeration(case)
    heuristic = plan(case, exact=False)
    assert violations(case, heuristic.assignments) == []
    assert heuristic.score == score(case, heuristic.assignments) <= best <= heuristic.bound
    exact = plan(case)
    assert violations(case, exact.assignments) == []
    assert exact.score == best == exact.bound
    assert set(exact.assignments) | set(exact.unassigned) == {r.id for r in case.requests}
    baseline = first_available(case)
    assert violations(case, baseline.assignments) == []
    assert baseline.score <= best <= baseline.bound


@pytest.mark.parametrize("seed", range(6))
def test_plan_on_small_generated_problems_is_near_the_exact_optimum(seed):
    case = instances.small(seed, workers=4, people=8, days=4)
    heuristic = plan(case, exact=False)
    exact = plan(case, exact=True)
    assert violations(case, heuristic.assignments) == []
    assert exact.score == exact.bound
    assert heuristic.score <= exact.score <= heuristic.bound
    assert heuristic.score >= 0.99 * exact.score


def test_plan_on_a_generated_service_is_feasible_and_beats_first_available():
    case = instances.service(workers=15, people=250, weeks=4, seed=5)
    result = plan(case)
    baseline = first_available(case)
    assert violations(case, result.assignments) == []
    assert violations(case, baseline.assignments) == []
    assert baseline.score <= result.score <= result.bound == baseline.bound
    assert result.summary["named_worker_share"] > 2 * baseline.summary["named_worker_share"]
    assert result.summary["mean_distinct_workers"] < baseline.summary["mean_distinct_workers"]
    assert plan(case) == result  # deterministic


def test_time_limit_still_gives_a_feasible_plan():
    case = instances.service(workers=10, people=150, weeks=3, seed=2)
    result = plan(case, time_limit=0.001)
    assert violations(case, result.assignments) == []
    assert result.score <= result.bound


# --- First available --------------------------------------------------------------------------


def test_first_available_takes_the_earliest_free_slot_in_order_of_earliest_then_id():
    case = problem(
        [W1, W2],
        [
            Slot("s-late", "w1", at(2, 9), 60),
            Slot("s-b", "w2", at(1, 11), 60),
            Slot("s-a", "w1", at(1, 9), 60),
            Slot("s-early", "w2", at(0, 10), 60),
        ],
        [Person("p1", named_worker="w1"), Person("p2", language="pl")],
        [
            request("r2", "p1", 0, 6),
            request("r1", "p1", 0, 6),
            request("r3", "p2", 0, 6),
            request("r0", "p1", 1, 6),
        ],
    )
    result = first_available(case)
    # r1 then r2 (same earliest, by id), r3 (p2 speaks pl: w1 only), then r0 (earliest later).
    assert result.assignments == {"r2": "s-a", "r1": "s-early", "r3": "s-late", "r0": "s-b"}
    assert violations(case, result.assignments) == []


def test_first_available_skips_a_slot_that_overlaps_the_persons_booking():
    case = problem(
        [W1, W2],
        [Slot("s1", "w1", at(0, 9), 60), Slot("s2", "w2", at(0, 9, 30), 60)],
        [Person("p1")],
        [request("r1", "p1", 0, 0), request("r2", "p1", 0, 0), request("r3", "p1", 0, 0)],
    )
    result = first_available(case)
    assert result.assignments == {"r1": "s1"}
    assert set(result.unassigned) == {"r2", "r3"}
