"""Planning rounds: the database side of the pure `planner` package, for a coordinator.

A coordinator lists who needs to be seen in a period (a planning round of requests); the pure
planner proposes bookings that keep people with the workers they know, beside what
first-available booking would have done with the same requests and slots. The coordinator
adjusts the proposal, then accepts it: every booking is made in one transaction, or none.

Ids in the planner's problem: workers are "u<user id>", people "p<person id>", requests
"r<request id>", slots their key ("<user id>@<aware ISO start>", as in `queries.slot_key`).
Slot times are handed to the planner as local wall-clock times, as it expects.

`queries` reads: the round as a planner problem (`planning_context`) and the proposal's rows
(`proposal_rows`). `services` writes: `create_round`, `propose`, `adjust`, `accept`, `discard`.
Warm handovers when a worker leaves use the same helpers: `scheduling.handovers`.
"""
