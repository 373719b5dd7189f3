"""The kinds of file `alongside import` and the import pages take: a small registry.

A kind names its fields (the columns a file may have), checks a batch of rows (`plan`: what each
row would do and every problem with it, writing nothing) and writes a checked batch (`write`).
`imports.services` does the rest for every kind alike: reading the file, mapping columns, the
dry run, one transaction, progress and the audit of the run. Add a kind by calling `register`
from its module, imported by an app's `AppConfig.ready` (as `imports/apps.py` does for
`people_kind`); the command and the pages list whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from alongside.imports.reading import Value

if TYPE_CHECKING:
    from alongside.access.models import Membership


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    required: bool = False
    help: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one row: its line in the file, the column as the file names it, and
    why, in plain words. An error stops the import; a warning says what the row will not do."""

    line: int
    column: str
    message: str
    error: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, Value]  # field name -> cell


CREATE, UPDATE, SKIP = "create", "update", "skip"


@dataclass(slots=True)
class Planned:
    """What one row would do: `action` is create, update or skip; `values` the checked fields;
    `object_id` the record it updates; `extra` anything the kind's writer needs."""

    line: int
    external_id: str
    action: str = SKIP
    values: dict[str, Any] = field(default_factory=dict)
    object_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Context:
    """One import: who, into which organisation, from which source, and what the kind keeps
    between batches (caches of teams or workers, external ids already seen)."""

    membership: Membership
    source: str
    kind: Kind
    columns: dict[str, str]  # field name -> column as the file names it
    today: date
    run_id: int | None = None
    seen: set[str] = field(default_factory=set)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def organisation_id(self) -> int:
        return int(self.membership.organisation_id)

    def column(self, field_name: str) -> str:
        return self.columns.get(field_name, field_name)

    def problem(self, line: int, field_name: str, message: str, *, error: bool = True) -> Problem:
        return Problem(line, self.column(field_name), message, error)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    label: str
    fields: tuple[Field, ...]
    plan: Callable[[Context, Sequence[Row]], list[Planned]]
    write: Callable[[Context, Sequence[Planned]], None]
    help: str = ""

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS:
        raise ValueError(f"import kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(
            f"There is no import kind “{name}”: choose one of {', '.join(names())}."
        ) from None


def names() -> list[str]:
    return sorted(KINDS)
