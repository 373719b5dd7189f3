"""The columnar engine of `alongside continuity`: the same indices, computed with polars.

Pure (no Django), and imported only when a file is computed, so `alongside continuity --help`
and small files never pay for loading polars (decision 0087).

The pure-Python reader in `continuity_cli` stays the reference: this engine must give the same
output, byte for byte, and it only computes files it can vouch for. For a CSV file it first
checks, on the raw bytes, that the file is one polars and Python's csv module split the same way:
UTF-8, no quote characters, no NUL, no carriage return except in CRLF line ends, and every row
with exactly the header's number of fields (no blank lines inside the file, no short or long
rows). Every `at` text is parsed once by the reference's own parser (`datetime.fromisoformat`).
When any check fails, or any value is bad (an empty person or worker, an `at` that is not ISO
8601), `csv_rows` returns None and the caller runs the reference reader, which computes the file
or names the first bad line and field exactly as it always has. So validation is the reference's,
and the columnar path is only ever a faster way to the same answer.

Parquet files (which the reference cannot read) are validated here: the same rules, errors naming
the row (counted from 1, the first row of data) and field.

The arithmetic is `continuity.from_tallies`'s, done on whole numbers and then one IEEE division
each, so the floats are identical to the reference's, and they are formatted by the same code.
"""

from __future__ import annotations

import csv
from typing import cast

import polars as pl

from alongside.relationships.continuity_cli import (
    NAMED_COLUMN,
    OUTSIDE,
    REQUIRED_COLUMNS,
    InputError,
    format_rows,
    parse_columns,
    time_key,
)

BOM = b"\xef\xbb\xbf"
DAY_IN_MICROSECONDS = 86_400_000_000
SORT_KEY_LIMIT = 2**64  # person number * distinct times must stay below this to sort on one key
# (person, contacts, workers, upc, coc, secon, mmci, hhi, named_share) per person, by person text.
Measured = tuple[list[str], list[int], list[int], list[list[float | None]]]


def csv_rows(path: str, *, start: int | None, end: int | None) -> list[tuple[str, ...]] | None:
    """The output rows (header first) for the CSV file at `path`, or None when this engine
    cannot vouch for reading the file as the reference does (the caller then runs it).

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
    returns = data.count(b"\r")
    if returns and returns != data.count(b"\r\n"):
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    header = data[bom:header_end].decode("utf-8").removesuffix("\r").split(",")
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
        # The csv module refuses a field longer than its limit, in any column.
        longest = every.select(pl.all().str.len_bytes().max()).row(0)
        if max((length or 0 for length in longest), default=0) > csv.field_size_limit():
            return None
        frame = every.select(
            pl.col(f"c{index}").alias(name) for index, name in zip(wanted, names, strict=True)
        )
        del every  # with the file's bytes below: less memory held, fewer pages to fault in
    del data, body
    if not all(frame[name].str.len_bytes().min() or not frame.height for name in REQUIRED_COLUMNS):
        return None  # an empty person, worker or at
    keys = _time_keys(frame["at"])
    if keys is None:
        return None
    named = columns[3] >= 0
    return format_rows(*_measure(frame.with_columns(keys), start=start, end=end, named=named))


_FIELDS = (*REQUIRED_COLUMNS, NAMED_COLUMN)


def parquet_rows(path: str, *, start: int | None, end: int | None) -> list[tuple[str, ...]]:
    """The output rows (header first) for the Parquet file at `path`; InputError names the row
    and field of the first problem."""
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
        times = _time_keys(frame["at"])
        if times is None:
            texts = frame["at"].to_list()
            for number, text in enumerate(texts, start=1):
                if time_key(text) is None:
                    raise InputError(
                        f'{path}: row {number}, field "at": "{text}" is not an ISO 8601 date or '
                        "date-time"
                    )
            raise AssertionError("unreachable: a time key failed to parse but none is bad")
        frame = frame.with_columns(times)
    elif kind == pl.Date:
        frame = frame.with_columns(at=pl.col("at").cast(pl.Int64) * DAY_IN_MICROSECONDS)
    else:  # a date-time: with a time zone it is an instant; without one it is taken as UTC
        frame = frame.with_columns(at=pl.col("at").dt.epoch("us"))
    return format_rows(*_measure(frame, start=start, end=end, named=NAMED_COLUMN in frame.columns))


def _refuse_first(path: str, bad: pl.Series, name: str, problem: str) -> None:
    if bad.any():
        number = int(bad.arg_true()[0]) + 1
        raise InputError(f'{path}: row {number}, field "{name}": {problem}')


def _time_keys(texts: pl.Series) -> pl.DataFrame | None:
    """Each `at` text as microseconds since 1970 UTC (`at`) and the rank of that time among the
    distinct times (`rank`, 0 the earliest), parsed by the reference's parser once per distinct
    text; None when any text is not an ISO 8601 date or date-time."""
    texts = texts.cast(pl.Categorical)
    codes = texts.to_physical()
    distinct = texts.unique()
    parsed = [time_key(text) for text in distinct.cast(pl.String).to_list()]
    if None in parsed:
        return None
    keys = cast(list[int], parsed)
    times = sorted(set(keys))
    rank_of = {time: rank for rank, time in enumerate(times)}
    numbers = distinct.to_physical()
    size = _largest(numbers) + 1
    at_of = pl.zeros(size, pl.Int64, eager=True).scatter(numbers, keys)
    rank = pl.zeros(size, pl.UInt64, eager=True).scatter(numbers, [rank_of[key] for key in keys])
    return pl.DataFrame({"at": at_of.gather(codes), "rank": rank.gather(codes)})


def _largest(values: pl.Series) -> int:
    """The largest of some whole numbers; 0 when there are none."""
    return int(cast(int | None, values.max()) or 0)


def _measure(frame: pl.DataFrame, *, start: int | None, end: int | None, named: bool) -> Measured:
    """Per person (sorted as text): the tallies turned into indices with `from_tallies`'s
    arithmetic. `frame` has person, worker, at (time keys), maybe rank (the time's rank among the
    distinct times) and maybe named_worker ("" for none), in file order.

    Everything is done on whole-number codes: each person and worker is numbered, and one stable
    sort on person * times + time rank puts each person's contacts in time order with ties in
    file order, which only the back-to-back pairs (secon) need."""
    if start is not None or end is not None:
        low = OUTSIDE + 1 if start is None else start
        high = -OUTSIDE if end is None else end
        frame = frame.filter(pl.col("at").is_between(low, high, closed="left"))
    if "rank" not in frame.columns:
        frame = frame.with_columns(rank=pl.col("at").rank("dense").cast(pl.UInt64) - 1)
    person = frame["person"].cast(pl.Categorical)
    people = person.to_physical().cast(pl.UInt64)
    workers = frame["worker"].cast(pl.Categorical).to_physical().cast(pl.UInt64)
    times = _largest(frame["rank"]) + 1
    worker_codes = _largest(workers) + 1
    # Contacts per person and worker: n_i, from which M, sum n_i^2 and max n_i.
    per_worker = (
        pl.LazyFrame({"pair": people * worker_codes + workers})
        .group_by("pair")
        .len()
        .group_by(person=pl.col("pair") // worker_codes)
        .agg(
            workers=pl.len(),
            squares=(pl.col("len").cast(pl.Int64) ** 2).sum(),
            most=pl.col("len").max(),
        )
    )
    # Each person's contacts in time order (ties in file order), for N, the back-to-back pairs
    # with the same worker and the named worker shares.
    contacts = {"worker": workers}
    if named:
        considered = frame[NAMED_COLUMN] != ""
        contacts["considered"] = considered
        contacts["matched"] = considered & (frame["worker"] == frame[NAMED_COLUMN])
    if (_largest(people) + 1) * times < SORT_KEY_LIMIT:
        ordered = pl.LazyFrame({"order": people * times + frame["rank"], **contacts})
        ordered = ordered.sort("order", maintain_order=True).with_columns(
            person=pl.col("order") // times
        )
    else:
        ordered = (
            pl.LazyFrame({"person": people, "rank": frame["rank"], **contacts})
            .sort("rank", maintain_order=True)
            .sort("person", maintain_order=True)
        )
    same = (pl.col("worker") == pl.col("worker").shift(1)) & (
        pl.col("person") == pl.col("person").shift(1)
    )
    sums = [pl.col("same_pairs").sum()]
    if named:
        sums += [pl.col("considered").sum(), pl.col("matched").sum()]
    per_person = (
        ordered.with_columns(pl.col("person").set_sorted(), same_pairs=same)
        .group_by("person")
        .agg(pl.len().alias("contacts"), *sums)
    )
    tallies = per_worker.join(per_person, on="person")
    names = person.unique()
    texts = pl.LazyFrame(
        {"person": names.to_physical().cast(pl.UInt64), "text": names.cast(pl.String)}
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
    result = (
        tallies.join(texts, on="person")
        .select(
            pl.col("text").alias("person"),
            "contacts",
            "workers",
            *(index.alias(f"i{n}") for n, index in enumerate(indices)),
        )
        .sort("person")
        .collect()
    )
    return (
        result["person"].to_list(),
        result["contacts"].to_list(),
        result["workers"].to_list(),
        [result[f"i{n}"].to_list() for n in range(len(indices))],
    )
