"""The matcher's problem and result: the dataclasses, reading the JSON problem (naming the
first bad field), checking a problem built in code, and writing the result as JSON."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alongside.common.problem_json import (
    ProblemError,
    as_list,
    as_object,
    key_path,
    kind,
    new_id,
    required,
    strings,
)

__all__ = [
    "MatchProblem",
    "MatchResult",
    "Pair",
    "Person",
    "ProblemError",
    "Volunteer",
    "check_problem",
    "parse_problem",
    "result_to_json",
]


@dataclass(frozen=True, slots=True)
class Volunteer:
    """Someone who offers to be matched: how many people they can take, languages, attributes."""

    id: str
    capacity: int
    languages: frozenset[str] = frozenset()
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who asks to be matched; `exclude` lists volunteer ids never to match them with."""

    id: str
    languages: frozenset[str] = frozenset()
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MatchProblem:
    volunteers: Sequence[Volunteer]
    people: Sequence[Person]
    weights: Mapping[str, float] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Pair:
    """A proposed match, its score and the shared values behind it."""

    person: str
    volunteer: str
    score: float
    why: tuple[str, ...]


@dataclass
class MatchResult:
    """An optimal matching: pairs in the people's order, who is left and why, and the score.

    `bound` is a proven upper bound on the best total score among matchings of as many people;
    it equals `total_score` unless a weight has more than 6 decimal places.
    """

    pairs: list[Pair]
    unmatched: dict[str, str]
    total_score: float
    bound: float


def parse_problem(data: object) -> MatchProblem:
    """The problem in `data` (parsed JSON); raises ProblemError naming the first bad field.

    Required: `volunteers` and `people` (lists), `weights` (an object, may be empty); each
    volunteer's `id`, `capacity` (a whole number >= 0) and `languages`; each person's `id` and
    `languages`. Optional (absent or null): `attributes` (an object of lists of strings) and a
    person's `exclude` (volunteer ids; ids not in this problem are allowed and change nothing).
    Ids are unique among volunteers and among people (a person and a volunteer may share one).
    Weights are numbers >= 0. Repeated strings in a list count once. Unknown keys are ignored.
    """
    root = as_object(data, "$")
    volunteer_items = as_list(root, "volunteers", "$")
    person_items = as_list(root, "people", "$")
    weights_object = as_object(required(root, "weights", "$"), "$.weights")
    weights: dict[str, float] = {}
    for key, value in weights_object.items():
        path = key_path("$.weights", key)
        if not key:
            raise ProblemError(path, "an attribute key must not be empty")
        weights[key] = _weight(value, path)
    volunteers: list[Volunteer] = []
    volunteer_ids: set[str] = set()
    for index, item in enumerate(volunteer_items):
        path = f"$.volunteers[{index}]"
        entry = as_object(item, path)
        volunteer_id = new_id(entry, path, volunteer_ids, "volunteer")
        capacity = _capacity(required(entry, "capacity", path), f"{path}.capacity")
        volunteers.append(
            Volunteer(
                volunteer_id,
                capacity,
                frozenset(strings(entry, "languages", path, is_required=True)),
                _attributes(entry, path),
            )
        )
    people: list[Person] = []
    person_ids: set[str] = set()
    for index, item in enumerate(person_items):
        path = f"$.people[{index}]"
        entry = as_object(item, path)
        person_id = new_id(entry, path, person_ids, "person")
        people.append(
            Person(
                person_id,
                frozenset(strings(entry, "languages", path, is_required=True)),
                _attributes(entry, path),
                frozenset(strings(entry, "exclude", path)),
            )
        )
    return MatchProblem(tuple(volunteers), tuple(people), weights)


def check_problem(problem: MatchProblem) -> None:
    """Raise ProblemError (with the JSON path the same data would have) for rule-breaking data.

    `match` calls this, so callers that build a MatchProblem themselves get the same checks as
    the command: unique ids, capacities whole and >= 0, weights finite and >= 0.
    """
    for key, value in problem.weights.items():
        _weight(value, key_path("$.weights", key))
    seen: set[str] = set()
    for index, volunteer in enumerate(problem.volunteers):
        _capacity(volunteer.capacity, f"$.volunteers[{index}].capacity")
        if volunteer.id in seen:
            raise ProblemError(
                f"$.volunteers[{index}].id",
                f"another volunteer already has the id {volunteer.id!r}",
            )
        seen.add(volunteer.id)
    seen = set()
    for index, person in enumerate(problem.people):
        if person.id in seen:
            raise ProblemError(
                f"$.people[{index}].id", f"another person already has the id {person.id!r}"
            )
        seen.add(person.id)


def _capacity(value: object, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProblemError(path, "must be a whole number ≥ 0")
    return value


def _weight(value: object, path: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ProblemError(path, f"expected a number, got {kind(value)}")
    if not math.isfinite(value):
        raise ProblemError(path, f"must be a finite number, got {value!r}")
    if value < 0:
        raise ProblemError(
            path,
            f"must be 0 or more, got {value!r} (to keep people apart use `exclude`; "
            "a weight only rewards what two people share)",
        )
    return float(value)


def _attributes(entry: dict[str, Any], path: str) -> dict[str, frozenset[str]]:
    value = entry.get("attributes")
    if value is None:
        return {}
    attributes = as_object(value, f"{path}.attributes")
    result: dict[str, frozenset[str]] = {}
    for key in attributes:
        where = key_path(f"{path}.attributes", key)
        if not key:
            raise ProblemError(where, "an attribute key must not be empty")
        result[key] = frozenset(strings(attributes, key, f"{path}.attributes"))
    return result


def result_to_json(result: MatchResult) -> dict[str, object]:
    """The result as the command writes it (key order fixed)."""
    return {
        "pairs": [
            {
                "person": pair.person,
                "volunteer": pair.volunteer,
                "score": pair.score,
                "why": list(pair.why),
            }
            for pair in result.pairs
        ],
        "unmatched": [
            {"person": person, "reason": reason} for person, reason in result.unmatched.items()
        ],
        "total_score": result.total_score,
        "bound": result.bound,
    }
