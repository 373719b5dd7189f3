"""`alongside match`: help, the output shape, bad input (exit 2, the JSON path, nothing written),
determinism, and dispatch through `alongside.cli` without Django."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alongside import cli
from alongside.connections.matcher.cli import main

PROBLEM = {
    "volunteers": [
        {
            "id": "v1",
            "capacity": 1,
            "languages": ["en"],
            "attributes": {"interests": ["walking", "gardening"], "experience": ["caring"]},
        },
        {"id": "v2", "capacity": 2, "languages": ["en", "pl"], "attributes": {}},
        {"id": "v3", "capacity": 0, "languages": ["so"]},
    ],
    "people": [
        {
            "id": "p1",
            "languages": ["en"],
            "attributes": {"interests": ["gardening", "walking"], "experience": ["caring"]},
            "exclude": ["v7"],
        },
        {"id": "p2", "languages": ["pl"], "attributes": {"interests": ["walking"]}},
        {"id": "p3", "languages": ["so"]},
        {"id": "p4", "languages": ["ar"]},
    ],
    "weights": {"interests": 1.0, "experience": 2.0},
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
    assert out.startswith("usage: alongside match [-h] [--output MATCH.json] PROBLEM.json")
    assert "A pair is allowed when they share a language" in out
    assert "weight 0" in out


def test_match_writes_the_contract_shape_to_standard_output(tmp_path, capsys):
    status, out, err = run(capsys, write(tmp_path, PROBLEM))
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "pairs": [
            {
                "person": "p1",
                "volunteer": "v1",
                "score": 4.0,
                "why": ["experience: caring", "interests: gardening, walking"],
            },
            {"person": "p2", "volunteer": "v2", "score": 0.0, "why": []},
        ],
        "unmatched": [
            {
                "person": "p3",
                "reason": "every volunteer they could be matched with has a capacity of 0",
            },
            {"person": "p4", "reason": "no volunteer shares a language with them (ar)"},
        ],
        "total_score": 4.0,
        "bound": 4.0,
    }


def test_match_writes_the_output_file_and_is_deterministic(tmp_path, capsys):
    source = write(tmp_path, PROBLEM)
    first = tmp_path / "match.json"
    second = tmp_path / "again.json"
    assert run(capsys, source, "--output", first) == (0, "", "")
    assert run(capsys, source, "--output", second) == (0, "", "")
    assert first.read_bytes() == second.read_bytes()
    assert run(capsys, source)[1] == first.read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "again.json",
        "match.json",
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
        bad(("volunteers", 2, "capacity"), -1),
        "$.volunteers[2].capacity: must be a whole number ≥ 0",
    ),
    (
        bad(("volunteers", 0, "capacity"), 1.5),
        "$.volunteers[0].capacity: must be a whole number ≥ 0",
    ),
    (
        bad(("volunteers", 0, "capacity"), True),
        "$.volunteers[0].capacity: must be a whole number ≥ 0",
    ),
    (
        bad(("volunteers", 1, "capacity"), None),
        "$.volunteers[1].capacity: the required key is missing",
    ),
    (
        bad(("volunteers", 1, "id"), "v1"),
        "$.volunteers[1].id: another volunteer already has the id 'v1'",
    ),
    (bad(("people", 3, "id"), "p1"), "$.people[3].id: another person already has the id 'p1'"),
    (bad(("people", 0, "id"), 7), "$.people[0].id: expected a string, got the number 7"),
    (bad(("people", 0, "id"), ""), "$.people[0].id: is empty"),
    (bad(("people", 2, "languages"), None), "$.people[2].languages: the required key is missing"),
    (
        bad(("people", 2, "languages"), "so"),
        "$.people[2].languages: expected a list of strings, got the string 'so'",
    ),
    (
        bad(("people", 1, "attributes", "interests", 0), ""),
        "$.people[1].attributes.interests[0]: expected a non-empty string, got ''",
    ),
    (
        bad(("people", 1, "attributes"), ["walking"]),
        "$.people[1].attributes: expected an object, got a list",
    ),
    (
        bad(("people", 0, "exclude", 0), 3),
        "$.people[0].exclude[0]: expected a non-empty string, got 3",
    ),
    (
        bad(("weights", "interests"), -0.5),
        "$.weights.interests: must be 0 or more, got -0.5 (to keep people apart use `exclude`; "
        "a weight only rewards what two people share)",
    ),
    (
        bad(("weights", "lived experience"), "2"),
        "$.weights[\"lived experience\"]: expected a number, got the string '2'",
    ),
    (bad(("weights",), None), "$.weights: the required key is missing"),
    (bad(("volunteers",), {}), "$.volunteers: expected a list, got an object"),
    (bad(("people", 1), "p2"), "$.people[1]: expected an object, got the string 'p2'"),
    ([], "$: expected an object, got a list"),
    (
        '{"volunteers": [], "people": [], "weights": {"x": NaN}}',
        "$.weights.x: must be a finite number, got nan",
    ),
    (
        '{"volunteers": [\n  {"id": "v1",}\n]}',
        "line 2, column 15: not valid JSON: Expecting property name enclosed in double quotes",
    ),
    ("", "line 1, column 1: not valid JSON: Expecting value"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input_exits_2_naming_the_file_and_path_and_writes_nothing(
    tmp_path, capsys, data, message
):
    source = write(tmp_path, data)
    output = tmp_path / "match.json"
    status, out, err = run(capsys, source, "--output", output)
    assert (status, out) == (2, "")
    assert err == f"alongside match: {source}: {message}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["problem.json"]


def test_bad_input_leaves_an_existing_output_alone(tmp_path, capsys):
    source = write(tmp_path, bad(("volunteers", 0, "capacity"), -1))
    output = tmp_path / "match.json"
    output.write_text("before", encoding="utf-8")
    assert run(capsys, source, "--output", output)[0] == 2
    assert output.read_text(encoding="utf-8") == "before"


def test_a_missing_file_an_unwritable_output_and_bad_options_exit_2(tmp_path, capsys):
    status, out, err = run(capsys, tmp_path / "nothing.json")
    assert (status, out) == (2, "")
    assert err.startswith(f"alongside match: {tmp_path / 'nothing.json'}: cannot be read:")
    source = write(tmp_path, PROBLEM)
    status, out, err = run(capsys, source, "--output", tmp_path / "no" / "match.json")
    assert (status, out) == (2, "")
    assert err.startswith(f"alongside match: {tmp_path / 'no' / 'match.json'}: cannot be written:")
    assert run(capsys)[0] == 2
    assert run(capsys, source, "--time-limit", "3")[0] == 2


def test_the_alongside_command_dispatches_without_django(tmp_path, capsys):
    assert cli.PURE_COMMANDS["match"] == "alongside.connections.matcher.cli:main"
    assert cli.main(["match", str(write(tmp_path, PROBLEM))]) == 0
    assert json.loads(capsys.readouterr().out)["total_score"] == 4.0
