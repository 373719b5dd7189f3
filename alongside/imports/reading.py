"""Reading an import file a row at a time, and refusing one that could harm the server (pure: no
Django; openpyxl is imported only for an XLSX file).

A file is recognised by its content, never its name: a zip (an XLSX workbook) or text (CSV).
CSV text is UTF-8 (with or without a byte-order mark) or else Windows-1252, decided by one pass
over the bytes before any row is read. Rows are streamed: neither format is held whole in memory
(openpyxl in read-only mode). Each row comes with its line number in the file, counting the header
as line 1, so a problem can be named where the person will find it.

Refused with a plain message (`FileRefused`): a file larger than `Limits.max_bytes`; a workbook
whose parts would unpack to more than `Limits.max_unpacked_bytes` or more than
`Limits.max_ratio` times their packed size (a zip bomb); a cell longer than `Limits.max_cell`
characters; more than `Limits.max_columns` columns; binary that is neither format; no header.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

Value = str | date | datetime | int | float | None


class FileRefused(Exception):
    """The file cannot be read, or is refused as unsafe; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024  # 200 MB: well over 100,000 rows of people
    max_unpacked_bytes: int = 1024 * 1024 * 1024  # what a workbook's parts may unpack to
    max_ratio: int = 100  # unpacked ÷ packed, for the whole workbook
    max_cell: int = 10_000  # characters in one cell
    max_columns: int = 200


@dataclass(slots=True)
class Table:
    """An open file: its header (column names as written) and its rows, streamed once."""

    header: list[str]
    rows: Iterator[tuple[int, list[Value]]]
    format: str  # "csv" or "xlsx"
    encoding: str = ""  # for CSV: "utf-8", "utf-8-sig" or "cp1252"
    rows_estimate: int = 0  # rows below the header, about (for a progress bar)
    closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for closer in self.closers:
            closer.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


DEFAULT_LIMITS = Limits()
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024


def open_table(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    """The file at `path` as a `Table`, or `FileRefused` saying why not."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError as error:
        raise FileRefused(f"The file cannot be read: {error.strerror or error}.") from None
    if size > limits.max_bytes:
        raise FileRefused(
            f"The file is {size // (1024 * 1024)} MB; files up to "
            f"{limits.max_bytes // (1024 * 1024)} MB can be imported. Split it into smaller files."
        )
    if start.startswith(ZIP_MAGIC):
        return _open_xlsx(path, limits)
    if b"\x00" in start:
        raise FileRefused("This is not a CSV or XLSX file. Save it as CSV or as an Excel workbook.")
    return _open_csv(path, limits)


# CSV ---------------------------------------------------------------------------------------------

# Bytes Windows-1252 leaves undefined: a file holding them is neither UTF-8 nor Windows-1252.
CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(CHUNK), b""))


def detect_encoding(path: Path) -> str:
    """ "utf-8-sig", "utf-8" or "cp1252", from one streamed pass over the bytes."""
    with path.open("rb") as handle:
        first = handle.read(3)
        if first == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            if CP1252_UNDEFINED.search(chunk):
                raise FileRefused(
                    "The file's text is neither UTF-8 nor Windows-1252. Save it as "
                    "“CSV UTF-8” and try again."
                )
    return "cp1252"


def _open_csv(path: Path, limits: Limits) -> Table:
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    sample = handle.read(64 * 1024)
    handle.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(limits.max_cell)
    reader = csv.reader(handle, dialect)
    lines = _csv_rows(reader, limits)
    try:
        first = next(lines, None)
    except FileRefused:
        handle.close()
        raise
    if first is None or not any(str(v or "").strip() for v in first[1]):
        handle.close()
        raise FileRefused("The file is empty: its first line must name the columns.")
    header = [str(v or "").strip() for v in first[1]]
    return Table(header, lines, "csv", encoding, max(0, count_lines(path) - 1), [handle])


def _csv_rows(reader: Any, limits: Limits) -> Iterator[tuple[int, list[Value]]]:
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger" in str(error):
                raise FileRefused(
                    f"Line {line}: a cell is longer than {limits.max_cell:,} characters; "
                    "this does not look like a spreadsheet of records."
                ) from None
            raise FileRefused(f"Line {line}: the line cannot be read as CSV ({error}).") from None
        if len(row) > limits.max_columns:
            raise FileRefused(
                f"Line {line}: {len(row)} columns; files with up to {limits.max_columns} "
                "columns can be imported."
            )
        if any(cell.strip() for cell in row):
            yield line, list(row)
        line = reader.line_num + 1


# XLSX --------------------------------------------------------------------------------------------


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a workbook that would unpack to too much, before openpyxl opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileRefused("The workbook is damaged and cannot be opened.") from None
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if unpacked > limits.max_unpacked_bytes or unpacked > packed * limits.max_ratio:
        raise FileRefused(
            "The workbook would unpack to far more than its size "
            f"({unpacked // (1024 * 1024)} MB from {packed // 1024} KB), which is how a "
            "“zip bomb” harms a server. It was not opened."
        )
    if not any(info.filename == "[Content_Types].xml" for info in infos):
        raise FileRefused("This zip file is not an Excel workbook. Save it as .xlsx or CSV.")


def _open_xlsx(path: Path, limits: Limits) -> Table:
    check_zip(path, limits)
    import openpyxl  # only for workbooks

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of a damaged or hostile workbook is a refusal
        raise FileRefused("The workbook is damaged and cannot be opened.") from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        workbook.close()
        raise FileRefused("The workbook has no sheets.")
    lines = _xlsx_rows(sheet.iter_rows(values_only=True), limits)
    try:
        first = next(lines, None)
    except FileRefused:
        workbook.close()
        raise
    if first is None or not any(str(v or "").strip() for v in first[1]):
        workbook.close()
        raise FileRefused("The first sheet is empty: its first row must name the columns.")
    header = [_text(v).strip() for v in first[1]]
    while header and not header[-1]:
        header.pop()
    estimate = max(0, (sheet.max_row or 1) - 1)
    return Table(header, lines, "xlsx", "", estimate, [workbook])


def _xlsx_rows(
    rows: Iterator[tuple[Any, ...]], limits: Limits
) -> Iterator[tuple[int, list[Value]]]:
    for line, row in enumerate(rows, start=1):
        if len(row) > limits.max_columns and any(v is not None for v in row[limits.max_columns :]):
            raise FileRefused(
                f"Row {line}: more than {limits.max_columns} columns; files with up to "
                f"{limits.max_columns} columns can be imported."
            )
        values: list[Value] = []
        for value in row[: limits.max_columns]:
            if isinstance(value, str) and len(value) > limits.max_cell:
                raise FileRefused(
                    f"Row {line}: a cell is longer than {limits.max_cell:,} characters; "
                    "this does not look like a spreadsheet of records."
                )
            if value is None or isinstance(value, str | int | float | date):
                values.append(value)
            else:  # times, durations, errors: as their text
                values.append(str(value))
        if any(v is not None and str(v).strip() for v in values):
            yield line, values


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_of(value: Value) -> str:
    """A cell as text, trimmed (a whole number read from a workbook without ".0")."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return _text(value).strip()


# Dates -------------------------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1 January 1900 (after Excel's 1900 leap-year slip)
UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
SERIAL = re.compile(r"^\d{1,6}(?:\.\d+)?$")
DATE_FORMS = "like 2026-12-05 or 05/12/2026"


def read_date(value: Value) -> date | None:
    """A date cell: ISO (2026-12-05), UK (05/12/2026), an Excel serial (46361) or a workbook's
    own date. None for an empty cell; ValueError with a plain reason for anything else."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), str(value))
    text = str(value).strip()
    if not text:
        return None
    parts: tuple[int, int, int] | None = None
    if found := ISO_DATE.match(text):
        parts = (int(found.group(1)), int(found.group(2)), int(found.group(3)))
    elif found := UK_DATE.match(text):
        parts = (int(found.group(3)), int(found.group(2)), int(found.group(1)))
    elif SERIAL.match(text):
        return _serial(float(text), text)
    if parts is None:
        raise ValueError(f"“{text[:40]}” is not a date: write it {DATE_FORMS}.")
    try:
        return date(*parts)
    except ValueError:
        raise ValueError(f"“{text[:40]}” is not a day on the calendar.") from None


def _serial(number: float, text: str) -> date:
    if not 1 <= number < 2958466:  # 1 January 1900 to 31 December 9999
        raise ValueError(f"“{text[:40]}” is not a date: write it {DATE_FORMS}.")
    return EXCEL_EPOCH + timedelta(days=int(number))


CLOCK = re.compile(r"^(.*?)[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def read_moment(value: Value) -> tuple[date, time | None] | None:
    """A date with its time of day when the cell has one ("2026-12-05 14:30",
    "05/12/2026 14:30", a workbook's date and time); None for an empty cell; ValueError with a
    plain reason otherwise. The time is a wall-clock time, without a zone."""
    if isinstance(value, datetime):
        return value.date(), value.time().replace(second=0, microsecond=0)
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and (found := CLOCK.match(text)):
        hour, minute = int(found.group(2)), int(found.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(f"“{text[:40]}” is not a time of day.")
        day = read_date(found.group(1))
        return (day, time(hour, minute)) if day else None
    day = read_date(text)
    return (day, None) if day else None


TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


def read_time(value: Value) -> time | None:
    """A time of day: "14:30", "9.15", "2:30pm", a workbook's time ("14:30:00") or an Excel
    fraction of a day (0.6041...). None for an empty cell; ValueError with a plain reason."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(float(value) * 24 * 60)
        return time(*divmod(minutes, 60)) if minutes < 24 * 60 else time(23, 59)
    text = str(value).strip()
    if not text:
        return None
    found = TIME.match(text)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        if found.group(3):
            if not 1 <= hour <= 12:
                hour = 99
            hour = hour % 12 + (12 if found.group(3).lower().startswith("p") else 0)
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise ValueError(f"“{text[:20]}” is not a time of day: write it like 14:30.")
