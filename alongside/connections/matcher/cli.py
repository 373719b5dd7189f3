"""`alongside match`: one-to-one matching of people to volunteers (befriending, peer mentoring).

Runs without Django (alongside/cli.py dispatches here directly). Reads the problem as JSON,
checks it (`problem.parse_problem` names the JSON path of the first bad field), solves it
with `solve.match` and writes the matching as JSON. numpy and OR-Tools are
imported only when solving, so `--help` and bad input stay quick. On bad input nothing is
written; the output file is written beside its final place and renamed into it in one step.
"""

from __future__ import annotations

import argparse
import json
import sys

from alongside.common.problem_json import InputError, read_problem, write_output
from alongside.connections.matcher.problem import (
    parse_problem,
    result_to_json,
)

PROG = "alongside match"

DESCRIPTION = """\
One-to-one matching of people to volunteers (befriending, peer mentoring).

Input (JSON):
  {"volunteers": [{"id": "v1", "capacity": 2, "languages": ["en"],
                   "attributes": {"interests": ["walking"], "experience": ["caring"]}}],
   "people":     [{"id": "p1", "languages": ["en"], "attributes": {"interests": ["walking"]},
                   "exclude": ["v7"]}],
   "weights":    {"interests": 1.0, "experience": 2.0}}
capacity (a whole number >= 0), languages and weights are required; attributes and exclude may
be left out or null. Ids are unique among volunteers and among people.

A pair is allowed when they share a language (compared exactly as written: "en" and "EN" differ)
and the volunteer is not in the person's exclude (ids of volunteers not in this problem are
allowed there and change nothing). Pair score = sum over attribute keys of weight x number of
shared values; a key missing from weights counts for nothing (weight 0), a weight below 0 is
refused. Maximised: first the number of people matched, then the total pair score, each
volunteer taking at most capacity people.

Output (JSON): {"pairs": [{"person": "p1", "volunteer": "v1", "score": 1.0,
"why": ["interests: walking"]}], "unmatched": [{"person": ..., "reason": ...}],
"total_score": 1.0, "bound": 1.0}
where bound is a proven upper bound on the total score of any matching of as many people (equal
to total_score: the matching is optimal; weights are used to 6 decimal places, and with more
places bound allows for the rounding). The same input gives the same output.

On bad input the command names the file, the JSON path and the field, exits with status 2 and
writes nothing."""


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status (0 done, 2 bad input)."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed the help (0) or the error (2)
        return stop.code if isinstance(stop.code, int) else 2
    try:
        problem = read_problem(arguments.problem, parse_problem)
        # Imported here, not at the top: the solver is not needed for --help or bad input.
        from alongside.connections.matcher.solve import match

        result = match(problem)
        text = json.dumps(result_to_json(result), indent=1, ensure_ascii=False) + "\n"
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
    parser.add_argument(
        "problem", metavar="PROBLEM.json", help="the volunteers, people and weights"
    )
    parser.add_argument(
        "--output",
        metavar="MATCH.json",
        help="write the matching here, replacing the file in one step once all is computed "
        "(default: standard output)",
    )
    return parser
