"""Cells of the archive's CSV files: values to text and back, ids, and the canonical form two
archives are compared in (pure: no Django).

Text is escaped against formula injection (OWASP "CSV injection"): a cell starting with
`= + - @`, a tab or a carriage return is written with a leading `'`, so a spreadsheet shows it
as text. So that restoring gives back exactly what was exported, a cell that itself starts with
`'` gets one more: reading takes exactly one leading `'` off any text cell that has one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from alongside.common.files import FORMULA_STARTS

ESCAPE = "'"


def escape(text: str) -> str:
    """Text as written to a cell: a leading ' when a spreadsheet would run it (or it has one)."""
    if text.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + text
    return text


def unescape(cell: str) -> str:
    """The text a cell written by `escape` holds."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def archive_id(key: bytes, organisation_id: int, table: str, pk: object) -> str:
    """A row's id in the archive: a UUID made from the organisation, table and primary key with
    a keyed hash, so the same row has the same id in every export of that organisation, ids
    never collide across tables, and no database number is shown."""
    digest = hmac.new(key, f"{organisation_id}:{table}:{pk}".encode(), hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def to_cell(value: Any, kind: str) -> str:
    """One value as CSV text for a column of Table Schema type `kind`."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "datetime":
        assert isinstance(value, datetime)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if kind in ("date", "time"):
        assert isinstance(value, date | time)
        return value.isoformat()
    if kind in ("object", "array"):
        return escape(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    if kind == "integer":
        return str(int(value))
    if kind == "number":
        return str(value)
    return escape(str(value))


class BadCell(ValueError):
    """A cell that does not hold a value of its column's type; the message says what it should."""


def from_cell(cell: str, kind: str) -> Any:
    """The value a cell holds (None for an empty cell of any type but text)."""
    if kind == "string":
        return unescape(cell)
    if cell == "":
        return None
    try:
        if kind == "boolean":
            if cell not in ("true", "false"):
                raise ValueError
            return cell == "true"
        if kind == "integer":
            if not cell.lstrip("-").isascii() or not cell.lstrip("-").isdigit():
                raise ValueError
            return int(cell)
        if kind == "number":
            number = Decimal(cell)
            if not number.is_finite() or not cell.isascii():
                raise ValueError
            return number
        if kind == "datetime":
            parsed = datetime.fromisoformat(cell)
            if parsed.tzinfo is None:
                raise ValueError
            return parsed
        if kind == "date":
            return date.fromisoformat(cell)
        if kind == "time":
            return time.fromisoformat(cell)
        if kind in ("object", "array"):
            return json.loads(unescape(cell))
    except (ValueError, ArithmeticError, json.JSONDecodeError):
        pass
    raise BadCell(f"{cell[:40]!r} is not {EXPECTED[kind]}")


EXPECTED = {
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number (12.5)",
    "datetime": "a date and time with its offset (2026-12-05T09:30:00Z)",
    "date": "a date (2026-12-05)",
    "time": "a time (09:30:00)",
    "object": "JSON",
    "array": "a JSON list",
}


# Comparing two archives ---------------------------------------------------------------------


def canonical(
    tables: Mapping[str, list[dict[str, str]]],
    references: Mapping[str, Mapping[str, str]],
    *,
    any_table: Iterable[tuple[str, str]] = (),
    drop: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, list[dict[str, str]]]:
    """The archive's rows with every id replaced by `table#position`, so two archives of the
    same records made from different databases compare equal.

    `tables`: table name -> rows (column -> cell); `references`: table -> column -> the table
    that column refers to; `any_table`: (table, column) pairs that may refer to a row of any
    table; `drop`: columns left out of the comparison per table.
    """
    position: dict[str, str] = {}
    for name, rows in tables.items():
        for index, row in enumerate(rows):
            if row.get("id"):
                position[row["id"]] = f"{name}#{index}"
    polymorphic = set(any_table)
    dropped = {name: set(columns) for name, columns in (drop or {}).items()}
    out: dict[str, list[dict[str, str]]] = {}
    for name, rows in tables.items():
        refers = references.get(name, {})
        out[name] = [
            dict(_canonical_row(name, row, refers, polymorphic, position, dropped.get(name, set())))
            for row in rows
        ]
    return out


def _canonical_row(
    name: str,
    row: Mapping[str, str],
    refers: Mapping[str, str],
    polymorphic: set[tuple[str, str]],
    position: Mapping[str, str],
    dropped: set[str],
) -> Iterator[tuple[str, str]]:
    for column, cell in row.items():
        if column in dropped:
            continue
        if column == "id" or column in refers or (name, column) in polymorphic:
            yield column, position.get(cell, cell and "?")
        else:
            yield column, cell
