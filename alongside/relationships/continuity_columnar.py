"""The columnar engine of `alongside continuity`: the same indices, computed with polars.

Pure (no Django), and imported only when a file is computed, so `alongside continuity --help`
and small files never pay for loading polars (decision 0087).

The pure-Python reader in `continuity_cli` stays the reference: this engine must give the same
output, byte for byte, and it only computes files it can vouch for. For a CSV file it first
checks, on the raw bytes, that the file is one polars and Python's csv module split the same way:
UTF-8 (polars reads nothing else), no quote characters, no NUL, no carriage return except in
CRLF line ends, and every row with exactly the header's number of fields (no blank lines inside
the file, no short or long rows). Every distinct `at` text gets exactly the reference's time key:
the common ISO 8601 shapes, matched digit for digit, are parsed in bulk, every other text by the
reference's own parser (`datetime.fromisoformat`). When any check fails, or any value is bad (an
empty person or worker, an `at` that is not ISO 8601), `csv_output` returns None and the caller
runs the reference reader, which computes the file or names the first bad line and field exactly
as it always has. So validation is the reference's, and the columnar path is only ever a faster
way to the same answer.

Parquet files (which the reference cannot read) are validated here: the same rules, errors naming
the row (counted from 1, the first row of data) and field.

How it stays cheap (decision 0116): every column is turned into whole-number codes (ids written
as whole numbers by value, anything else by a 64-bit hash whose grouping is then proved exact),
and the two orders the tallies need come from sorting plain unsigned 64-bit numbers, which
polars does far faster than grouping or a stable sort of a frame.

The arithmetic is `continuity.from_tallies`'s, done on whole numbers and then one IEEE division
each, so the floats are identical to the reference's; each distinct one is formatted by Python's
own `format`, as the reference's `format_rows` does, and the output is the same text.
"""

from __future__ import annotations

import csv
import re
from typing import NamedTuple, cast

import polars as pl

from alongside.relationships.continuity import INDEX_NAMES
from alongside.relationships.continuity_cli import (
    NAMED_COLUMN,
    OUTPUT_HEADER,
    OUTSIDE,
    REQUIRED_COLUMNS,
    InputError,
    format_rows,
    output_text,
    parse_columns,
    time_key,
)

BOM = b"\xef\xbb\xbf"
DAY_IN_MICROSECONDS = 86_400_000_000
# Sort keys are unsigned 64-bit: (person * times + rank) * rows + row must stay below ROW_KEY_LIMIT
# to sort plain numbers, person * times + rank below SORT_KEY_LIMIT to sort stably on one key.
ROW_KEY_LIMIT = SORT_KEY_LIMIT = 2**64


def csv_output(path: str, *, start: int | None, end: int | None) -> str | None:
    """The output text for the CSV file at `path`, or None when this engine cannot vouch for
    reading the file as the reference does (the caller then runs it).

    Raises InputError only for a bad header row, with the reference's own message."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    bom = len(BOM) if data.startswith(BOM) else 0
    header_end = data.find(b"\n")
    if header_end < 0 or header_end > csv.field_size_limit() or b'"' in data or b"\x00" in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    try:  # the rest is checked by polars, which reads only UTF-8
        header = data[bom:header_end].decode("utf-8").removesuffix("\r").split(",")
    except UnicodeDecodeError:
        return None
    columns = parse_columns(path, header)
    # Blank lines at the end are skipped by the reference; inside the file they mean a fallback.
    body = data[header_end + 1 :] if data.endswith((b"\n\n", b"\n\r\n")) else data
    if body is not data:
        body = body.rstrip(b"\r\n")
    wanted = [index for index in columns if index >= 0]
    names = [name for name, index in zip(_FIELDS, columns, strict=True) if index >= 0]
    if not body or body is data and header_end + 1 == len(data):
        frame = pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    else:
        try:
            every = pl.read_csv(
                body,
                has_header=False,
                skip_lines=0 if body is not data else 1,
                schema={f"c{index}": pl.String for index in range(len(header))},
                quote_char=None,
                empty_string_is_null=False,
                encoding="utf8",
            )
        except pl.exceptions.PolarsError:  # a row with more fields than the header, say
            return None
        # Rows are never longer than the header (polars refuses those), so this many separators
        # means every row has every field: no short rows and no blank lines.
        separators = body.count(b",") - (len(header) - 1 if body is data else 0)
        if separators != (len(header) - 1) * every.height:
            return None
        # The csv module refuses a field longer than its limit, in any column; an empty person,
        # worker or at is an error.
        required = [f"c{index}" for index in columns[:3]]
        longest, shortest = every.select(
            pl.max_horizontal(pl.all().str.len_bytes().max()).alias("longest"),
            pl.min_horizontal(pl.col(required).str.len_bytes().min()).alias("shortest"),
        ).row(0)
        if longest > csv.field_size_limit() or not shortest:
            return None
        frame = every.select(
            pl.col(f"c{index}").alias(name) for index, name in zip(wanted, names, strict=True)
        )
        del every  # with the file's bytes below: less memory held, fewer pages to fault in
    del data, body
    texts = _numbered(frame["at"])
    keys = _parsed(texts.distinct)
    if keys is None:
        return None
    times = _Times(texts.codes, keys)
    rest = _texts(frame)
    del frame, texts  # _measure lets each column go once it is used
    return _output(_measure(rest, times, start=start, end=end))


_FIELDS = (*REQUIRED_COLUMNS, NAMED_COLUMN)


def parquet_output(path: str, *, start: int | None, end: int | None) -> str:
    """The output text for the Parquet file at `path`; InputError names the row and field of
    the first problem."""
    try:
        schema = pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(f"{path}: cannot be read as Parquet: {error}") from None
    for name in REQUIRED_COLUMNS:
        if name not in schema:
            raise InputError(
                f'{path}: field "{name}": the required column is missing '
                f"(the columns are: {','.join(schema)})"
            )
    names = [name for name in _FIELDS if name in schema]
    for name in names:
        kind = schema[name]
        if name == "at":
            if not (kind == pl.String or kind == pl.Date or isinstance(kind, pl.Datetime)):
                raise InputError(
                    f'{path}: field "at": the column holds {kind}, not text, dates or date-times'
                )
        elif not (kind == pl.String or kind.is_integer()):
            raise InputError(
                f'{path}: field "{name}": the column holds {kind}, not text or whole numbers'
            )
    try:
        frame = pl.read_parquet(path, columns=names)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(f"{path}: cannot be read as Parquet: {error}") from None
    frame = frame.with_columns(
        pl.col(name).cast(pl.String) for name in names if name != "at" or schema[name] == pl.String
    )
    if NAMED_COLUMN in frame.columns:
        frame = frame.with_columns(pl.col(NAMED_COLUMN).fill_null(""))
    for name in REQUIRED_COLUMNS:
        bad = frame[name].is_null()
        if frame[name].dtype == pl.String:
            bad = bad | (frame[name] == "")
        _refuse_first(path, bad, name, "is empty")
    kind = schema["at"]
    if kind == pl.String:
        texts = _numbered(frame["at"])
        keys = _parsed(texts.distinct)
        if keys is None:
            for number, text in enumerate(frame["at"].to_list(), start=1):
                if time_key(text) is None:
                    raise InputError(
                        f'{path}: row {number}, field "at": "{text}" is not an ISO 8601 date or '
                        "date-time"
                    )
            raise AssertionError("unreachable: a time failed to parse but none is bad")
        times = _Times(texts.codes, keys)
    else:
        if kind == pl.Date:
            instants = frame["at"].cast(pl.Int64) * DAY_IN_MICROSECONDS
        else:  # a date-time: with a time zone it is an instant; without one it is taken as UTC
            instants = frame["at"].dt.epoch("us")
        numbered = _numbered(instants)
        times = _Times(numbered.codes, numbered.distinct)
    rest = _texts(frame)
    del frame  # _measure lets each column go once it is used
    return _output(_measure(rest, times, start=start, end=end))


def _texts(frame: pl.DataFrame) -> dict[str, pl.Series]:
    """The person, worker and named_worker columns of `frame`, for `_measure` to use up."""
    return {name: frame[name] for name in _FIELDS if name != "at" and name in frame.columns}


def _refuse_first(path: str, bad: pl.Series, name: str, problem: str) -> None:
    if bad.any():
        number = int(bad.arg_true()[0]) + 1
        raise InputError(f'{path}: row {number}, field "{name}": {problem}')


class _Numbered(NamedTuple):
    """A column as whole numbers: `codes` holds each row's number (UInt32, from 0) and `distinct`
    the value numbered n at position n (it may also hold values no row has)."""

    codes: pl.Series
    distinct: pl.Series


class _Times(NamedTuple):
    """Each row's time: `codes` numbers it among the distinct times (as texts or as instants) and
    `keys` holds the time key (microseconds since 1970 UTC, Int64) of each of those numbers."""

    codes: pl.Series
    keys: pl.Series


def _numbered(values: pl.Series) -> _Numbered:
    """`values` (no nulls) numbered: equal values get the same number, different ones different
    numbers.

    Ids written as whole numbers are numbered by their value. Anything else is grouped by a
    64-bit hash, and the grouping then proved exact by comparing every value with the first one
    of its group; should two different values ever share a hash (a crafted file), they are
    numbered by the values themselves, more slowly."""
    numbered = _numbered_by_value(values) if values.dtype == pl.String else None
    if numbered is not None:
        return numbered
    hashes = _hashed(values)
    first = hashes.arg_unique()
    codes = _positions(hashes, hashes.gather(first))
    distinct = values.gather(first)
    if not (distinct.gather(codes) == values).all():
        distinct = values.unique(maintain_order=True)
        codes = _positions(values, distinct)
    return _Numbered(codes, distinct)


def _numbered_by_value(texts: pl.Series) -> _Numbered | None:
    """`texts` numbered by value when every one is a whole number written as Python writes it
    (only digits after an optional minus, no leading zero, within 64 bits), so that equal
    numbers are equal texts, and they span no more numbers than twice the rows; else None."""
    if texts.is_empty() or not _WHOLE_NUMBER_AS_WRITTEN.fullmatch(texts[0]):
        return None  # the first says no at once
    numbers = texts.str.to_integer(strict=False)
    low, high = numbers.min(), numbers.max()
    if numbers.has_nulls() or not isinstance(low, int) or not isinstance(high, int):
        return None
    if high - low > 2 * numbers.len() or not (numbers.cast(pl.String) == texts).all():
        return None
    codes = (numbers - low).cast(pl.UInt32)
    return _Numbered(codes, (pl.int_range(high - low + 1, eager=True) + low).cast(pl.String))


_WHOLE_NUMBER_AS_WRITTEN = re.compile(r"0|-?[1-9][0-9]*")


def _hashed(values: pl.Series) -> pl.Series:
    return values.hash()


def _positions(values: pl.Series, distinct: pl.Series) -> pl.Series:
    """The position in `distinct` (no value twice) of each of `values`, every one of which is
    in it (UInt32)."""
    numbers = pl.DataFrame(
        {"value": distinct, "number": pl.int_range(distinct.len(), dtype=pl.UInt32, eager=True)}
    )
    joined = pl.DataFrame({"value": values}).join(
        numbers, on="value", how="left", maintain_order="left"
    )
    return joined.get_column("number")


# ISO 8601 shapes parsed in bulk, with exact digit counts: polars' parser (like strptime) would
# also take "2026-1-1" or "T9:30", which the reference refuses. Every other text, and any of
# these that polars does not parse (such as 2026-02-30), goes to the reference's own parser.
_ISO_SHAPES = (
    ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "%Y-%m-%d", pl.Date()),
    ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$", "%Y-%m-%dT%H:%M", pl.Datetime("us")),
    (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9]$",
        "%Y-%m-%dT%H:%M:%S",
        pl.Datetime("us"),
    ),
)
YEAR_ONE = -62_135_596_800_000_000  # time_key("0001-01-01"): polars also reads year 0000


def _parsed(texts: pl.Series) -> pl.Series | None:
    """The time key of each text (Int64), or None when any is not an ISO 8601 date or date-time.
    The common shapes are parsed in bulk, the rest one by one by the reference's parser."""
    text = pl.col("text")
    bulk = pl.coalesce(
        pl.when(text.str.contains(pattern)).then(
            text.str.strptime(kind, form, strict=False).dt.epoch("us")
        )
        for pattern, form, kind in _ISO_SHAPES
    )
    keys = pl.DataFrame({"text": texts}).select(key=pl.when(bulk >= YEAR_ONE).then(bulk))["key"]
    slow = keys.is_null()
    if slow.any():
        parsed = [time_key(text) for text in texts.filter(slow).to_list()]
        if None in parsed:
            return None
        keys = keys.scatter(slow.arg_true(), parsed)
    return keys


def _in_time_order(
    person: pl.Series,
    rank: pl.Series,
    people: int,
    times: int,
    columns: dict[str, pl.Series],
) -> pl.DataFrame:
    """`person` and `columns` with the rows in order of person, then time rank, then file order.

    When the numbers allow, (person * times + rank) * rows + row is one distinct whole number
    per row, and sorting plain whole numbers is far quicker than a stable sort of a frame;
    otherwise the frame is sorted stably (maintain_order), on one key or on two."""
    rows = person.len()
    if people * times * max(rows, 1) < ROW_KEY_LIMIT:
        row = pl.int_range(rows, dtype=pl.UInt64, eager=True)
        key = ((person * times + rank) * rows + row).sort()
        order = key % rows
        return pl.DataFrame(
            {
                "person": key // rows // times,
                **{name: column.gather(order) for name, column in columns.items()},
            }
        )
    if people * times < SORT_KEY_LIMIT:
        return (
            pl.DataFrame({"order": person * times + rank, **columns})
            .sort("order", maintain_order=True)
            .select(pl.col("order") // times, *columns)
            .rename({"order": "person"})
        )
    return (
        pl.DataFrame({"person": person, "rank": rank, **columns})
        .sort("rank", maintain_order=True)
        .sort("person", maintain_order=True)
        .drop("rank")
    )


def _largest(values: pl.Series) -> int:
    """The largest of some whole numbers; 0 when there are none."""
    return int(cast(int | None, values.max()) or 0)


def _measure(
    texts: dict[str, pl.Series], times: _Times, *, start: int | None, end: int | None
) -> pl.DataFrame:
    """Each person's figures: the tallies turned into indices with `from_tallies`'s arithmetic.
    `texts` holds person, worker and maybe named_worker ("" for none) as text, in file order,
    and is emptied here, so that each column's memory goes as soon as it has been used; `times`
    gives each row's time.

    Everything is done on whole-number codes: each person and worker is numbered, and one sort
    on person, time rank and row puts each person's contacts in time order with ties in file
    order, which only the back-to-back pairs (secon) need."""
    time_codes = times.codes
    if start is not None or end is not None:
        low = OUTSIDE + 1 if start is None else start
        high = -OUTSIDE - 1 if end is None else end  # above every time key
        inside = times.keys.is_between(low, high, closed="left").gather(time_codes)
        texts.update((name, column.filter(inside)) for name, column in texts.items())
        time_codes = time_codes.filter(inside)
    # The rank of each distinct time among them all (equal instants, equal ranks), for each row.
    ranks = times.keys.rank("dense").cast(pl.UInt64) - 1
    rank = ranks.gather(time_codes)
    times_count = _largest(ranks) + 1
    del times, time_codes
    # What the named worker shares count, per row.
    shares: dict[str, pl.Series] = {}
    named_workers = texts.pop(NAMED_COLUMN, None)
    if named_workers is not None:
        considered = named_workers != ""
        shares["considered"] = considered
        shares["matched"] = considered & (texts["worker"] == named_workers)
        del named_workers, considered
    people = _numbered(texts.pop("person"))
    workers = _numbered(texts.pop("worker"))
    person = people.codes.cast(pl.UInt64)
    worker = workers.codes
    worker_count = workers.distinct.len()
    del workers
    # Contacts per person and worker, n_i, as the runs of equal values once person * workers +
    # worker is sorted (sorting whole numbers costs far less than grouping them): from them N,
    # M, sum n_i^2 and max n_i.
    runs = (person * worker_count + worker).sort().rle().struct.unnest()
    per_worker = (
        runs.lazy()
        .select(person=(pl.col("value") // worker_count).set_sorted(), n=pl.col("len"))
        .group_by("person")
        .agg(
            workers=pl.len(),
            squares=(pl.col("n").cast(pl.Int64) ** 2).sum(),
            most=pl.col("n").max(),
        )
    )
    # Each person's contacts in time order (ties in file order), for the back-to-back pairs with
    # the same worker (secon); the named worker shares ride along to be summed.
    ordered = _in_time_order(
        person, rank, people.distinct.len(), times_count, {"worker": worker, **shares}
    )
    named = bool(shares)
    del person, rank, worker, shares
    same = (pl.col("worker") == pl.col("worker").shift(1)) & (
        pl.col("person") == pl.col("person").shift(1)
    )
    sums = [pl.col("same_pairs").sum()]
    if named:
        sums += [pl.col("considered").sum(), pl.col("matched").sum()]
    per_person = (
        ordered.lazy()
        .with_columns(pl.col("person").set_sorted(), same_pairs=same)
        .group_by("person")
        .agg(pl.len().alias("contacts"), *sums)
    )
    tallies = per_worker.join(per_person, on="person")
    names = pl.LazyFrame(
        {
            "person": pl.int_range(people.distinct.len(), dtype=pl.UInt64, eager=True),
            "text": people.distinct,
        }
    )
    total = pl.col("contacts").cast(pl.Int64)
    distinct = pl.col("workers").cast(pl.Int64)
    squares = pl.col("squares").cast(pl.Int64)
    many = total > 1
    indices = [
        pl.col("most").cast(pl.Float64) / total.cast(pl.Float64),
        pl.when(many).then(
            (squares - total).cast(pl.Float64) / (total * (total - 1)).cast(pl.Float64)
        ),
        pl.when(many).then(pl.col("same_pairs").cast(pl.Float64) / (total - 1).cast(pl.Float64)),
        ((total - distinct).cast(pl.Float64) + 0.1) / ((total - 1).cast(pl.Float64) + 0.1),
        squares.cast(pl.Float64) / (total * total).cast(pl.Float64),
        (
            pl.when(pl.col("considered") > 0).then(
                pl.col("matched").cast(pl.Float64) / pl.col("considered").cast(pl.Float64)
            )
            if named
            else pl.lit(None, dtype=pl.Float64)
        ),
    ]
    return (
        tallies.join(names, on="person")
        .select(
            pl.col("text").alias("person"),
            "contacts",
            "workers",
            *(index.alias(name) for name, index in zip(INDEX_NAMES, indices, strict=True)),
        )
        .collect()
    )


def _output(figures: pl.DataFrame) -> str:
    """The output text from each person's figures (`person` as text, `contacts`, `workers` and
    one Float64 column per index, null where undefined), in any order.

    The reference's `format_rows` and `output_text` do the same with Python lists; this does it
    on the columns: sorted by person id (as whole numbers when every id is one, equal numbers
    such as 007 and 7 by text; otherwise as text, which for UTF-8 is the order of code points
    that Python uses), each distinct number formatted once by Python's own `format`. A person id
    the csv module would quote, or whole-number ids past 128 bits, go through the reference's
    code instead."""
    people = figures["person"]
    whole = bool(people.str.contains(_WHOLE_NUMBER).all())
    numbers = people.str.to_integer(dtype=pl.Int128, strict=False) if whole else None
    if people.str.contains(_NEEDS_QUOTES).any() or (numbers is not None and numbers.has_nulls()):
        figures = figures.sort("person")  # as format_rows wants them
        rows = format_rows(
            figures["person"].to_list(),
            figures["contacts"].to_list(),
            figures["workers"].to_list(),
            [figures[name].to_list() for name in INDEX_NAMES],
        )
        return output_text(rows)
    if numbers is None:
        figures = figures.sort("person")
    else:
        figures = figures.with_columns(number=numbers).sort("number", "person").drop("number")
    values = pl.concat([figures[name] for name in INDEX_NAMES]).drop_nulls().unique()
    texts = pl.Series([format(value, ".10g") for value in values.to_list()], dtype=pl.String)
    lines = figures.select(
        pl.concat_str(
            pl.col("person"),
            pl.col("contacts").cast(pl.String),
            pl.col("workers").cast(pl.String),
            *(
                pl.col(name).replace_strict(values, texts, return_dtype=pl.String).fill_null("")
                for name in INDEX_NAMES
            ),
            separator=",",
        )
    ).to_series()
    header = ",".join(OUTPUT_HEADER) + "\n"
    return header + "".join((lines.str.join("\n").item(), "\n")) if lines.len() else header


_WHOLE_NUMBER = "^-?[0-9]+$"  # as the reference's, with ASCII digits only
_NEEDS_QUOTES = '[,"\r\n]'  # a character the csv module would quote
