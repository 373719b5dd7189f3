"""The flow network: arcs for allowed pairs with whole-number scores, built a block of
volunteers at a time with numpy bit masks, and solved by OR-Tools' min-cost max-flow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from alongside.connections.matcher.problem import MatchProblem, Person, Volunteer

if TYPE_CHECKING:  # numpy is imported when solving, so the command's --help stays quick
    import numpy as np
    import numpy.typing as npt

DECIMALS = 6
"""Weights are rounded to this many decimal places for the optimisation."""

# Cells (people x volunteers) handled per block when building arcs: bounds the temporary arrays.
BLOCK_CELLS = 1 << 21


class Graph:
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
        self.units, self.unit, self.exact = whole_weights(
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


def whole_weights(
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
