"""`alongside plan`: help, the output shape, bad input (exit 2, the JSON path, nothing written),
determinism, and dispatch through `alongside.cli` without Django."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alongside import cli
from alongside.scheduling.planner.cli import main

PROBLEM = {
    "workers": [
        {"id": "w1", "skills": ["debt"], "languages": ["en", "pl"]},
        {"id": "w3", "skills": [], "languages": ["en"]},
    ],
    "slots": [
        {"id": "s1", "worker": "w1", "start": "2026-12-01T09:00", "minutes": 60},
        {"id": "s2", "worker": "w3", "start": "2026-12-01T09:00", "minutes": 60},
        {"id": "s3", "worker": "w3", "start": "2026-12-09T09:00", "minutes": 60},
    ],
    "people": [
        {"id": "p1", "language": "pl", "named_worker": "w1", "seen_before": ["w1", "w3"]},
        {"id": "p2"},
    ],
    "requests": [
        {
            "id": "r1",
            "person": "p1",
            "earliest": "2026-12-01",
            "latest": "2026-12-07",
            "skill": "debt",
        },
        {"id": "r2", "person": "p2", "earliest": "2026-12-02", "latest": "2026-12-03"},
    ],
}


def write(folder: Path, data: object, name: str = "problem.json") -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(capsys, *arguments: object) -> tuple[int, str, str]:
    status = main([str(argument) for argument in arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_help(capsys):
    status, out, err = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: alongside plan [-h] [--output PLAN.json]")
    assert "--time-limit SECONDS" in out
    assert "Hard rules:" in out


def test_plan_writes_the_contract_shape_to_standard_output(tmp_path, capsys):
    status, out, err = run(capsys, write(tmp_path, PROBLEM))
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert list(result) == ["assignments", "unassigned", "score", "bound", "summary"]
    assert result["assignments"] == [{"request": "r1", "slot": "s1"}]
    assert result["unassigned"] == [
        {"request": "r2", "reason": "no slot starts between 2026-12-02 and 2026-12-03"}
    ]
    assert result["score"] == result["bound"] == 1100
    summary = result["summary"]
    assert summary["served"] == 1
    assert summary["requests"] == 2
    assert summary["named_worker_share"] == 1.0
    assert summary["mean_distinct_workers"] == 1.0
    assert summary["score"] == 1100


def test_plan_writes_the_output_file_and_is_deterministic(tmp_path, capsys):
    source = write(tmp_path, PROBLEM)
    first = tmp_path / "plan.json"
    second = tmp_path / "again.json"
    assert run(capsys, source, "--output", first) == (0, "", "")
    assert run(capsys, source, "--output", second, "--time-limit", "30") == (0, "", "")
    assert first.read_bytes() == second.read_bytes()
    stdout = run(capsys, source)[1]
    assert stdout == first.read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "again.json",
        "plan.json",
        "problem.json",
    ]


def bad(path: tuple[object, ...], value: object) -> dict[str, object]:
    data = json.loads(json.dumps(PROBLEM))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    (
        bad(("slots", 2, "start"), "2026-13-01T09:00"),
        "$.slots[2].start: not an ISO 8601 date-time: '2026-13-01T09:00'",
    ),
    (bad(("slots", 0, "worker"), "w9"), "$.slots[0].worker: no entry in workers has the id 'w9'"),
    (
        bad(("requests", 1, "person"), "p9"),
        "$.requests[1].person: no entry in people has the id 'p9'",
    ),
    (bad(("slots", 1, "id"), "s1"), "$.slots[1].id: another slot already has the id 's1'"),
    (
        bad(("requests", 0, "latest"), "2026-11-01"),
        "$.requests[0].latest: 2026-11-01 is before earliest 2026-12-01",
    ),
    (bad(("slots", 0, "minutes"), 0), "$.slots[0].minutes: must be more than 0, got 0"),
    (bad(("slots", 0, "minutes"), "60"), "$.slots[0].minutes: expected a whole number, got '60'"),
    (bad(("people", 1, "id"), 2), "$.people[1].id: expected a string, got the number 2"),
    (bad(("requests", 0, "earliest"), None), "$.requests[0].earliest: the required key is missing"),
    (bad(("people",), None), "$.people: the required key is missing"),
    (
        bad(("people", 0, "named_worker"), "w2"),
        "$.people[0].named_worker: no worker has the id 'w2'",
    ),
    (
        '{"workers": [\n  {"id": "w1",}\n]}',
        "line 2, column 15: not valid JSON: Expecting property name enclosed in double quotes",
    ),
    ("", "line 1, column 1: not valid JSON: Expecting value"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input_exits_2_naming_the_file_and_path_and_writes_nothing(
    tmp_path, capsys, data, message
):
    source = write(tmp_path, data)
    output = tmp_path / "plan.json"
    status, out, err = run(capsys, source, "--output", output)
    assert (status, out) == (2, "")
    assert err == f"alongside plan: {source}: {message}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["problem.json"]


def test_bad_input_leaves_an_existing_output_alone(tmp_path, capsys):
    source = write(tmp_path, bad(("slots", 0, "minutes"), -1))
    output = tmp_path / "plan.json"
    output.write_text("before", encoding="utf-8")
    assert run(capsys, source, "--output", output)[0] == 2
    assert output.read_text(encoding="utf-8") == "before"


def test_a_missing_file_and_bad_options_exit_2(tmp_path, capsys):
    status, out, err = run(capsys, tmp_path / "nothing.json")
    assert (status, out) == (2, "")
    assert err.startswith(f"alongside plan: {tmp_path / 'nothing.json'}: cannot be read:")
    status, _, err = run(capsys, write(tmp_path, PROBLEM), "--time-limit", "0")
    assert status == 2
    assert "--time-limit: must be more than 0" in err
    assert run(capsys)[0] == 2


def test_the_alongside_command_dispatches_without_django(tmp_path, capsys):
    assert "plan" in cli.PURE_COMMANDS
    assert cli.main(["plan", str(write(tmp_path, PROBLEM))]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 1100
