"""The appointment planner: book requests into slots so that people keep the workers they know.

Pure: plain data in, plain data out, no Django, so the app, the `alongside plan` command, the
benchmark (bench/plan.py) and the tests share it. Times are local wall-clock times: a slot's
start is a `datetime` read with `datetime.fromisoformat`, with no zone (or, if every start
carries a UTC offset, all with one); a request's window is whole local days, both inclusive.

The problem (see docs/decisions/0003-planner.md for the method and why):

- hard rules: a slot serves at most one request and a request gets at most one slot; the slot
  starts on a day inside the request's window; the slot's worker has the request's skill (when
  given) and speaks the person's language (when given); one person's slots never overlap;
- score, maximised: 1000 per request served, plus 100 when served by the person's named worker,
  or else 30 when by a worker they have seen before; minus 40 for every distinct worker beyond
  the first that a person is booked with.

How `plan` solves it:

1. A min-cost flow (OR-Tools `SimpleMinCostFlow`) over an aggregated graph: request -> (worker,
   day) for the workers the person knows, request -> (eligibility class, window) pool ->
   (class, day) pools -> (worker, day) for everyone else (all strangers are worth the same
   1000), (worker, day) -> sink with
   the number of that worker's slots that day. Slots of one worker on one day are
   interchangeable once overlaps and the distinct-worker penalty are set aside, so this flow is
   exactly the maximum-weight matching of requests to slots with per-edge profit 1000 + bonus.
2. That matching drops the penalty (which is never negative) and the no-overlap rule (which
   only removes options), so its value is a proven upper bound on the score: `Plan.bound`.
3. The flow is turned into slots (pool requests go, where the flow allows, to a worker the
   person already has; each person's slots are kept apart), then improved by local search:
   serve requests still left where a free slot allows, augmenting paths (a chain of moves
   ending in a free slot), move one of the person's own bookings out of the way, move a
   booking to a free slot of a worker the person knows or already sees, or swap it with
   another person's booking when the two together gain.
4. Lagrangian-style rounds: each person gets an "anchor" (the worker they see most), the flow is
   solved again with an extra profit for staying with the anchor, and the repaired plan is kept
   when its true score is better.
5. When the problem is small, CP-SAT solves the full model (with the best plan as a hint)
   within the time limit; when it proves optimality, `bound == score`.

`first_available` is the baseline a booking system does; `propose_successors` proposes who takes
over each person when a worker leaves (a min-cost flow too).

The modules, in the order a plan is made:
- `problem`: the dataclasses (Worker, Slot, Person, Request, Problem, Plan), the score's weights and
  `parse_problem` (JSON);
- `index`: the problem as integers (`Index`), shared by every solver;
- `score`: `score`, `violations`, `summarise`, `plan_to_json`, and `make_plan` with the reasons a
  request was left out;
- `optimiser`: `plan`, which runs `flow` (the relaxation and its repair), `search` (local search)
  and `exact` (CP-SAT when small);
- `baseline`: `first_available`;
- `successors`: who takes over when a worker leaves (`propose_successors`, `handover_value`);
- `cli`: `alongside plan`.
This package module imports nothing, so `alongside plan --help` reads only what it needs; import
from the module that holds a name.
"""
