"""`alongside continuity`: continuity indices per person from a CSV file of contacts.

Runs without Django (alongside/cli.py dispatches here directly). This module is the reference
reader; files of 4 MB or more go to the columnar engine (`continuity_columnar`, decisions 0087
and 0116), which bench/continuity.py holds to at most 2 times a plain csv scan. What the
reference's fast pass does, and why:
- one pass with csv.reader and column indexes; each distinct `at` text is parsed once (a file
  holds far fewer distinct times than rows);
- worker names are interned: comparing a name with itself is the quickest comparison, and
  each row's own strings are freed at once;
- each person's contacts go into one flat list (time, worker, named worker, time, ...), which
  is cheaper than a tuple per contact and is split again with slices;
- the fast pass only notices that something is wrong; a second, careful pass then finds the
  first bad line and field, so the common case pays nothing for line bookkeeping.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import os
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from operator import le
from typing import IO, NoReturn, TextIO, cast

from alongside.common.files import CannotWrite, replace_file
from alongside.relationships.continuity import INDEX_NAMES, measure

PROG = "alongside continuity"
REQUIRED_COLUMNS = ("person", "worker", "at")
NAMED_COLUMN = "named_worker"
OUTPUT_HEADER = ("person", "contacts", "workers", *INDEX_NAMES)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
DAY_IN_MICROSECONDS = 86_400_000_000
TIME_CACHE_SIZE = 1 << 17  # distinct `at` texts kept parsed
COLUMNAR_FROM_BYTES = (
    4_000_000  # smaller files are quicker than loading polars (bench/continuity.py)
)
PARQUET_MAGIC = b"PAR1"  # how a Parquet file starts
# Time key of an `at` outside the window: below any real time (year 1 is about -6.2e16).
OUTSIDE = -(2**63)

DESCRIPTION = """\
Continuity of relationship for each person in a CSV file of contacts.

Input: a header row naming the columns person, worker and at, and optionally named_worker
(in any order; other columns are ignored), then one row per contact. `at` is an ISO 8601
date (meaning 00:00 that day) or date-time; a date-time with a UTC offset is converted to
UTC and one without is taken as UTC. named_worker is the person's named worker at the time
of the contact; leave it empty when there was none. Blank lines are skipped. The file is
read as UTF-8.

Output: a header row and one row per person with at least one contact in the window
(people with none are left out):
  person,contacts,workers,upc,coc,secon,mmci,hhi,named_share
sorted by person id: as whole numbers when every id is a whole number (like 7 or 12),
otherwise as text. A person's contacts are taken in order of `at`; contacts at the same
time keep the order of the file. Numbers have 10 significant digits. An index that is
undefined is left empty: coc and secon with fewer than 2 contacts, named_share when no
contact had a named worker.

On bad input the command names the file, line and field, exits with status 2 and writes
nothing.

A Parquet file is read too (recognised by its content, not its name): the same columns by
name, person, worker and named_worker as text or whole numbers, at as the same ISO text, a
date or a date-time (one without a time zone is taken as UTC); a problem is named by row
(1 is the first row of data) and field. Files of 4 MB or more and Parquet files are computed
with polars (--engine columnar); the pure-Python reader (--engine python) gives the same
output and is the one that names a bad line."""


class InputError(Exception):
    """Bad input; the message names the file, line and field."""


class _Invalid(Exception):
    """The fast pass met something wrong; the careful pass says what and where."""


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status (0 done, 2 bad input)."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
        start = _bound(parser, "--from", arguments.start, end=False)
        end = _bound(parser, "--to", arguments.end, end=True)
        if start is not None and end is not None and start >= end:
            parser.error(
                f'argument --to: "{arguments.end}" is not after --from "{arguments.start}"'
            )
    except SystemExit as stop:  # argparse has printed the help (0) or the error (2)
        return stop.code if isinstance(stop.code, int) else 2
    # Nothing made here forms a reference cycle, so the collector would only walk the millions
    # of objects the file turns into, again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        text = _compute(arguments.input, arguments.engine, start=start, end=end)
        if arguments.output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            _replace(arguments.output, text)
    except InputError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        if collecting:
            gc.enable()
    return 0


# The longest field a contacts file may hold: the csv module's own default, which the reference
# reader's errors name ("field larger than field limit"). The limit is one setting for the whole
# process, which other readers change for their own files (the archive's restore allows 16 MB),
# so the command sets its own before it reads rather than inheriting whichever was set last.
FIELD_LIMIT = 128 * 1024


def _compute(path: str, engine: str, *, start: int | None, end: int | None) -> str:
    """The output text, from the columnar engine when it is chosen and can vouch for the file,
    otherwise from the reference reader here (which also names the first bad line and field)."""
    csv.field_size_limit(FIELD_LIMIT)
    parquet = _starts_as_parquet(path)
    if parquet and engine == "python":
        raise InputError(f"{path}: a Parquet file needs the columnar engine (--engine columnar)")
    if parquet or engine == "columnar" or (engine == "auto" and _large(path)):
        # Imported only now: loading polars costs more than computing a small file.
        _keep_freed_memory()
        from alongside.relationships import continuity_columnar

        if parquet:
            return continuity_columnar.parquet_output(path, start=start, end=end)
        text = continuity_columnar.csv_output(path, start=start, end=end)
        if text is not None:
            return text
    return output_text(_continuity_rows(path, start=start, end=end))


# polars' allocator (jemalloc) hands freed memory back to the system half a second after it is
# freed (polars' own setting), and the engine's many short-lived columns then fault in fresh pages
# again and again: keeping it cuts about a quarter of the page faults and 0.2-0.3 s of CPU on the
# benchmark file (decision 0116); a short-lived command can keep it. polars reads this variable
# as it loads, after its own defaults, so ours win; a setting of the user's own is left alone.
ALLOCATOR_SETTING = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1")


def _keep_freed_memory() -> None:
    if "polars" not in sys.modules:
        os.environ.setdefault(*ALLOCATOR_SETTING)


def _large(path: str) -> bool:
    try:
        return os.stat(path).st_size >= COLUMNAR_FROM_BYTES
    except OSError:
        return False  # the reference reader says why it cannot be read


def _starts_as_parquet(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == PARQUET_MAGIC
    except OSError:
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input",
        metavar="INPUT.csv",
        help="the contacts: person,worker,at[,named_worker] (CSV, or Parquet)",
    )
    parser.add_argument(
        "--output",
        metavar="OUT.csv",
        help="write the result here, replacing the file in one step once all is computed "
        "(default: standard output)",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="count only contacts at or after this date or date-time (inclusive)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        help="count only contacts before this date-time (exclusive); a bare date counts "
        "that whole day in",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "columnar", "python"),
        default="auto",
        help="how to compute: columnar (polars), python (the reference reader) or auto, "
        "the default: columnar for files of 4 MB or more and for Parquet; both give the same "
        "output",
    )
    return parser


def _bound(
    parser: argparse.ArgumentParser, option: str, text: str | None, *, end: bool
) -> int | None:
    """The window bound as a time key; a bare date given to --to means the end of that day."""
    if text is None:
        return None
    key = time_key(text)
    if key is None:
        parser.error(f'argument {option}: "{text}" is not an ISO 8601 date or date-time')
    if end and _is_bare_date(text):
        key += DAY_IN_MICROSECONDS
    return key


def _is_bare_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def time_key(text: str) -> int | None:
    """Microseconds since 1970-01-01 UTC, or None when `text` is not an ISO 8601 date(-time)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // MICROSECOND


Columns = tuple[int, int, int, int]  # indexes of person, worker, at, named_worker (-1: absent)
Groups = dict[str, list[object]]  # person -> [time key, worker, named worker or None, ...]


def _continuity_rows(path: str, *, start: int | None, end: int | None) -> list[tuple[str, ...]]:
    """The output rows (header first) for the contacts file at `path`."""
    with _open(path) as handle:
        reader = csv.reader(handle)
        columns = parse_columns(path, _header(path, reader))
        try:
            groups = _group(reader, columns, start=start, end=end)
        except (_Invalid, csv.Error, UnicodeDecodeError):
            pass
        else:
            return _rows(groups, named=columns[3] >= 0)
    _diagnose(path, columns)


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (callers close it)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from None


def _header(path: str, reader: Iterator[list[str]]) -> list[str]:
    try:
        return next(reader)
    except StopIteration:
        raise InputError(
            f"{path}: line 1: the file is empty; it needs a header row with "
            + ",".join(REQUIRED_COLUMNS)
        ) from None
    except csv.Error as error:
        raise InputError(f"{path}: line 1: {error}") from None
    except UnicodeDecodeError as error:
        raise _not_utf8(path, error) from None


def parse_columns(path: str, header: list[str]) -> Columns:
    """Indexes of person, worker, at and named_worker (-1 when absent) in the header."""
    names = [name.strip() for name in header]
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in (*REQUIRED_COLUMNS, NAMED_COLUMN):
            if name in found:
                raise InputError(f'{path}: line 1, field "{name}": the column appears twice')
            found[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in found:
            raise InputError(
                f'{path}: line 1, field "{name}": the required column is missing '
                f"(the header row is: {','.join(names)})"
            )
    return found["person"], found["worker"], found["at"], found.get(NAMED_COLUMN, -1)


def _group(
    reader: Iterator[list[str]], columns: Columns, *, start: int | None, end: int | None
) -> Groups:
    """Each person's contacts inside the window, in file order; raises _Invalid on bad input."""
    person_index, worker_index, at_index, named_index = columns
    has_named = named_index >= 0
    groups: Groups = {}
    group_of = groups.get
    keys: dict[str, int] = {}  # `at` text -> time key, or OUTSIDE
    key_of = keys.get
    names: dict[str, str] = {}  # interned worker names
    intern = names.setdefault
    outside = OUTSIDE  # stored as this very object, so `is` can test for it
    low = OUTSIDE + 1 if start is None else start
    high = -OUTSIDE if end is None else end
    last_person: str | None = None
    contacts: list[object] = []
    for row in reader:
        try:
            at = row[at_index]
            person = row[person_index]
            worker = row[worker_index]
            named = row[named_index] if has_named else ""
        except IndexError:
            if row:
                raise _Invalid from None
            continue  # a blank line
        key = key_of(at)
        if key is None:
            parsed = time_key(at)
            if parsed is None:
                raise _Invalid
            if len(keys) >= TIME_CACHE_SIZE:  # times to the second can all differ: stay small
                keys.clear()
            key = keys[at] = parsed if low <= parsed < high else outside
        if key is outside:
            if not person or not worker:
                raise _Invalid
            continue
        worker = intern(worker, worker)
        # Files sorted by person skip the lookup; a string comparison costs little otherwise.
        if person != last_person:
            found = group_of(person)
            if found is None:
                found = groups[person] = []
            contacts = found
            last_person = person
        contacts += (key, worker, intern(named, named) if named else None)
    # Emptiness is checked once here rather than on every row.
    if "" in groups or "" in names:
        raise _Invalid
    return groups


class _Numbers(dict[float | None, str]):
    """The output text of each index value, made once: few distinct values recur a lot."""

    def __missing__(self, value: float | None) -> str:
        text = self[value] = "" if value is None else format(value, ".10g")
        return text


def _rows(groups: Groups, *, named: bool) -> list[tuple[str, ...]]:
    """The output rows (header first), sorted by person id."""
    people = sorted(groups)  # as text, which also orders equal numbers such as 7 and 007
    contacts: list[int] = []
    workers_seen: list[int] = []
    indices: list[list[float | None]] = [[] for _ in INDEX_NAMES]
    for person in people:
        group = groups[person]
        times = cast(list[int], group[0::3])
        workers = cast(list[str], group[1::3])
        named_workers = cast(list[str | None], group[2::3])
        if not all(map(le, times, islice(times, 1, None))):
            order = sorted(range(len(times)), key=times.__getitem__)  # stable: ties keep file order
            workers = list(map(workers.__getitem__, order))
            named_workers = list(map(named_workers.__getitem__, order))
        result = measure(workers, named_workers if named else None)
        contacts.append(result.contacts)
        workers_seen.append(result.workers)
        for values, value in zip(
            indices,
            (result.upc, result.coc, result.secon, result.mmci, result.hhi, result.named_share),
            strict=True,
        ):
            values.append(value)
    return format_rows(people, contacts, workers_seen, indices)


def format_rows(
    people: list[str],
    contacts: list[int],
    workers: list[int],
    indices: list[list[float | None]],
) -> list[tuple[str, ...]]:
    """The output rows (header first) from each person's figures, `people` sorted as text and
    `indices` one list per index in INDEX_NAMES order: sorted by person id, numbers formatted.
    Both engines end here, so their output is the same text."""
    text = _Numbers().__getitem__
    columns = [people, list(map(str, contacts)), list(map(str, workers))]
    columns += [list(map(text, values)) for values in indices]
    if all(map(_WHOLE_NUMBER.fullmatch, people)):
        numbers = list(map(int, people))
        order = sorted(range(len(people)), key=numbers.__getitem__)  # stable: 007 before 7
        columns = [list(map(column.__getitem__, order)) for column in columns]
    rows: list[tuple[str, ...]] = [OUTPUT_HEADER]
    rows += zip(*columns, strict=True)
    return rows


# A whole-number person id: an optional minus, then ASCII digits.
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def _diagnose(path: str, columns: Columns) -> NoReturn:
    """Find the first bad line of the file and raise InputError naming it and its field."""
    fields = [
        (name, index)
        for name, index in zip((*REQUIRED_COLUMNS, NAMED_COLUMN), columns, strict=True)
        if index >= 0
    ]
    valid_times: set[str] = set()
    with _open(path) as handle:
        reader = csv.reader(handle)
        try:
            next(reader)
            for row in reader:
                if row:
                    _check_row(path, reader.line_num, row, fields, valid_times)
        except csv.Error as error:
            raise InputError(f"{path}: line {reader.line_num}: {error}") from None
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
    # Both passes apply the same rules, so only a file changed in between gets here.
    raise InputError(f"{path}: the file changed while it was being read; try again")


def _check_row(
    path: str, line: int, row: list[str], fields: list[tuple[str, int]], valid_times: set[str]
) -> None:
    for name, index in fields:
        if index >= len(row):
            raise InputError(
                f'{path}: line {line}, field "{name}": missing (the row has {len(row)} '
                f"{'field' if len(row) == 1 else 'fields'})"
            )
        value = row[index]
        if name in REQUIRED_COLUMNS and not value:
            raise InputError(f'{path}: line {line}, field "{name}": is empty')
        if name == "at" and value not in valid_times:
            if time_key(value) is None:
                raise InputError(
                    f'{path}: line {line}, field "at": "{value}" is not an ISO 8601 date or '
                    "date-time"
                )
            valid_times.add(value)


def _not_utf8(path: str, error: UnicodeDecodeError) -> InputError:
    """The error naming the first line that is not UTF-8 (text is decoded in blocks, not lines)."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return InputError(f"{path}: line {number}: not UTF-8 text ({error.reason})")
    return InputError(f"{path}: not UTF-8 text ({error.reason})")


def output_text(rows: list[tuple[str, ...]]) -> str:
    """The output file's text: the rows as CSV, one line each."""
    # Only a person id can hold a character the csv module would quote; without one, joining
    # gives the same text quicker.
    if any(map(_NEEDS_QUOTES.search, (row[0] for row in rows))):
        stream = io.StringIO()
        csv.writer(stream, lineterminator="\n").writerows(rows)
        return stream.getvalue()
    return "\n".join(map(",".join, rows)) + "\n"


_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _replace(path: str, text: str) -> None:
    """Write `text` to a new file beside `path`, then move it into place in one step."""

    def write(stream: IO[str]) -> None:
        stream.write(text)

    try:
        replace_file(path, write, newline="")
    except CannotWrite as error:
        raise InputError(str(error)) from None
