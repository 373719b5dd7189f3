"""`match`: the matching with the most people matched, then the highest total score."""

from __future__ import annotations

import math

from alongside.connections.matcher.graph import Graph
from alongside.connections.matcher.problem import (
    MatchProblem,
    MatchResult,
    Pair,
    Person,
    check_problem,
)
from alongside.connections.matcher.score import explain, pair_score


def match(problem: MatchProblem) -> MatchResult:
    """The matching with the most people matched and, among those, the highest total score.

    Raises ProblemError when the problem breaks a rule (see `check_problem`). Deterministic:
    the same problem gives the same pairs.
    """
    check_problem(problem)
    people = list(problem.people)
    volunteers = list(problem.volunteers)
    graph = Graph(problem)
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
