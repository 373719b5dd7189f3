"""The planner's warm-handover proposals: who knows the person, skills, load, and optimality
against brute force. Pure: no database."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.scheduling.planner.problem import Worker
from alongside.scheduling.planner.successors import (
    HandoverPerson,
    handover_value,
    propose_successors,
)


def test_handover_prefers_someone_who_knows_the_person():
    workers = [
        Worker("leaver", frozenset({"debt"}), frozenset({"en", "pl"})),
        Worker("skilled", frozenset({"debt", "housing"}), frozenset({"en", "pl"})),
        Worker("known", frozenset(), frozenset({"en", "pl"})),
    ]
    people = [HandoverPerson("p1", "pl", frozenset({"debt", "housing"}), frozenset({"known"}))]
    proposal = propose_successors(
        "leaver", people, workers, {"skilled": 5, "known": 5, "leaver": 9}
    )
    assert proposal[0].worker == "known"
    assert proposal[0].why == ("has met them before", "speaks Polish")


def test_handover_uses_skills_then_spreads_load_and_says_why_not():
    workers = [
        Worker("a", frozenset({"debt"}), frozenset({"en"})),
        Worker("b", frozenset(), frozenset({"en"})),
        Worker("c", frozenset(), frozenset({"en"})),
    ]
    people = [
        HandoverPerson("p1", None, frozenset({"debt"})),
        HandoverPerson("p2"),
        HandoverPerson("p3"),
        HandoverPerson("p4", "so"),
    ]
    proposal = propose_successors("x", people, workers, {"a": 1, "b": 2, "c": 2})
    assert proposal[0].worker == "a"
    assert proposal[0].why == ("has the skill debt",)
    assert {proposal[1].worker, proposal[2].worker} == {"b", "c"}  # spread, not both on one
    assert proposal[3].worker is None
    assert proposal[3].why == ("no other worker with room left speaks Somali",)


@st.composite
def handovers(draw: st.DrawFn):
    names = ["leaver", "a", "b", "c"]
    workers = [
        Worker(
            name,
            frozenset(draw(st.sets(st.sampled_from(["debt", "housing", "benefits"])))),
            frozenset({"en"} | draw(st.sets(st.sampled_from(["pl", "ur"]), max_size=1))),
        )
        for name in names
    ]
    people = [
        HandoverPerson(
            f"p{n}",
            draw(st.sampled_from([None, None, "pl", "ur", "en"])),
            frozenset(draw(st.sets(st.sampled_from(["debt", "housing", "benefits"])))),
            frozenset(draw(st.sets(st.sampled_from(names), max_size=2))),
        )
        for n in range(draw(st.integers(0, 5)))
    ]
    capacity = {name: draw(st.integers(0, 3)) for name in names}
    return workers, people, capacity


@settings(max_examples=150, deadline=None)
@given(handovers())
def test_handover_keeps_the_hard_rules_and_is_optimal_against_brute_force(case):
    workers, people, capacity = case
    proposal = propose_successors("leaver", people, workers, capacity)
    assert [entry.person for entry in proposal] == [person.id for person in people]
    by_id = {worker.id: worker for worker in workers}
    loads: dict[str, int] = {}
    for person, entry in zip(people, proposal, strict=True):
        if entry.worker is None:
            assert entry.why
            continue
        assert entry.worker != "leaver"
        if person.language is not None:
            assert person.language in by_id[entry.worker].languages
        loads[entry.worker] = loads.get(entry.worker, 0) + 1
    assert all(load <= capacity[worker] for worker, load in loads.items())
    # Brute force over every choice of worker (or none) per person.
    choices = [None, *(w.id for w in workers if w.id != "leaver")]
    best = None
    for choice in itertools.product(choices, repeat=len(people)):
        counts: dict[str, int] = {}
        ok = True
        for person, worker in zip(people, choice, strict=True):
            if worker is None:
                continue
            counts[worker] = counts.get(worker, 0) + 1
            if counts[worker] > capacity[worker] or (
                person.language is not None and person.language not in by_id[worker].languages
            ):
                ok = False
                break
        if ok:
            value = handover_value(people, workers, choice)
            best = value if best is None else max(best, value)
    assert handover_value(people, workers, [entry.worker for entry in proposal]) == best
