"""`alongside plan`: propose appointments that keep people with the workers they know.

Runs without Django (alongside/cli.py dispatches here directly). Reads the problem as JSON,
checks it (`problem.parse_problem` names the JSON path of the first bad field), solves it with
`optimiser.plan` and writes the plan as JSON. The solver modules and OR-Tools are imported only
when solving, so `--help` and bad input stay quick. On bad input nothing is written; the output
file is written beside its final place and renamed into it in one step.
"""

from __future__ import annotations

import argparse
import json
import sys

from alongside.common.problem_json import InputError, read_problem, write_output
from alongside.scheduling.planner.problem import parse_problem

PROG = "alongside plan"

DESCRIPTION = """\
Proposes appointments that keep people with the workers they know.

Input (JSON):
  {"workers":  [{"id": "w1", "skills": ["debt"], "languages": ["en", "pl"]}],
   "slots":    [{"id": "s1", "worker": "w1", "start": "2026-12-01T09:00", "minutes": 60}],
   "people":   [{"id": "p1", "language": "pl", "named_worker": "w1",
                 "seen_before": ["w1", "w3"]}],
   "requests": [{"id": "r1", "person": "p1", "earliest": "2026-12-01",
                 "latest": "2026-12-07", "skill": "debt"}]}
skills, languages, language, named_worker, seen_before and skill may be left out or null.
Starts are local wall-clock times (ISO 8601 date-times); earliest and latest are whole days,
both inclusive.

Hard rules: a slot serves at most one request and a request gets at most one slot; the slot
starts within the request's window; the slot's worker has the request's skill (when given) and
speaks the person's language (when given); one person's booked slots never overlap in time.

Score, maximised: 1000 per request served, plus 100 when served by the person's named worker,
or else 30 when by a worker in seen_before; minus 40 for every distinct worker beyond the first
that a person is booked with.

Output (JSON): {"assignments": [{"request": ..., "slot": ...}],
"unassigned": [{"request": ..., "reason": ...}], "score": ..., "bound": ..., "summary": {...}}
where bound is a proven upper bound on the score (equal to score when the plan is proven
optimal). The same input gives the same output (unless --time-limit cuts the search short).

On bad input the command names the file, the JSON path and the field, exits with status 2 and
writes nothing."""


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status (0 done, 2 bad input)."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
        if arguments.time_limit is not None and not arguments.time_limit > 0:
            parser.error(f"argument --time-limit: must be more than 0, got {arguments.time_limit}")
    except SystemExit as stop:  # argparse has printed the help (0) or the error (2)
        return stop.code if isinstance(stop.code, int) else 2
    try:
        problem = read_problem(arguments.problem, parse_problem)
        # Imported here, not at the top: the solvers are not needed for --help or bad input.
        from alongside.scheduling.planner.optimiser import plan
        from alongside.scheduling.planner.score import plan_to_json

        result = plan(problem, time_limit=arguments.time_limit)
        text = json.dumps(plan_to_json(result), indent=1, ensure_ascii=False) + "\n"
        if arguments.output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_output(arguments.output, text)
    except InputError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("problem", metavar="PROBLEM.json", help="the workers, slots and requests")
    parser.add_argument(
        "--output",
        metavar="PLAN.json",
        help="write the plan here, replacing the file in one step once all is computed "
        "(default: standard output)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="stop improving the plan after about this long (the first plan is always made)",
    )
    return parser
