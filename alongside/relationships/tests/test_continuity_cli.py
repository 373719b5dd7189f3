"""`alongside continuity`: output, ordering, windows and bad input, through main() and the script."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.relationships import continuity_cli
from alongside.relationships.continuity import INDEX_NAMES, measure
from alongside.relationships.continuity_cli import main

HEADER = "person,contacts,workers,upc,coc,secon,mmci,hhi,named_share\n"

HAND_COMPUTED = """\
person,worker,at,named_worker
2,b,2026-01-03,b
2,a,2026-01-01,a
10,c,2026-02-01,
2,a,2026-01-02T09:30,a
2,b,2026-01-03T23:00:00Z,a
"""
# Person 2 in time order: a, a, b, b; n = (2, 2), N = 4, M = 2; named matches 3 of 4.
# upc 2/4, coc (8 - 4)/(4 * 3), secon 2/3, mmci (4 - 2 + 0.1)/(4 - 0.9), hhi 8/16.
HAND_COMPUTED_OUTPUT = (
    HEADER + "2,4,2,0.5,0.3333333333,0.6666666667,0.6774193548,0.5,0.75\n10,1,1,1,,,1,1,\n"
)


@pytest.fixture(autouse=True, params=["reference", "columnar"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs twice: as small files run (the reference reader) and with the
    columnar engine chosen for every file, which must answer the same."""
    if request.param == "columnar":
        monkeypatch.setattr(continuity_cli, "COLUMNAR_FROM_BYTES", 0)
    return str(request.param)


def write(folder: Path, text: str, name: str = "contacts.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *arguments: object) -> tuple[int, str, str]:
    status = main([str(argument) for argument in arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_continuity_hand_computed_file(tmp_path, capsys):
    source = write(tmp_path, HAND_COMPUTED)
    assert run(capsys, source) == (0, HAND_COMPUTED_OUTPUT, "")


def test_continuity_same_result_when_the_time_cache_overflows(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(continuity_cli, "TIME_CACHE_SIZE", 2)
    source = write(tmp_path, HAND_COMPUTED)
    assert run(capsys, source) == (0, HAND_COMPUTED_OUTPUT, "")
    out = run(capsys, write(tmp_path, WINDOW_FILE), "--from", "2026-02-01")[1]
    # Three different workers: mmci is 0.1 / (3 - 0.9).
    assert out == HEADER + "1,3,3,0.3333333333,0,0,0.04761904762,0.3333333333,\n2,1,1,1,,,1,1,\n"


def test_continuity_writes_output_file(tmp_path, capsys):
    source = write(tmp_path, HAND_COMPUTED)
    output = tmp_path / "out.csv"
    output.write_text("old\n")
    assert run(capsys, source, "--output", output) == (0, "", "")
    assert output.read_text() == HAND_COMPUTED_OUTPUT
    assert sorted(path.name for path in tmp_path.iterdir()) == ["contacts.csv", "out.csv"]


def test_continuity_ties_keep_file_order(tmp_path, capsys):
    # Three contacts at 2026-03-01 00:00 written three ways, with a later one first in the file.
    # In file order the tie gives a, b, a then c: no back-to-back repeat, so secon is 0.
    # Sorting the tie by worker would give a, a, b, c and secon 1/3.
    source = write(
        tmp_path,
        "person,worker,at\n"
        "1,c,2026-03-02\n"
        "1,a,2026-03-01\n"
        "1,b,2026-03-01T00:00\n"
        "1,a,2026-03-01T00:00:00Z\n",
    )
    # n = (2, 1, 1): upc 2/4, coc (6 - 4)/12, mmci 1.1/3.1, hhi 6/16
    assert run(capsys, source) == (
        0,
        HEADER + "1,4,3,0.5,0.1666666667,0,0.3548387097,0.375,\n",
        "",
    )


def test_continuity_tie_in_file_order_sets_secon(tmp_path, capsys):
    source = write(
        tmp_path,
        "person,worker,at\n1,a,2026-03-01\n1,a,2026-03-01T00:00\n1,b,2026-03-01T00:00:00+00:00\n",
    )
    assert run(capsys, source)[1].splitlines()[1].split(",")[5] == "0.5"


def test_continuity_date_means_midnight_and_sorts_before_later_times(tmp_path, capsys):
    # 2026-05-01T08:00 comes after the bare date 2026-05-01 (00:00) although it is first in
    # the file: order a, b, b gives secon 1/2 (file order b, a, b would give 0).
    source = write(
        tmp_path, "person,worker,at\n1,b,2026-05-01T08:00\n1,a,2026-05-01\n1,b,2026-05-02\n"
    )
    assert run(capsys, source)[1].splitlines()[1].split(",")[5] == "0.5"


def test_continuity_converts_offsets_to_utc(tmp_path, capsys):
    # 2026-01-03T00:30+01:00 is 2026-01-02T23:30 UTC: order a, a, b and secon 1/2. Reading
    # the clock time without its offset would give a, b, a and secon 0.
    source = write(
        tmp_path,
        "person,worker,at\n7,a,2026-01-03T00:30+01:00\n7,b,2026-01-03\n7,a,2026-01-02T23:45\n",
    )
    assert run(capsys, source)[1].splitlines()[1].split(",")[5] == "0.5"


WINDOW_FILE = """\
person,worker,at
1,a,2026-01-31T23:59
1,b,2026-02-01
1,c,2026-02-28T23:59:59
1,d,2026-03-01
2,a,2026-03-05
"""


@pytest.mark.parametrize(
    ("window", "rows"),
    [
        ([], ["1,4,4", "2,1,1"]),
        (["--from", "2026-02-01", "--to", "2026-02-28"], ["1,2,2"]),
        (["--from", "2026-02-01T00:00:01", "--to", "2026-02-28"], ["1,1,1"]),
        (["--from", "2026-02-01", "--to", "2026-02-28T23:59:59"], ["1,1,1"]),
        (["--to", "2026-03-01T00:00"], ["1,3,3"]),
        (["--to", "2026-03-01"], ["1,4,4"]),
        (["--from", "2026-03-01"], ["1,1,1", "2,1,1"]),
        (["--from", "2026-03-02"], ["2,1,1"]),
        (["--from", "2026-02-01T01:00+01:00", "--to", "2026-02-01T00:00:01Z"], ["1,1,1"]),
        (["--from", "2027-01-01"], []),
    ],
)
def test_continuity_window(tmp_path, capsys, window, rows):
    # --from is inclusive; --to is exclusive, except that a bare date counts its whole day in.
    # People with no contact in the window are left out.
    status, out, err = run(capsys, write(tmp_path, WINDOW_FILE), *window)
    assert (status, err) == (0, "")
    assert [line.rsplit(",", 6)[0] for line in out.splitlines()[1:]] == rows


def test_continuity_sorts_whole_number_ids_as_numbers(tmp_path, capsys):
    source = write(tmp_path, "person,worker,at\n10,a,2026-01-01\n9,a,2026-01-01\n-3,a,2026-01-01\n")
    out = run(capsys, source)[1]
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["-3", "9", "10"]


def test_continuity_sorts_other_ids_as_text(tmp_path, capsys):
    source = write(
        tmp_path,
        "person,worker,at\n10,a,2026-01-01\n9,a,2026-01-01\nb,a,2026-01-01\nA,a,2026-01-01\n",
    )
    out = run(capsys, source)[1]
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["10", "9", "A", "b"]


def test_continuity_reads_columns_by_name_and_quotes_output(tmp_path, capsys):
    source = write(
        tmp_path,
        "\ufeffnote,at,named_worker,worker,person\n"
        'hello,2026-01-01,w1,w1,"Smith, Jo"\n'
        "\n"
        'x,2026-01-02,w1,w2,"Smith, Jo"\n',
    )
    assert run(capsys, source) == (
        0,
        HEADER + '"Smith, Jo",2,2,0.5,0,0,0.09090909091,0.5,0.5\n',
        "",
    )


def test_continuity_header_only_gives_header_only(tmp_path, capsys):
    assert run(capsys, write(tmp_path, "person,worker,at\n")) == (0, HEADER, "")


def test_continuity_help(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: alongside continuity [-h] [--output OUT.csv]")
    assert "whole numbers" in out
    assert "people with none are left out" in out
    assert "a bare date counts that whole day in" in " ".join(out.split())


BAD_FILES = [
    ("person,worker,when\n1,a,2026-01-01\n", 'contacts.csv: line 1, field "at": '),
    ("", "contacts.csv: line 1: the file is empty"),
    ("person,worker,at,worker\n", 'contacts.csv: line 1, field "worker": the column appears twice'),
    ("person,worker,at\n1,a,2026-01-01\n,a,2026-01-02\n", 'line 3, field "person": is empty'),
    ("person,worker,at\n1,a,2026-01-01\n\n1,,2026-01-02\n", 'line 4, field "worker": is empty'),
    ("person,worker,at\n1,a\n", 'line 2, field "at": missing (the row has 2 fields)'),
    (
        "person,worker,at,named_worker\n1,a,2026-01-01,a\n1,a,2026-01-02\n",
        'line 3, field "named_worker": missing',
    ),
    ("person,worker,at\n1,a,yesterday\n", 'line 2, field "at": "yesterday" is not an ISO 8601'),
    # The first bad line is named, although the fast pass notices the later one first.
    ("person,worker,at\n1,,2026-01-01\n1,a,soon\n", 'line 2, field "worker": is empty'),
    # A row outside the window is still checked.
    ("person,worker,at\n1,,2020-01-01\n1,a,2026-01-01\n", 'line 2, field "worker": is empty'),
    # A quote left open runs to the end of the file: one long field.
    (
        'person,worker,at\n1,a,2026-01-01\n"1,a,2026-01-02\n',
        'line 3, field "worker": missing (the row has 1 field)',
    ),
    (
        "person,worker,at\n1,a,2026-01-01\n1," + "x" * 200_000 + ",2026-01-02\n",
        "line 3: field larger than field limit",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_continuity_bad_file_writes_nothing(tmp_path, capsys, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    status, out, err = run(capsys, "contacts.csv", "--from", "2025-01-01", "--output", "out.csv")
    assert (status, out) == (2, "")
    assert message in err
    assert err.startswith("contacts.csv: ")
    assert list(tmp_path.iterdir()) == [tmp_path / "contacts.csv"]


@pytest.mark.parametrize(("text", "message"), BAD_FILES[:4])
def test_continuity_bad_file_leaves_existing_output_alone(tmp_path, capsys, text, message):
    source = write(tmp_path, text)
    output = tmp_path / "out.csv"
    output.write_text("old\n")
    status, _, err = run(capsys, source, "--output", output)
    assert status == 2
    assert message in err
    assert output.read_text() == "old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["contacts.csv", "out.csv"]


def test_continuity_bad_time_message(tmp_path, capsys, monkeypatch):
    lines = ["person,worker,at"] + [f"{number},a,2026-01-{number:02d}" for number in range(1, 16)]
    write(tmp_path, "\n".join([*lines, "16,a,2026-13-01", "17,a,2026-01-17"]) + "\n")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "contacts.csv") == (
        2,
        "",
        'contacts.csv: line 17, field "at": "2026-13-01" is not an ISO 8601 date or date-time\n',
    )


@pytest.mark.parametrize("line", [1, 3, 600])
def test_continuity_not_utf8_names_the_line(tmp_path, capsys, monkeypatch, line):
    lines = [b"person,worker,at"] + [b"1,a,2026-01-01"] * 1000
    lines[line - 1] = lines[line - 1].replace(b"a", b"\xff")
    (tmp_path / "contacts.csv").write_bytes(b"\n".join(lines) + b"\n")
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "contacts.csv")
    assert status == 2
    assert err.startswith(f"contacts.csv: line {line}: not UTF-8 text")


def test_continuity_missing_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "nowhere.csv", "--output", "out.csv") == (
        2,
        "",
        "nowhere.csv: cannot be read: No such file or directory\n",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (["--from", "2026-02-30"], 'argument --from: "2026-02-30" is not an ISO 8601 date'),
        (["--to", "next week"], 'argument --to: "next week" is not an ISO 8601 date'),
        (["--from", "2026-03-01", "--to", "2026-02-01"], "is not after --from"),
        (["--from", "2026-03-01", "--to", "2026-03-01T00:00"], "is not after --from"),
    ],
)
def test_continuity_bad_window_writes_nothing(tmp_path, capsys, window, message):
    source = write(tmp_path, WINDOW_FILE)
    output = tmp_path / "out.csv"
    status, out, err = run(capsys, source, "--output", output, *window)
    assert (status, out) == (2, "")
    assert message in err
    assert err.startswith("usage: alongside continuity")
    assert not output.exists()


def test_continuity_unwritable_output(tmp_path, capsys):
    source = write(tmp_path, HAND_COMPUTED)
    status, _, err = run(capsys, source, "--output", tmp_path / "missing" / "out.csv")
    assert status == 2
    assert "out.csv: cannot be written: No such file or directory" in err


def test_continuity_console_script(tmp_path):
    source = write(tmp_path, HAND_COMPUTED)
    script = Path(sys.executable).parent / "alongside"
    done = subprocess.run(  # noqa: S603 (the project's own script)
        [script, "continuity", source],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "does.not.exist"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, HAND_COMPUTED_OUTPUT, "")
    bad = write(tmp_path, "person,worker,at\n1,a,2026-13-01\n", name="bad.csv")
    done = subprocess.run(  # noqa: S603 (the project's own script)
        [script, "continuity", bad, "--output", tmp_path / "out.csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert 'line 2, field "at": "2026-13-01"' in done.stderr
    assert not (tmp_path / "out.csv").exists()


TIMES = [
    "2026-01-01",
    "2026-01-01T00:00",
    "2026-01-01T09:30",
    "2026-01-01T10:30+01:00",
    "2026-01-02",
    "2026-01-01T23:00:00-01:00",
]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "10", "x"]),
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(TIMES),
            st.sampled_from(["", "a", "b"]),
        ),
        max_size=30,
    )
)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_continuity_agrees_with_measure_on_each_person(tmp_path_factory, rows):
    # A plain re-statement of the contract: stable sort of each person's contacts by UTC time,
    # then measure(); ids sorted as text here because "x" is not a whole number.
    folder = tmp_path_factory.mktemp("agree")
    lines = ["person,worker,at,named_worker", *(",".join(row) for row in rows)]
    source = write(folder, "\n".join(lines) + "\n")
    output = folder / "out.csv"
    assert main([str(source), "--output", str(output)]) == 0

    def utc(text: str) -> datetime:
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment

    expected = [HEADER.strip()]
    ids = sorted({person for person, *_ in rows})
    if "x" not in ids:
        ids.sort(key=int)
    for person in ids:
        contacts = sorted((row for row in rows if row[0] == person), key=lambda row: utc(row[2]))
        result = measure([row[1] for row in contacts], [row[3] or None for row in contacts])
        cells = [result.index(name) for name in INDEX_NAMES]
        numbers = ["" if value is None else format(value, ".10g") for value in cells]
        expected.append(",".join([person, str(result.contacts), str(result.workers), *numbers]))
    assert output.read_text().splitlines() == expected


@given(
    st.lists(
        st.lists(st.sampled_from(["", "1", "a", "2026-01-01", "2026-02-30", "soon"]), max_size=5),
        max_size=8,
    )
)
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_continuity_any_file_gives_a_result_or_names_a_line(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("any")
    lines = ["at,person,worker,named_worker", *(",".join(row) for row in rows)]
    source = write(folder, "\n".join(lines) + "\n")
    output = folder / "out.csv"
    status = main([str(source), "--output", str(output), "--from", "2026-01-01"])
    assert status in (0, 2)
    assert output.exists() == (status == 0)


def test_continuity_keeps_its_own_field_limit_whatever_another_reader_set(tmp_path, capsys):
    """The csv module's field limit is one setting for the whole process; the archive's restore
    allows 16 MB. The command's errors must not depend on which reader ran before it."""
    import csv

    write(tmp_path, "person,worker,at\n1,a,2026-01-01\n1," + "x" * 200_000 + ",2026-01-02\n")
    before = csv.field_size_limit(16 * 1024**2)
    try:
        status, out, err = run(capsys, str(tmp_path / "contacts.csv"))
    finally:
        csv.field_size_limit(before)
    assert (status, out) == (2, "")
    assert "line 3: field larger than field limit" in err
