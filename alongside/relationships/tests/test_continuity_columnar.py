"""The columnar engine of `alongside continuity` against the pure-Python reference reader.

The reference (`continuity_cli._continuity_rows`) is what the contract was written against; the
columnar engine (`continuity_columnar`) must give the same indices, to 1e-9 (in fact the same
text), on any file it computes, and must hand every file it cannot vouch for back to the
reference, so errors name the same line and field.
"""

import csv
import io
import math
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.relationships import continuity_cli, continuity_columnar
from alongside.relationships.continuity_cli import main, time_key

ROOT = Path(__file__).resolve().parents[3]
ALLOCATOR = "_RJEM_MALLOC_CONF"
sys.path.insert(0, str(ROOT / "bench"))
from continuity import write_contacts  # noqa: E402 (bench/ is not a package)

# Whole numbers (one past 64 bits, one past 128 bits: sorted by the reference's own code), text.
PEOPLE = ["1", "2", "10", "7", "007", "-3", "12345678901234567890", "9" * 40, "x", "Zoë"]
WORKERS = ["a", "b", "c", "Łukasz", "a "]
# Bare dates, naive date-times (taken as UTC), offsets, Z, fractions, ISO basic and week forms;
# several name the same instant, so ties in input order are common.
TIME_TEXTS = [
    "2026-01-01",
    "2026-01-01T00:00",
    "2026-01-01 00:00:00",
    "2026-01-01T00:00:00Z",
    "2026-01-01T01:00+01:00",
    "2025-12-31T23:00:00-01:00",
    "20260101",
    "2026-W01-4",
    "2026-01-01T09:30",
    "2026-01-01T09:30:00.5",
    "2026-01-01T09:30:00.500000",
    "2026-01-01T10:30+01:00",
    "2026-01-02",
    "2026-03-29T01:30+05:30",
]
ZONES = [None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
times = st.one_of(
    st.sampled_from(TIME_TEXTS),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1)).map(date.isoformat),
    st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=datetime(2027, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from(ZONES),
    ).map(datetime.isoformat),
)
BOUNDS = [None, "2026-01-01", "2026-01-01T09:30", "2026-01-02T00:00+01:00", "2025-06-01"]


def contacts(named: bool):
    row = st.tuples(
        st.sampled_from(PEOPLE),
        st.sampled_from(WORKERS),
        times,
        st.sampled_from(["", *WORKERS]) if named else st.just(""),
    )
    return st.lists(row, max_size=60)


@st.composite
def files(draw):
    """A valid contacts file: columns in any order, maybe named_worker and an ignored column,
    LF or CRLF line ends, maybe a BOM and blank lines at the end."""
    named = draw(st.booleans())
    rows = draw(contacts(named))
    columns = ["person", "worker", "at", *(["named_worker"] if named else []), "note"]
    if not draw(st.booleans()):
        columns.remove("note")
    columns = draw(st.permutations(columns))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(columns)]
    for person, worker, at, named_worker in rows:
        values = {"person": person, "worker": worker, "at": at, "named_worker": named_worker}
        lines.append(",".join(values.get(column, "n") for column in columns))
    text = end.join(lines) + end + draw(st.sampled_from(["", end, end * 2]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + text.encode("utf-8"), rows, named


def window(start: str | None, end: str | None) -> tuple[int | None, int | None]:
    low = None if start is None else time_key(start)
    high = None if end is None else time_key(end)
    if end is not None and len(end) == 10:  # a bare date given to --to counts that whole day in
        assert high is not None
        high += continuity_cli.DAY_IN_MICROSECONDS
    return low, high


def assert_same_figures(output: str | None, reference: list[tuple[str, ...]]) -> None:
    """The same people in the same order, the same counts, every index within 1e-9."""
    assert output is not None, "a clean file must be computed by the columnar engine itself"
    columnar = [tuple(row) for row in csv.reader(io.StringIO(output, newline=""))]
    assert len(columnar) == len(reference)
    assert columnar[0] == reference[0]
    for ours, theirs in zip(columnar[1:], reference[1:], strict=True):
        assert ours[:3] == theirs[:3]
        for mine, expected in zip(ours[3:], theirs[3:], strict=True):
            assert (mine == "") == (expected == "")
            if expected:
                assert math.isclose(float(mine), float(expected), rel_tol=0, abs_tol=1e-9)
    # Same arithmetic and the same formatting, so in fact the same text, byte for byte.
    assert output == continuity_cli.output_text(reference)


@given(files(), st.sampled_from(BOUNDS), st.sampled_from(BOUNDS))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_columnar_agrees_with_the_reference_on_random_files(tmp_path_factory, file, start, end):
    data, _, _ = file
    path = tmp_path_factory.mktemp("agree") / "contacts.csv"
    path.write_bytes(data)
    low, high = window(start, end)
    columnar = continuity_columnar.csv_output(str(path), start=low, end=high)
    assert_same_figures(columnar, continuity_cli._continuity_rows(str(path), start=low, end=high))


@pytest.mark.parametrize("limits", [("ROW_KEY_LIMIT",), ("ROW_KEY_LIMIT", "SORT_KEY_LIMIT")])
@given(rows=contacts(named=True))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_columnar_agrees_when_sort_keys_would_overflow(tmp_path_factory, limits, rows):
    # The stable sort on one key, then the two stable sorts, for when more people, distinct
    # times and rows than a 64-bit key can hold make the quicker keys impossible.
    path = tmp_path_factory.mktemp("overflow") / "contacts.csv"
    lines = ["person,worker,at,named_worker", *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for limit in limits:
            patch.setattr(continuity_columnar, limit, 0)
        columnar = continuity_columnar.csv_output(str(path), start=None, end=None)
    assert_same_figures(columnar, continuity_cli._continuity_rows(str(path), start=None, end=None))


def test_columnar_agrees_on_the_benchmark_file(tmp_path):
    # The benchmark's realistic shape: skewed counts, shuffled rows, named workers changing.
    path = tmp_path / "contacts.csv"
    write_contacts(path, people=500, contacts=6000)
    for low, high in [(None, None), window("2024-01-01", "2025-06-30")]:
        columnar = continuity_columnar.csv_output(str(path), start=low, end=high)
        assert columnar is not None
        assert columnar.count("\n") > 100
        assert_same_figures(
            columnar, continuity_cli._continuity_rows(str(path), start=low, end=high)
        )


def test_columnar_agrees_when_two_values_share_a_hash(tmp_path, monkeypatch):
    # Values are numbered by a 64-bit hash, proved exact by comparing each with the first of its
    # group; if two ever shared one (a crafted file), they are numbered by value instead.
    monkeypatch.setattr(
        continuity_columnar, "_hashed", lambda values: pl.zeros(len(values), pl.UInt64, eager=True)
    )
    path = tmp_path / "contacts.csv"
    write_contacts(path, people=50, contacts=400)
    for low, high in [(None, None), window("2024-01-01", "2025-06-30")]:
        columnar = continuity_columnar.csv_output(str(path), start=low, end=high)
        assert_same_figures(
            columnar, continuity_cli._continuity_rows(str(path), start=low, end=high)
        )


@given(st.lists(st.sampled_from([*PEOPLE, "0", "-0", "+7", " 7", "9223372036854775807"])))
def test_values_are_numbered_exactly(values):
    # Equal values the same number, different values different numbers, whether numbered by
    # value (whole numbers as Python writes them) or by hash; `distinct` gives each number's value.
    series = pl.Series(values, dtype=pl.String)
    numbered = continuity_columnar._numbered(series)
    codes = numbered.codes.to_list()
    assert [numbered.distinct[code] for code in codes] == values
    assert len(set(codes)) == len(set(values))


def test_whole_number_ids_are_numbered_by_value():
    numbered = continuity_columnar._numbered(pl.Series(["3", "-1", "3", "1"]))
    assert numbered.codes.to_list() == [4, 0, 4, 2]
    assert numbered.distinct.to_list() == ["-1", "0", "1", "2", "3"]
    # Spread wider than twice the rows: numbered by hash, in order of first appearance.
    numbered = continuity_columnar._numbered(pl.Series(["10", "7", "10", "-3"]))
    assert numbered.codes.to_list() == [0, 1, 0, 2]
    # Written otherwise than Python writes them: numbered by hash, "007" apart from "7".
    numbered = continuity_columnar._numbered(pl.Series(["7", "007"]))
    assert numbered.codes.to_list() == [0, 1]
    assert numbered.distinct.to_list() == ["7", "007"]


DIGITS = st.text(alphabet="0123456789", min_size=2, max_size=2)
MOMENTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))  # noqa: DTZ001
BULK_SHAPES = st.one_of(
    # Any digits in the shapes parsed in bulk (mostly not real dates or times)...
    st.builds("{}{}-{}-{}".format, DIGITS, DIGITS, DIGITS, DIGITS),
    st.builds("{}{}-{}-{}T{}:{}".format, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS),
    st.builds("{}{}-{}-{}T{}:{}:{}".format, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS),
    # ... and real ones, from year 1 to 9999.
    MOMENTS.map(lambda moment: moment.date().isoformat()),
    MOMENTS.map(lambda moment: moment.isoformat(timespec="minutes")),
    MOMENTS.map(lambda moment: moment.isoformat(timespec="seconds")),
)
NEAR_MISSES = [
    "0000-01-01",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "2026-01-01T24:00",
    "2026-01-01T23:60",
    "2026-01-01T09:30:60",
    "2026-1-01",
    "2026-01-01T9:30",
    "2026-01-01T09:3",
    "+2026-01-01",
    " 2026-01-01",
    "2026-01-01 09:30",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "２０２６-01-01",
]


@given(st.lists(st.one_of(BULK_SHAPES, st.sampled_from(NEAR_MISSES), times), min_size=1))
@settings(max_examples=300, deadline=None)
def test_times_parsed_in_bulk_are_the_references_time_keys(texts):
    # Common shapes are parsed by polars, the rest by the reference's parser: together they must
    # give exactly the reference's key for every text, and refuse the same texts.
    expected = [time_key(text) for text in texts]
    parsed = continuity_columnar._parsed(pl.Series(texts, dtype=pl.String))
    if None in expected:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed.to_list() == expected


NOT_VOUCHED = [
    pytest.param(b'person,worker,at\n1,"a",2026-01-01\n', id="quotes"),
    pytest.param(b"person,worker,at\n1,a,2026-01-01\n\n1,b,2026-01-02\n", id="blank line inside"),
    pytest.param(b"person,worker,at\n1,a,2026-01-01\r1,b,2026-01-02\n", id="lone carriage return"),
    pytest.param(b"person,worker,at\n1,a\x00,2026-01-01\n", id="NUL"),
    pytest.param(b"person,worker,at\n1,\xff,2026-01-01\n", id="not UTF-8"),
    pytest.param(b"person,worker,at,note\n1,a,2026-01-01,\xed\xa0\x80\n", id="surrogate in UTF-8"),
    pytest.param(b"person,worker,at,note\n1,a,2026-01-01,\xc0\xaf\n", id="overlong UTF-8"),
    pytest.param(b"person,worker,\xffat\n1,a,2026-01-01\n", id="header not UTF-8"),
    pytest.param(b"person,worker,at,named_worker\n1,a,2026-01-01\n", id="short row"),
    pytest.param(b"person,worker,at\n1,a,2026-01-01,extra\n", id="long row"),
    pytest.param(b"person,worker,at\n1,,2026-01-01\n", id="empty worker"),
    pytest.param(b"person,worker,at\n,a,2026-01-01\n", id="empty person"),
    pytest.param(b"person,worker,at\n1,a,2026-02-30\n", id="bad date"),
    pytest.param(b"person,worker,at\n1,a,\n", id="empty at"),
    pytest.param(b"person,worker,at", id="no line end after the header"),
    pytest.param(
        b"person,worker,at,note\n1,a,2026-01-01," + b"x" * 200_000 + b"\n", id="huge field"
    ),
    pytest.param(
        b"person,worker,at," + b"x" * 200_000 + b"\n1,a,2026-01-01,\n", id="huge header field"
    ),
]


@pytest.mark.parametrize("data", NOT_VOUCHED)
def test_columnar_hands_back_what_it_cannot_vouch_for(tmp_path, data):
    path = tmp_path / "contacts.csv"
    path.write_bytes(data)
    assert continuity_columnar.csv_output(str(path), start=None, end=None) is None


def run(capsys, *arguments: object) -> tuple[int, str, str]:
    status = main([str(argument) for argument in arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


FIELDS = ["", "1", "a", "b", "2026-01-01", "2026-01-01T10:00+01:00", "2026-02-30", "soon", '"a"']


@given(
    st.lists(st.lists(st.sampled_from(FIELDS), min_size=2, max_size=5), max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_both_engines_answer_alike_on_any_file(tmp_path_factory, capsys, rows, end):
    # Good or bad: the same output, or the same error naming the same line and field.
    folder = tmp_path_factory.mktemp("alike")
    lines = ["at,person,worker,named_worker", *(",".join(row) for row in rows)]
    (folder / "contacts.csv").write_bytes((end.join(lines) + end).encode())
    answers = []
    for engine in ("python", "columnar"):
        arguments = ["--engine", engine, "--from", "2026-01-01"]
        answers.append(run(capsys, folder / "contacts.csv", *arguments))
    assert answers[0] == answers[1]


def test_auto_uses_the_columnar_engine_for_large_files_only(tmp_path, capsys, monkeypatch):
    calls: list[str] = []
    real = continuity_columnar.csv_output

    def spy(path, **window):
        calls.append(path)
        return real(path, **window)

    monkeypatch.setattr(continuity_columnar, "csv_output", spy)
    path = tmp_path / "contacts.csv"
    path.write_text("person,worker,at\n1,a,2026-01-01\n1,b,2026-01-02\n")
    assert run(capsys, path)[0] == 0
    assert calls == []
    monkeypatch.setattr(continuity_cli, "COLUMNAR_FROM_BYTES", path.stat().st_size)
    assert run(capsys, path) == (
        0,
        "person,contacts,workers,upc,coc,secon,mmci,hhi,named_share\n1,2,2,0.5,0,0,0.09090909091,0.5,\n",
        "",
    )
    assert calls == [str(path)]


def test_help_and_small_files_do_not_load_polars(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("person,worker,at\n1,a,2026-01-01\n")
    code = (
        "import sys\n"
        "from alongside.relationships.continuity_cli import main\n"
        f"assert main([{str(path)!r}]) == 0\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'polars' not in sys.modules, 'polars was imported'\n"
        "import os\n"
        f"assert {ALLOCATOR!r} not in os.environ\n"
        f"assert main([{str(path)!r}, '--engine', 'columnar']) == 0\n"
        "assert 'polars' in sys.modules\n"
        # Set before polars loaded, for its allocator to keep freed memory (decision 0116);
        # polars puts its own defaults first and ours, coming last, win.
        f"assert os.environ[{ALLOCATOR!r}].endswith(',dirty_decay_ms:-1,muzzy_decay_ms:-1')\n"
    )
    environment = {name: value for name, value in os.environ.items() if name != ALLOCATOR}
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environment,
    )
    assert done.returncode == 0, done.stderr


def test_an_allocator_setting_of_the_users_own_is_left_alone(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("person,worker,at\n1,a,2026-01-01\n")
    code = (
        "import os\n"
        "from alongside.relationships.continuity_cli import main\n"
        f"assert main([{str(path)!r}, '--engine', 'columnar']) == 0\n"
        f"assert os.environ[{ALLOCATOR!r}].endswith(',narenas:2')\n"
        f"assert 'dirty_decay_ms:-1' not in os.environ[{ALLOCATOR!r}]\n"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, ALLOCATOR: "narenas:2"},
    )
    assert done.returncode == 0, done.stderr


# Parquet: the same contacts as a CSV file give the same output.

PARQUET_CSV = """\
person,worker,at,named_worker
2,b,2026-01-03,b
2,a,2026-01-01,a
10,c,2026-02-01,
2,a,2026-01-02T09:30,a
2,b,2026-01-03T23:00:00Z,a
2,c,2026-01-03T00:00,
"""


def utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parquet_of(csv_text: str, path: Path, **casts) -> Path:
    frame = pl.read_csv(csv_text.encode(), infer_schema=False, empty_string_is_null=False)
    frame.with_columns(**casts).write_parquet(path)
    return path


def test_parquet_gives_what_the_csv_gives(tmp_path, capsys):
    source = tmp_path / "contacts.csv"
    source.write_text(PARQUET_CSV)
    expected = run(capsys, source, "--engine", "python")
    assert expected[0] == 0
    assert run(capsys, parquet_of(PARQUET_CSV, tmp_path / "contacts.parquet")) == expected
    # Typed columns: whole-number ids, and `at` as date-times (with a time zone, or naive = UTC).
    instants = [utc(line.split(",")[2]) for line in PARQUET_CSV.splitlines()[1:]]
    typed = parquet_of(
        PARQUET_CSV,
        tmp_path / "typed.parquet",
        person=pl.col("person").cast(pl.Int64),
        at=pl.Series(instants, dtype=pl.Datetime("us", "UTC")),
    )
    assert run(capsys, typed) == expected
    naive = [instant.replace(tzinfo=None) for instant in instants]
    plain = parquet_of(PARQUET_CSV, tmp_path / "naive.parquet", at=pl.Series(naive))
    assert run(capsys, plain) == expected
    # The same window on both.
    for arguments in (["--from", "2026-01-02"], ["--to", "2026-01-03"]):
        assert run(capsys, typed, *arguments) == run(
            capsys, source, "--engine", "python", *arguments
        )


@given(contacts(named=True))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_parquet_agrees_with_the_reference_on_random_contacts(tmp_path_factory, capsys, rows):
    folder = tmp_path_factory.mktemp("parquet")
    text = "\n".join(["person,worker,at,named_worker", *(",".join(row) for row in rows)]) + "\n"
    (folder / "contacts.csv").write_text(text, encoding="utf-8")
    if rows:
        parquet_of(text, folder / "contacts.parquet")
    else:
        pl.DataFrame(schema=dict.fromkeys(["person", "worker", "at"], pl.String)).write_parquet(
            folder / "contacts.parquet"
        )
    expected = run(capsys, folder / "contacts.csv", "--engine", "python")
    assert run(capsys, folder / "contacts.parquet") == expected


def test_parquet_date_column(tmp_path, capsys):
    frame = pl.DataFrame(
        {
            "person": ["1", "1", "1"],
            "worker": ["a", "b", "a"],
            "at": [date(2026, 1, 2), date(2026, 1, 1), date(2026, 1, 1)],
        }
    )
    frame.write_parquet(tmp_path / "dates.parquet")
    (tmp_path / "dates.csv").write_text(
        "person,worker,at\n1,a,2026-01-02\n1,b,2026-01-01\n1,a,2026-01-01\n"
    )
    assert run(capsys, tmp_path / "dates.parquet") == run(capsys, tmp_path / "dates.csv")


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"person": ["1"], "at": ["2026-01-01"]}, 'field "worker": the required column is missing'),
        (
            {"person": ["1", None], "worker": ["a", "b"], "at": ["2026-01-01"] * 2},
            'row 2, field "person": is empty',
        ),
        (
            {"person": ["1", "2"], "worker": ["a", ""], "at": ["2026-01-01"] * 2},
            'row 2, field "worker": is empty',
        ),
        (
            {
                "person": ["1", "2", "3"],
                "worker": ["a"] * 3,
                "at": ["2026-01-01", "2026-01-02", "soon"],
            },
            'row 3, field "at": "soon" is not an ISO 8601',
        ),
        ({"person": ["1"], "worker": ["a"], "at": [1.5]}, 'field "at": the column holds Float64'),
        (
            {"person": [1.5], "worker": ["a"], "at": ["2026-01-01"]},
            'field "person": the column holds Float64',
        ),
    ],
)
def test_parquet_bad_input_names_row_and_field(tmp_path, capsys, columns, message):
    pl.DataFrame(columns).write_parquet(tmp_path / "bad.parquet")
    output = tmp_path / "out.csv"
    status, out, err = run(capsys, tmp_path / "bad.parquet", "--output", output)
    assert (status, out) == (2, "")
    assert err.startswith(f"{tmp_path / 'bad.parquet'}: ")
    assert message in err
    assert not output.exists()


def test_parquet_person_ids_the_csv_module_quotes(tmp_path, capsys):
    # Such ids cannot come from a CSV file the columnar engine reads (no quotes), but can from
    # Parquet: the output is quoted as the reference quotes it.
    frame = pl.DataFrame(
        {
            "person": ["a,b", 'say "hi"', "line\nbreak", "7"],
            "worker": ["w", "w", "v", "w"],
            "at": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
        }
    )
    frame.write_parquet(tmp_path / "quoted.parquet")
    status, out, _ = run(capsys, tmp_path / "quoted.parquet")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[1:] == [
        ["7", "1", "1", "1", "", "", "1", "1", ""],
        ["a,b", "1", "1", "1", "", "", "1", "1", ""],
        ["line\nbreak", "1", "1", "1", "", "", "1", "1", ""],
        ['say "hi"', "1", "1", "1", "", "", "1", "1", ""],
    ]
    assert out == continuity_cli.output_text([tuple(row) for row in rows])


def test_parquet_needs_the_columnar_engine(tmp_path, capsys):
    parquet_of(PARQUET_CSV, tmp_path / "contacts.parquet")
    status, _, err = run(capsys, tmp_path / "contacts.parquet", "--engine", "python")
    assert status == 2
    assert "a Parquet file needs the columnar engine" in err


def test_damaged_parquet_is_refused(tmp_path, capsys):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 and then nothing useful")
    status, _, err = run(capsys, tmp_path / "bad.parquet")
    assert status == 2
    assert "cannot be read as Parquet" in err
