"""The planner: reading the JSON problem, naming the JSON path of bad input. Pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from alongside.scheduling.planner.problem import (
    Person,
    ProblemError,
    Request,
    Slot,
    Worker,
    parse_problem,
)
from alongside.scheduling.tests.planner_helpers import at

EXAMPLE = {
    "workers": [
        {"id": "w1", "skills": ["debt"], "languages": ["en", "pl"]},
        {"id": "w3", "skills": None},
    ],
    "slots": [{"id": "s1", "worker": "w1", "start": "2026-12-01T09:00", "minutes": 60}],
    "people": [{"id": "p1", "language": "pl", "named_worker": "w1", "seen_before": ["w1", "w3"]}],
    "requests": [
        {
            "id": "r1",
            "person": "p1",
            "earliest": "2026-12-01",
            "latest": "2026-12-07",
            "skill": "debt",
        }
    ],
}


def test_parse_problem_reads_the_contract_example():
    parsed = parse_problem(EXAMPLE)
    assert parsed.workers == (
        Worker("w1", frozenset({"debt"}), frozenset({"en", "pl"})),
        Worker("w3", frozenset(), frozenset()),
    )
    assert parsed.slots == (Slot("s1", "w1", at(0, 9), 60),)
    assert parsed.people == (Person("p1", "pl", "w1", frozenset({"w1", "w3"})),)
    assert parsed.requests == (Request("r1", "p1", date(2026, 12, 1), date(2026, 12, 7), "debt"),)


def test_parse_problem_optional_keys_may_be_absent_or_null():
    parsed = parse_problem(
        {
            "workers": [{"id": "w1"}],
            "slots": [],
            "people": [{"id": "p1", "language": None, "named_worker": None, "seen_before": None}],
            "requests": [
                {"id": "r1", "person": "p1", "earliest": "2026-12-01", "latest": "2026-12-01"}
            ],
        }
    )
    assert parsed.people == (Person("p1", None, None, frozenset()),)
    assert parsed.requests[0].skill is None


def changed(path: tuple[object, ...], value: object) -> dict[str, object]:
    """A deep copy of EXAMPLE with the item at `path` set to `value` (or deleted: DELETE)."""
    import copy

    data = copy.deepcopy(EXAMPLE)
    target: object = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    if value is DELETE:
        del target[path[-1]]  # type: ignore[attr-defined]
    else:
        target[path[-1]] = value  # type: ignore[index]
    return data


DELETE = object()

BAD_INPUTS = [
    (("workers",), DELETE, "$.workers", "the required key is missing"),
    (("slots",), {}, "$.slots", "expected a list, got an object"),
    (("workers", 0, "id"), 7, "$.workers[0].id", "expected a string, got the number 7"),
    (("workers", 1, "id"), "w1", "$.workers[1].id", "another worker already has the id 'w1'"),
    (("workers", 0, "skills"), "debt", "$.workers[0].skills", "expected a list of strings"),
    (("workers", 0, "languages", 1), 3, "$.workers[0].languages[1]", "non-empty string"),
    (("slots", 0, "worker"), "w9", "$.slots[0].worker", "no entry in workers has the id 'w9'"),
    (
        ("slots", 0, "start"),
        "2026-13-01T09:00",
        "$.slots[0].start",
        "not an ISO 8601 date-time: '2026-13-01T09:00'",
    ),
    (("slots", 0, "start"), "2026-12-01", "$.slots[0].start", "not an ISO 8601 date-time"),
    (("slots", 0, "minutes"), 0, "$.slots[0].minutes", "must be more than 0, got 0"),
    (("slots", 0, "minutes"), -5, "$.slots[0].minutes", "must be more than 0"),
    (("slots", 0, "minutes"), 1.5, "$.slots[0].minutes", "expected a whole number"),
    (("slots", 0, "minutes"), True, "$.slots[0].minutes", "expected a whole number"),
    (("slots", 0, "minutes"), DELETE, "$.slots[0].minutes", "the required key is missing"),
    (("people", 0, "named_worker"), "w7", "$.people[0].named_worker", "no worker has the id"),
    (("people", 0, "seen_before", 1), "w8", "$.people[0].seen_before[1]", "no worker"),
    (("people", 0, "language"), ["pl"], "$.people[0].language", "expected a string, got a list"),
    (("requests", 0, "person"), "p2", "$.requests[0].person", "no entry in people has the id"),
    (("requests", 0, "earliest"), "01/12/2026", "$.requests[0].earliest", "not an ISO 8601 date"),
    (
        ("requests", 0, "latest"),
        "2026-11-30",
        "$.requests[0].latest",
        "2026-11-30 is before earliest 2026-12-01",
    ),
    (("requests", 0, "skill"), 5, "$.requests[0].skill", "expected a string"),
    (("requests", 0), "r1", "$.requests[0]", "expected an object, got the string 'r1'"),
]


@pytest.mark.parametrize(("path", "value", "where", "message"), BAD_INPUTS)
def test_parse_problem_names_the_json_path_of_bad_input(path, value, where, message):
    with pytest.raises(ProblemError) as caught:
        parse_problem(changed(path, value))
    assert caught.value.path == where
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{where}: ")


def test_parse_problem_rejects_a_root_that_is_not_an_object():
    with pytest.raises(ProblemError, match=r"^\$: expected an object, got a list$"):
        parse_problem([])


def test_parse_problem_rejects_duplicate_request_ids():
    data = changed(("requests",), [EXAMPLE["requests"][0], EXAMPLE["requests"][0]])  # type: ignore[index]
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    assert caught.value.path == "$.requests[1].id"


def test_parse_problem_takes_starts_with_offsets_only_all_together():
    data = changed(
        ("slots",),
        [
            {"id": "s1", "worker": "w1", "start": "2026-12-01T09:00+01:00", "minutes": 60},
            {"id": "s2", "worker": "w1", "start": "2026-12-01T10:00", "minutes": 60},
        ],
    )
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    assert caught.value.path == "$.slots[1].start"
