"""The matcher: reading problems, optimality against brute force, the hard rules, the
lexicographic objective, the pruning of arcs, reasons and explanations. Pure: no database.

Brute force (`best_by_enumeration`): every person takes one allowed volunteer with room left or
none, depth first; each complete choice is scored independently of the matcher. With at most 5
people and 3 volunteers that is at most 4^5 = 1,024 leaves.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.connections.matcher.graph import Graph, whole_weights
from alongside.connections.matcher.problem import (
    MatchProblem,
    MatchResult,
    Person,
    ProblemError,
    Volunteer,
    check_problem,
    parse_problem,
    result_to_json,
)
from alongside.connections.matcher.score import explain
from alongside.connections.matcher.solve import match

LANGUAGES = ["en", "pl", "so"]
VALUES = {
    "interests": ["walking", "gardening", "chess", "music"],
    "experience": ["caring", "grief"],
}


def score_of(person: Person, volunteer: Volunteer, weights: Mapping[str, float]) -> float:
    """The contract's pair score, written out independently of the matcher."""
    total = 0.0
    for key, weight in weights.items():
        mine = person.attributes.get(key, frozenset())
        theirs = volunteer.attributes.get(key, frozenset())
        total += weight * len(set(mine) & set(theirs))
    return total


def is_allowed(person: Person, volunteer: Volunteer) -> bool:
    return bool(set(person.languages) & set(volunteer.languages)) and (
        volunteer.id not in person.exclude
    )


def best_by_enumeration(problem: MatchProblem) -> tuple[int, float]:
    """(most people matched, best total score among matchings of that many)."""
    people, volunteers = list(problem.people), list(problem.volunteers)
    load = [0] * len(volunteers)
    best = (0, 0.0)

    def visit(index: int, count: int, total: float) -> None:
        nonlocal best
        if index == len(people):
            if (count, total) > best:
                best = (count, total)
            return
        visit(index + 1, count, total)
        for column, volunteer in enumerate(volunteers):
            if load[column] < volunteer.capacity and is_allowed(people[index], volunteer):
                load[column] += 1
                score = score_of(people[index], volunteer, problem.weights)
                visit(index + 1, count + 1, total + score)
                load[column] -= 1

    visit(0, 0, 0.0)
    return best


def assert_feasible(problem: MatchProblem, result: MatchResult) -> None:
    people = {person.id: person for person in problem.people}
    volunteers = {volunteer.id: volunteer for volunteer in problem.volunteers}
    load: dict[str, int] = {}
    matched = set()
    for pair in result.pairs:
        assert pair.person not in matched
        matched.add(pair.person)
        person, volunteer = people[pair.person], volunteers[pair.volunteer]
        assert is_allowed(person, volunteer)
        load[volunteer.id] = load.get(volunteer.id, 0) + 1
        assert pair.score == pytest.approx(score_of(person, volunteer, problem.weights))
    for volunteer_id, taken in load.items():
        assert taken <= volunteers[volunteer_id].capacity
    assert set(result.unmatched) == set(people) - matched
    # People in the order given, pairs then unmatched each in that order.
    order = [person.id for person in problem.people]
    assert [pair.person for pair in result.pairs] == [p for p in order if p in matched]
    assert list(result.unmatched) == [p for p in order if p not in matched]
    assert result.total_score == pytest.approx(math.fsum(pair.score for pair in result.pairs))


def value_sets(draw: st.DrawFn, key: str) -> frozenset[str]:
    return frozenset(draw(st.sets(st.sampled_from(VALUES[key]), max_size=3)))


@st.composite
def problems(draw: st.DrawFn, weight_values: Sequence[float] = (0.0, 0.5, 1.0, 1.25, 2.0)):
    volunteer_count = draw(st.integers(0, 3))
    volunteers = []
    for number in range(volunteer_count):
        volunteers.append(
            Volunteer(
                f"v{number}",
                draw(st.integers(0, 2)),
                frozenset(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))),
                {key: value_sets(draw, key) for key in VALUES if draw(st.booleans())},
            )
        )
    people = []
    candidates = [f"v{number}" for number in range(volunteer_count)] + ["v-elsewhere"]
    for number in range(draw(st.integers(0, 5))):
        people.append(
            Person(
                f"p{number}",
                frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=0, max_size=2))),
                {key: value_sets(draw, key) for key in VALUES if draw(st.booleans())},
                frozenset(draw(st.sets(st.sampled_from(candidates), max_size=2))),
            )
        )
    # Sometimes a key is missing from the weights (weight 0), sometimes weighted but unused.
    weights = {key: draw(st.sampled_from(weight_values)) for key in VALUES if draw(st.booleans())}
    if draw(st.booleans()):
        weights["unused"] = draw(st.sampled_from(weight_values))
    return MatchProblem(tuple(volunteers), tuple(people), weights)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_match_is_optimal_against_brute_force(problem):
    result = match(problem)
    assert_feasible(problem, result)
    count, best = best_by_enumeration(problem)
    assert len(result.pairs) == count
    assert result.total_score == pytest.approx(best, abs=1e-9)
    assert result.bound == result.total_score


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(weight_values=(1 / 3, 2 / 3, 0.1234567, 1.0)))
def test_weights_beyond_six_places_give_a_bound_that_holds(problem):
    result = match(problem)
    assert_feasible(problem, result)
    count, best = best_by_enumeration(problem)
    assert len(result.pairs) == count
    assert result.total_score <= best + 1e-9
    assert best <= result.bound
    assert result.bound - result.total_score <= 1e-5


def test_weights_too_large_for_the_solver_are_rounded_more_coarsely_with_a_bound():
    # 1e15 with a pair sharing up to 4 values is past what cost scaling can take exactly.
    units, unit, exact = whole_weights([1e15, 1.5], [4, 2], nodes=1000)
    assert not exact
    assert units[0] * unit == pytest.approx(1e15)
    rng = random.Random(3)
    for _ in range(30):
        problem = random_problem(rng, people=5, volunteers=3, capacity=(0, 2))
        problem = MatchProblem(
            problem.volunteers, problem.people, {"interests": 1e15, "experience": 1.000001}
        )
        result = match(problem)
        assert_feasible(problem, result)
        count, best = best_by_enumeration(problem)
        assert len(result.pairs) == count
        assert result.total_score <= best * (1 + 1e-12)
        assert best <= result.bound


def test_more_people_matched_wins_over_a_higher_total_score():
    # p1 and v1 share everything (score 10), but taking that pair leaves p2 with nobody; the
    # matching of both (1 + 0) must win.
    interests = frozenset({"a", "b", "c", "d", "e"})
    volunteers = (
        Volunteer("v1", 1, frozenset({"en"}), {"interests": interests}),
        Volunteer("v2", 1, frozenset({"en"}), {}),
    )
    people = (
        Person("p1", frozenset({"en"}), {"interests": interests}),
        Person("p2", frozenset({"en"}), {"interests": frozenset({"a"})}, frozenset({"v2"})),
    )
    result = match(MatchProblem(volunteers, people, {"interests": 2.0}))
    assert [(pair.person, pair.volunteer) for pair in result.pairs] == [
        ("p1", "v2"),
        ("p2", "v1"),
    ]
    assert result.total_score == result.bound == 2.0
    assert result.unmatched == {}


def random_problem(
    rng: random.Random,
    *,
    people: int,
    volunteers: int,
    capacity: tuple[int, int] = (0, 3),
    languages: Sequence[str] = ("en", "en", "en", "pl", "so"),
) -> MatchProblem:
    interests = [f"interest {number}" for number in range(12)]
    experience = [f"experience {number}" for number in range(5)]

    def attributes() -> dict[str, frozenset[str]]:
        return {
            "interests": frozenset(rng.sample(interests, rng.randint(0, 4))),
            "experience": frozenset(rng.sample(experience, rng.randint(0, 2))),
        }

    volunteer_list = [
        Volunteer(
            f"v{number}",
            rng.randint(*capacity),
            frozenset(rng.sample(languages, rng.randint(1, 2))),
            attributes(),
        )
        for number in range(volunteers)
    ]
    person_list = [
        Person(
            f"p{number}",
            frozenset(rng.sample(languages, rng.randint(0, 2))),
            attributes(),
            frozenset(
                f"v{rng.randrange(volunteers + 2)}" for _ in range(rng.choice((0, 0, 0, 1, 2)))
            ),
        )
        for number in range(people)
    ]
    return MatchProblem(
        tuple(volunteer_list), tuple(person_list), {"interests": 1.0, "experience": 2.5}
    )


@pytest.mark.parametrize("seed", range(6))
def test_hard_rules_hold_and_every_reason_is_true_on_larger_problems(seed):
    rng = random.Random(seed)
    problem = random_problem(rng, people=300, volunteers=60)
    result = match(problem)
    assert_feasible(problem, result)
    volunteers = {volunteer.id: volunteer for volunteer in problem.volunteers}
    load = {volunteer_id: 0 for volunteer_id in volunteers}
    for pair in result.pairs:
        load[pair.volunteer] += 1
    for person in problem.people:
        if person.id not in result.unmatched:
            continue
        reason = result.unmatched[person.id]
        sharing = [v for v in problem.volunteers if person.languages & v.languages]
        permitted = [v for v in sharing if v.id not in person.exclude]
        open_ = [v for v in permitted if v.capacity > 0]
        if not person.languages:
            assert reason == "no languages are recorded for them"
        elif not sharing:
            assert reason.startswith("no volunteer shares a language with them (")
        elif not permitted:
            assert (
                reason == "every volunteer who shares a language with them is on their exclude list"
            )
        elif not open_:
            assert reason == "every volunteer they could be matched with has a capacity of 0"
        else:
            # Most people matched first: nobody is left while a volunteer they could have has room.
            assert all(load[v.id] == v.capacity for v in open_)
            expected = (
                "the only volunteer they could be matched with is full"
                if len(open_) == 1
                else f"all {len(open_)} volunteers they could be matched with are full"
            )
            assert reason == expected


@pytest.mark.parametrize("seed", range(4))
def test_keeping_only_each_volunteers_best_people_loses_nothing(seed, monkeypatch):
    # Many more people than places, so volunteers drop arcs to their lesser candidates.
    rng = random.Random(100 + seed)
    problem = random_problem(rng, people=400, volunteers=30, capacity=(1, 2))
    graph = Graph(problem)
    allowed_pairs = sum(
        is_allowed(p, v) and v.capacity > 0 for p in problem.people for v in problem.volunteers
    )
    assert graph.tails.size < allowed_pairs  # the pruning did cut arcs
    pruned = match(problem)
    monkeypatch.setattr(Graph, "_best", lambda self, share, score: share)
    full = match(problem)
    assert len(pruned.pairs) == len(full.pairs)
    assert pruned.total_score == full.total_score


def test_many_distinct_values_use_several_words_of_bits():
    # 150 languages and 150 interest values: three 64-bit words each.
    languages = [f"lang{number}" for number in range(150)]
    values = [f"value{number}" for number in range(150)]
    volunteers = tuple(
        Volunteer(
            f"v{n}", 1, frozenset(languages[n * 50 : n * 50 + 50]), {"i": frozenset(values[n::3])}
        )
        for n in range(3)
    )
    people = tuple(
        Person(
            f"p{n}",
            frozenset(languages[(n % 3) * 50 : (n % 3) * 50 + 50]),
            {"i": frozenset(values[n * 10 :])},
        )
        for n in range(5)
    )
    graph = Graph(MatchProblem(volunteers, people, {"i": 1.0}))
    assert graph.tails.size == 5
    problem = MatchProblem(volunteers, people, {"i": 1.0})
    result = match(problem)
    assert_feasible(problem, result)
    assert (len(result.pairs), result.total_score) == pytest.approx(best_by_enumeration(problem))
    assert result.unmatched == {
        "p3": "the only volunteer they could be matched with is full",
        "p4": "the only volunteer they could be matched with is full",
    }


def test_explain_lists_weighted_shared_values_largest_first():
    volunteer = Volunteer(
        "v1",
        1,
        frozenset({"en"}),
        {
            "interests": frozenset({"walking", "gardening", "chess"}),
            "experience": frozenset({"caring"}),
            "faith": frozenset({"quaker"}),
        },
    )
    person = Person(
        "p1",
        frozenset({"en"}),
        {
            "interests": frozenset({"walking", "gardening"}),
            "experience": frozenset({"caring", "grief"}),
            "faith": frozenset({"quaker"}),
        },
    )
    weights = {"interests": 1.0, "experience": 3.0, "pets": 5.0, "faith": 0.0}
    assert explain(person, volunteer, weights) == (
        "experience: caring",
        "interests: gardening, walking",
    )
    # A key missing from the weights (or weighted 0) neither scores nor explains.
    result = match(MatchProblem((volunteer,), (person,), weights))
    assert result.pairs[0].score == 5.0
    assert result.pairs[0].why == ("experience: caring", "interests: gardening, walking")
    assert match(MatchProblem((volunteer,), (person,), {})).pairs[0].why == ()


def test_each_reason_for_being_left_unmatched():
    volunteers = (
        Volunteer("v1", 1, frozenset({"en"})),
        Volunteer("v2", 0, frozenset({"pl"})),
        Volunteer("v3", 1, frozenset({"so"})),
    )
    people = (
        Person("p1", frozenset({"en"})),
        Person("p2", frozenset({"en"})),
        Person("p3", frozenset({"pl"})),
        Person("p4", frozenset({"so"}), exclude=frozenset({"v3", "v99"})),
        Person("p5", frozenset({"ar", "ur"})),
        Person("p6"),
    )
    result = match(MatchProblem(volunteers, people, {}))
    assert [(pair.person, pair.volunteer) for pair in result.pairs] == [("p1", "v1")]
    assert result.unmatched == {
        "p2": "the only volunteer they could be matched with is full",
        "p3": "every volunteer they could be matched with has a capacity of 0",
        "p4": "every volunteer who shares a language with them is on their exclude list",
        "p5": "no volunteer shares a language with them (ar, ur)",
        "p6": "no languages are recorded for them",
    }
    assert result.total_score == result.bound == 0.0


def test_languages_are_compared_exactly_as_written():
    result = match(
        MatchProblem(
            (Volunteer("v1", 1, frozenset({"EN"})),), (Person("p1", frozenset({"en"})),), {}
        )
    )
    assert result.pairs == []


def test_empty_problems():
    assert match(MatchProblem((), (), {})) == MatchResult([], {}, 0.0, 0.0)
    result = match(MatchProblem((Volunteer("v1", 2, frozenset({"en"})),), (), {"x": 1.0}))
    assert result == MatchResult([], {}, 0.0, 0.0)


def test_the_same_problem_gives_the_same_matching():
    problem = random_problem(random.Random(9), people=200, volunteers=40, capacity=(1, 2))
    first = result_to_json(match(problem))
    assert result_to_json(match(problem)) == first
    assert list(first) == ["pairs", "unmatched", "total_score", "bound"]


def test_check_problem_applies_the_rules_to_problems_built_in_code():
    volunteer = Volunteer("v1", 1, frozenset({"en"}))
    cases = [
        (MatchProblem((Volunteer("v1", -1),), (), {}), "$.volunteers[0].capacity"),
        (MatchProblem((volunteer, volunteer), (), {}), "$.volunteers[1].id"),
        (MatchProblem((), (Person("p1"), Person("p1")), {}), "$.people[1].id"),
        (MatchProblem((), (), {"interests": -1.0}), "$.weights.interests"),
        (MatchProblem((), (), {"lived experience": math.nan}), '$.weights["lived experience"]'),
    ]
    for problem, path in cases:
        with pytest.raises(ProblemError) as caught:
            match(problem)
        assert caught.value.path == path
    check_problem(MatchProblem((volunteer,), (Person("p1"),), {"interests": 0}))


def test_parse_problem_reads_the_contract_example():
    problem = parse_problem(
        {
            "volunteers": [
                {
                    "id": "v1",
                    "capacity": 2,
                    "languages": ["en"],
                    "attributes": {"interests": ["walking"], "experience": ["caring"]},
                }
            ],
            "people": [
                {
                    "id": "p1",
                    "languages": ["en", "en"],
                    "attributes": {"interests": ["walking"]},
                    "exclude": ["v7"],
                },
                {"id": "p2", "languages": [], "attributes": None, "exclude": None, "note": 1},
            ],
            "weights": {"interests": 1.0, "experience": 2},
        }
    )
    assert problem == MatchProblem(
        (
            Volunteer(
                "v1",
                2,
                frozenset({"en"}),
                {"interests": frozenset({"walking"}), "experience": frozenset({"caring"})},
            ),
        ),
        (
            Person(
                "p1", frozenset({"en"}), {"interests": frozenset({"walking"})}, frozenset({"v7"})
            ),
            Person("p2"),
        ),
        {"interests": 1.0, "experience": 2.0},
    )
    result = result_to_json(match(problem))
    assert result == {
        "pairs": [{"person": "p1", "volunteer": "v1", "score": 1.0, "why": ["interests: walking"]}],
        "unmatched": [{"person": "p2", "reason": "no languages are recorded for them"}],
        "total_score": 1.0,
        "bound": 1.0,
    }
