"""The one-to-one matcher: people matched to volunteers (befriending, peer mentoring).

Pure: plain data in, plain data out, no Django, so the connections app, the `alongside match`
command, the benchmark (bench/match.py) and the tests share it.

The problem (see docs/decisions/0005-matching.md for the method and why):

- a pair (person, volunteer) is allowed when they share a language (strings compared exactly as
  given) and the volunteer is not in the person's `exclude`; a volunteer takes at most
  `capacity` people and a person gets at most one volunteer;
- pair score = sum over the attribute keys in `weights` of weight x number of values the two
  share under that key; keys missing from `weights` count for nothing (weight 0);
- maximised: first the number of people matched, then the total pair score.

How `match` solves it: one min-cost max-flow (OR-Tools `SimpleMinCostFlow`, its
`solve_max_flow_with_min_cost`): each person supplies 1, each volunteer takes up to its
capacity, one arc per allowed pair costing minus the pair's score in whole units. The solver
first finds the maximum flow (the most people that can be matched) and then the cheapest flow of
that size (the highest total score), which is exactly the lexicographic objective, and its
answer is optimal: the linear programme of a network flow has integral optimal vertices, so
no fractional matching does better and `bound == total_score`.

Weights are turned into whole numbers by rounding to 6 decimal places (then divided by their
greatest common divisor); when every weight has at most 6 decimal places that is exact. When it
is not (a weight like 1/3), the matching is optimal for the rounded weights and `bound` adds a
proven allowance for the rounding. The reported scores are always float sums with the weights
as given (`math.fsum`).

Arcs are built only for allowed pairs, a block of volunteers at a time with numpy bit masks;
a volunteer with more allowed people than can possibly be matched in total keeps only its best
ones (an exchange argument shows an optimal matching never needs the others; see the decision
record).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:  # numpy is imported when solving, so the command's --help stays quick
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "MatchProblem",
    "MatchResult",
    "Pair",
    "Person",
    "ProblemError",
    "Volunteer",
    "allowed",
    "check_problem",
    "explain",
    "match",
    "pair_score",
    "parse_problem",
    "result_to_json",
]

DECIMALS = 6
"""Weights are rounded to this many decimal places for the optimisation."""

# Cells (people x volunteers) handled per block when building arcs: bounds the temporary arrays.
BLOCK_CELLS = 1 << 21


# --- The problem ----------------------------------------------------------------------------


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


# --- Reading the JSON problem ---------------------------------------------------------------


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


# --- Scores and reasons ---------------------------------------------------------------------


def explain(person: Person, volunteer: Volunteer, weights: Mapping[str, float]) -> tuple[str, ...]:
    """What the two share that counts: one "key: value, value" line per weighted key.

    Only keys with a weight above 0 are listed (the others play no part in the score); the
    largest contribution (weight x values shared) comes first, ties by key; values in
    alphabetical order. Empty when they share nothing that counts.
    """
    lines: list[tuple[float, str, str]] = []
    for key, weight in weights.items():
        if weight <= 0:
            continue
        shared = person.attributes.get(key, frozenset()) & volunteer.attributes.get(
            key, frozenset()
        )
        if shared:
            lines.append((-weight * len(shared), key, f"{key}: {', '.join(sorted(shared))}"))
    return tuple(line for _, _, line in sorted(lines))


def pair_score(person: Person, volunteer: Volunteer, weights: Mapping[str, float]) -> float:
    """Sum over weighted keys of weight x number of shared values (math.fsum of the terms)."""
    return math.fsum(
        weight
        * len(person.attributes.get(key, frozenset()) & volunteer.attributes.get(key, frozenset()))
        for key, weight in weights.items()
        if weight > 0
    )


def allowed(person: Person, volunteer: Volunteer) -> bool:
    """Whether the pair may be matched: a shared language and not excluded (capacity aside)."""
    return bool(person.languages & volunteer.languages) and volunteer.id not in person.exclude


# --- Matching -------------------------------------------------------------------------------


def match(problem: MatchProblem) -> MatchResult:
    """The matching with the most people matched and, among those, the highest total score.

    Raises ProblemError when the problem breaks a rule (see `check_problem`). Deterministic:
    the same problem gives the same pairs.
    """
    check_problem(problem)
    people = list(problem.people)
    volunteers = list(problem.volunteers)
    graph = _Graph(problem)
    pairs: list[Pair] = []
    unmatched: dict[str, str] = {}
    chosen = graph.solve()
    for row, person in enumerate(people):
        column = chosen.get(row)
        if column is None:
            unmatched[person.id] = _reason(
                person,
                int(graph.sharing[row]),
                int(graph.permitted[row]),
                int(graph.open[row]),
            )
            continue
        volunteer = volunteers[column]
        pairs.append(
            Pair(
                person.id,
                volunteer.id,
                pair_score(person, volunteer, problem.weights),
                explain(person, volunteer, problem.weights),
            )
        )
    total = math.fsum(pair.score for pair in pairs)
    bound = total
    if not graph.exact:
        # Our matching loses at most its own rounding error against the rounded optimum, and the
        # true optimum gains at most (people matched) x (the largest error of any pair).
        own = math.fsum(
            graph.rounding_error(people[row], volunteers[column]) for row, column in chosen.items()
        )
        bound = total + own + len(chosen) * graph.worst_error
        bound = math.nextafter(bound, math.inf)
    return MatchResult(pairs, unmatched, total, bound)


def _reason(person: Person, sharing: int, permitted: int, open_count: int) -> str:
    if not person.languages:
        return "no languages are recorded for them"
    if sharing == 0:
        languages = ", ".join(sorted(person.languages))
        return f"no volunteer shares a language with them ({languages})"
    if permitted == 0:
        return "every volunteer who shares a language with them is on their exclude list"
    if open_count == 0:
        return "every volunteer they could be matched with has a capacity of 0"
    if open_count == 1:
        return "the only volunteer they could be matched with is full"
    return f"all {open_count} volunteers they could be matched with are full"


class _Graph:
    """The flow network: arcs for allowed pairs with whole-number scores, and what `match`
    needs to explain who is left unmatched."""

    def __init__(self, problem: MatchProblem) -> None:
        import numpy as np

        people = list(problem.people)
        volunteers = list(problem.volunteers)
        self.people_count = len(people)
        self.volunteer_count = len(volunteers)
        rows, columns = self.people_count, self.volunteer_count
        self.capacity = np.array(
            [min(volunteer.capacity, rows) for volunteer in volunteers], dtype=np.int64
        )
        # Only values both sides have can ever be shared: bits for those alone.
        language_bits = _Bits([p.languages for p in people], [v.languages for v in volunteers])
        # Keys that count: weighted above 0 and with a value some pair can share.
        keys: list[str] = []
        attribute_bits: list[_Bits] = []
        for key, weight in problem.weights.items():
            if weight > 0:
                bits = _Bits(
                    [p.attributes.get(key, frozenset()) for p in people],
                    [v.attributes.get(key, frozenset()) for v in volunteers],
                )
                if bits.most_shared():
                    keys.append(key)
                    attribute_bits.append(bits)
        self.keys = keys
        self.weights = [float(problem.weights[key]) for key in keys]
        nodes = rows + columns + 2  # the solver adds a source and a sink
        self.units, self.unit, self.exact = _whole_weights(
            self.weights, [bits.most_shared() for bits in attribute_bits], nodes
        )
        self.errors = [
            abs(weight - units * self.unit)
            for weight, units in zip(self.weights, self.units, strict=True)
        ]
        excluded: dict[int, list[int]] = {}
        column_of = {volunteer.id: column for column, volunteer in enumerate(volunteers)}
        for row, person in enumerate(people):
            for volunteer_id in sorted(person.exclude):
                column = column_of.get(volunteer_id)
                if column is not None:
                    excluded.setdefault(column, []).append(row)
        # At most this many people are matched in all, so a volunteer needs arcs to no more
        # than this many of its best people (see the decision record).
        self.keep = int(min(rows, int(self.capacity.sum())))
        self.sharing = np.zeros(rows, dtype=np.int64)
        self.permitted = np.zeros(rows, dtype=np.int64)
        self.open = np.zeros(rows, dtype=np.int64)
        self.worst_error = 0.0
        tails: list[npt.NDArray[np.int32]] = []
        heads: list[npt.NDArray[np.int32]] = []
        scores: list[npt.NDArray[np.int64]] = []
        block = max(1, BLOCK_CELLS // max(1, rows))
        for first in range(0, columns, block):
            last = min(columns, first + block)
            share = language_bits.any_shared(first, last)
            self.sharing += share.sum(axis=1)
            for column in range(first, last):
                for row in excluded.get(column, ()):
                    share[row, column - first] = False
            self.permitted += share.sum(axis=1)
            share &= self.capacity[first:last] > 0
            self.open += share.sum(axis=1)
            score = np.zeros(share.shape, dtype=np.int64)
            error = np.zeros(share.shape, dtype=np.float64) if not self.exact else None
            for bits, units, key_error in zip(attribute_bits, self.units, self.errors, strict=True):
                counts = bits.counts(first, last)
                if units:
                    score += units * counts
                if error is not None and key_error:
                    error += key_error * counts
            if error is not None and share.any():
                self.worst_error = max(self.worst_error, float(error[share].max()))
            keep = self._best(share, score)
            kept_rows, kept_columns = np.nonzero(keep)
            tails.append(kept_rows.astype(np.int32))
            heads.append((rows + first + kept_columns).astype(np.int32))
            scores.append(score[kept_rows, kept_columns])
        empty32 = np.zeros(0, dtype=np.int32)
        self.tails = np.concatenate(tails) if tails else empty32
        self.heads = np.concatenate(heads) if heads else empty32
        self.scores = np.concatenate(scores) if scores else np.zeros(0, dtype=np.int64)

    def _best(
        self, share: npt.NDArray[np.bool_], score: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """`share`, keeping for each volunteer at most `self.keep` people: the highest scores,
        ties to the earlier person."""
        import numpy as np

        crowded = np.nonzero(share.sum(axis=0) > self.keep)[0]
        if crowded.size == 0:
            return share
        keep = share.copy()
        masked = np.where(share[:, crowded], score[:, crowded], -1)
        rows = masked.shape[0]
        # The keep-th highest score of each crowded volunteer.
        threshold = np.partition(masked, rows - self.keep, axis=0)[rows - self.keep]
        above = masked > threshold
        room = self.keep - above.sum(axis=0)
        level = masked == threshold
        level &= np.cumsum(level, axis=0) <= room
        keep[:, crowded] = above | level
        return keep

    def solve(self) -> dict[int, int]:
        """Person row -> volunteer column for the optimal matching."""
        import numpy as np
        from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

        if self.tails.size == 0:
            return {}
        flow = SimpleMinCostFlow()
        count = int(self.tails.size)
        flow.add_arcs_with_capacity_and_unit_cost(
            self.tails, self.heads, np.ones(count, dtype=np.int64), -self.scores
        )
        nodes = self.people_count + self.volunteer_count
        supplies = np.concatenate([np.ones(self.people_count, dtype=np.int64), -self.capacity])
        flow.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"the min-cost flow was not solved (status {status})")
        flows = flow.flows(np.arange(count, dtype=np.int32))
        used = np.nonzero(flows > 0)[0]
        return {
            int(tail): int(head) - self.people_count
            for tail, head in zip(self.tails[used].tolist(), self.heads[used].tolist(), strict=True)
        }

    def rounding_error(self, person: Person, volunteer: Volunteer) -> float:
        return math.fsum(
            error
            * len(
                person.attributes.get(key, frozenset()) & volunteer.attributes.get(key, frozenset())
            )
            for key, error in zip(self.keys, self.errors, strict=True)
        )


def _whole_weights(
    weights: Sequence[float], most_shared: Sequence[int], nodes: int
) -> tuple[list[int], float, bool]:
    """Whole-number weights, the value of one unit, and whether they are exact.

    Each weight is rounded to DECIMALS places and all are divided by their greatest common
    divisor. The largest possible pair score must stay small enough for the solver's cost
    scaling (it multiplies costs by the number of nodes, and node prices grow to about that
    times more again); if it is not, the weights are rounded more coarsely, a decimal place at a
    time, and the result is marked inexact.
    """
    scale = 10**DECIMALS
    base = [round(weight * scale) for weight in weights]
    exact = all(whole / scale == weight for whole, weight in zip(base, weights, strict=True))
    limit = (2**63 - 1) // (4 * (nodes + 1) ** 2)
    coarser = 1
    while True:
        rounded = [(2 * whole + coarser) // (2 * coarser) for whole in base]  # halves go up
        divisor = math.gcd(*rounded) or 1
        units = [whole // divisor for whole in rounded]
        if sum(unit * most for unit, most in zip(units, most_shared, strict=True)) <= limit:
            return units, divisor * coarser / scale, exact
        coarser *= 10
        exact = False


class _Bits:
    """One attribute (or the languages) as bit masks: a row of uint64 words per person and per
    volunteer, one bit per value that appears on both sides."""

    def __init__(
        self, people: Sequence[frozenset[str]], volunteers: Sequence[frozenset[str]]
    ) -> None:
        on_people: set[str] = set().union(*people) if people else set()
        on_volunteers: set[str] = set().union(*volunteers) if volunteers else set()
        values = sorted(on_people & on_volunteers)
        position = {value: number for number, value in enumerate(values)}
        self.words = max(1, (len(values) + 63) // 64)
        self.people = self._masks(people, position)
        self.volunteers = self._masks(volunteers, position)
        self.people_sizes = [sum(value in position for value in values_) for values_ in people]
        self.volunteer_sizes = [
            sum(value in position for value in values_) for values_ in volunteers
        ]

    def _masks(
        self, sets: Sequence[frozenset[str]], position: dict[str, int]
    ) -> npt.NDArray[np.uint64]:
        import numpy as np

        masks = np.zeros((len(sets), self.words), dtype=np.uint64)
        if not position:
            return masks
        numbers = []
        for values in sets:
            number = 0
            for value in values:
                bit = position.get(value)
                if bit is not None:
                    number |= 1 << bit
            numbers.append(number)
        full = (1 << 64) - 1
        for word in range(self.words):
            masks[:, word] = np.array(
                [(number >> (64 * word)) & full for number in numbers], dtype=np.uint64
            )
        return masks

    def most_shared(self) -> int:
        """The most values any one pair can share."""
        if not self.people_sizes or not self.volunteer_sizes:
            return 0
        return min(max(self.people_sizes), max(self.volunteer_sizes))

    def any_shared(self, first: int, last: int) -> npt.NDArray[np.bool_]:
        """people x volunteers[first:last]: whether they share at least one value."""
        import numpy as np

        result: npt.NDArray[np.bool_] = np.not_equal(
            self.people[:, None, 0] & self.volunteers[None, first:last, 0], 0
        )
        for word in range(1, self.words):
            result |= (self.people[:, None, word] & self.volunteers[None, first:last, word]) != 0
        return result

    def counts(self, first: int, last: int) -> npt.NDArray[np.int64]:
        """people x volunteers[first:last]: how many values they share."""
        import numpy as np

        result = np.bitwise_count(
            self.people[:, None, 0] & self.volunteers[None, first:last, 0]
        ).astype(np.int64)
        for word in range(1, self.words):
            result += np.bitwise_count(
                self.people[:, None, word] & self.volunteers[None, first:last, word]
            )
        return result


# --- Writing the result ---------------------------------------------------------------------


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
