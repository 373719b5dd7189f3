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

The modules: `problem` (the dataclasses, reading the JSON problem, writing the result),
`score` (a pair's score, whether it is allowed, and why), `graph` (the flow network with
whole-number scores), `solve` (`match`) and `cli` (`alongside match`). This package module
imports nothing, so `alongside match --help` reads only what it needs; import from the module
that holds a name.
"""
