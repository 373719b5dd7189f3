"""Everything about an archive that can be checked before a row is written (decision 0104).

`check_archive(zf)` reads `datapackage.json` and the header row (and first row) of every
table, and either returns the `Layout` restore reads by, or raises one `ArchiveError` listing
every problem it found, in seconds, before the restore's transaction starts.

The version rule: an archive says which version made it (`alongside:version` and the last
migration of each app, `alongside:migrations`; an archive made before session 7 says neither).
An archive from an earlier version may lack columns and tables added since: an absent column
takes its model field's default (or empty, where the field may be empty) and an absent table
is restored empty, and the restore's report names both. A column this version does not know,
an absent column with no default, or a column absent from an archive of this very version (a
damaged file), is refused, naming the table, the column and the archive's version.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alongside.archive.schema import (
    FORMAT,
    MIGRATIONS_KEY,
    VERSION_KEY,
    Column,
    all_columns,
    known_migrations,
    package_version,
    schema_migrations,
)


class ArchiveError(Exception):
    """An archive that cannot be restored: the message names the file, line and field."""

    def __init__(self, problem: str, *, file: str = "", line: int = 0, column: str = "") -> None:
        super().__init__(where(problem, file=file, line=line, column=column))


def where(problem: str, *, file: str = "", line: int = 0, column: str = "") -> str:
    """`file, line N, field F: problem`, leaving out what is not known."""
    place = ", ".join(
        part
        for part in (file, f"line {line}" if line else "", f"field {column}" if column else "")
        if part
    )
    return f"{place}: {problem}" if place else problem


# Columns that held a code in earlier versions and refer to a row now: the code is read as
# the row of the organisation's list with that code (referrals migration 0002 did the same to
# the database). Recognised by the archive's datapackage.json giving the column no foreign key.
CODES = {("referrals_out", "need"), ("referrals_in", "need")}

# How an archive's version compares with this one.
SAME, EARLIER, UNRECORDED, LATER = "same", "earlier", "unrecorded", "later"


@dataclass(frozen=True)
class Version:
    """Which version of Alongside made an archive, as its datapackage.json says."""

    age: str  # SAME, EARLIER, UNRECORDED (made before archives said) or LATER (or unknown)
    made: str  # the date it was made, as the archive says
    version: str = ""
    unknown: tuple[str, ...] = ()  # its migrations this version does not have

    @property
    def may_lack_columns(self) -> bool:
        return self.age in (EARLIER, UNRECORDED)

    def words(self) -> str:
        made = f"made {self.made[:10]}" if self.made else "of unknown date"
        if self.age == SAME:
            return f"the archive was {made} by this version of Alongside"
        if self.age == UNRECORDED:
            return (
                f"the archive was {made} by an earlier version of Alongside, from before "
                f"archives recorded their version ({FORMAT})"
            )
        if self.age == EARLIER:
            return f"the archive was {made} by an earlier version of Alongside ({self.version})"
        return (
            f"the archive was {made} by a later or different version of Alongside "
            f"({self.version}; migrations this version does not have: "
            f"{', '.join(self.unknown[:5])}{', ...' if len(self.unknown) > 5 else ''})"
        )


def archive_version(package: dict[str, Any]) -> Version:
    made = str(package.get("created", ""))[:40]
    migrations = package.get(MIGRATIONS_KEY)
    version = str(package.get(VERSION_KEY, ""))[:40]
    if not isinstance(migrations, dict):
        return Version(UNRECORDED, made)
    theirs = {(str(app), str(name)) for app, name in migrations.items()}
    if theirs == set(schema_migrations().items()):
        return Version(SAME, made, version or package_version())
    unknown = tuple(sorted(f"{app}.{name}" for app, name in theirs - known_migrations()))
    return Version(LATER if unknown else EARLIER, made, version, unknown)


@dataclass(frozen=True)
class Fill:
    """What an absent column's cells are given: a value made fresh for each row, and words."""

    make: Callable[[], Any]
    words: str


def fill_for(column: Column) -> Fill | None:
    """The value a column absent from an earlier version's archive takes, or None when it has
    none (a column that must be given)."""
    model_field = column.model_field
    if model_field is None:  # a column of workers or audit_events, read by hand
        if column.required:
            return None
        if column.refers_to or column.kind != "string":
            return Fill(lambda: None, "empty")
        return Fill(lambda: "", "empty")
    if model_field.has_default():
        default = model_field.default
        if callable(default):
            name = getattr(default, "__qualname__", repr(default))
            return Fill(model_field.get_default, f"its default, {name}()")
        return Fill(model_field.get_default, f"its default, {default!r}")
    if model_field.null:
        return Fill(lambda: None, "empty (null)")
    if model_field.blank and model_field.empty_strings_allowed and not model_field.is_relation:
        return Fill(lambda: "", 'empty text ("")')
    return None


@dataclass
class Layout:
    """How restore reads an archive that passed `check_archive`."""

    package: dict[str, Any]
    version: Version
    headers: dict[str, list[str]] = field(default_factory=dict)  # table -> its file's header
    absent: dict[str, dict[str, Fill]] = field(default_factory=dict)  # table -> column -> fill
    absent_tables: list[str] = field(default_factory=list)
    # Columns that refer to a row here but held a code in the archive's version (`CODES`).
    codes: set[tuple[str, str]] = field(default_factory=set)

    def absent_words(self) -> dict[str, dict[str, str]]:
        """Table -> column -> what it was given, for the restore's report."""
        return {
            table: {name: fill.words for name, fill in columns.items()}
            for table, columns in self.absent.items()
        }


def read_package(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        package = json.loads(zf.read("datapackage.json").decode("utf-8"))
    except KeyError:
        raise ArchiveError("datapackage.json: missing: this is not an Alongside archive") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"not valid JSON ({error})", file="datapackage.json") from None
    if not isinstance(package, dict) or package.get("alongside:format") != FORMAT:
        found = package.get("alongside:format") if isinstance(package, dict) else None
        raise ArchiveError(
            f"alongside:format is {found!r}; this version reads {FORMAT!r}",
            file="datapackage.json",
        )
    return package


def _listed(package: dict[str, Any], problems: list[str]) -> dict[str, list[str] | None]:
    """Table name -> the column names datapackage.json gives it (None if it gives none)."""
    resources = package.get("resources")
    if not isinstance(resources, list):
        problems.append(where("has no list of resources (tables)", file="datapackage.json"))
        return {}
    listed: dict[str, list[str] | None] = {}
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str):
            problems.append(where("a resource without a name", file="datapackage.json"))
            continue
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        listed[name] = (
            [str(f.get("name")) for f in fields if isinstance(f, dict)]
            if isinstance(fields, list)
            else None
        )
    return listed


def _columns_with_codes(package: dict[str, Any], version: Version) -> set[tuple[str, str]]:
    """The `CODES` columns the archive's datapackage.json gives no foreign key: codes, not ids."""
    if not version.may_lack_columns:
        return set()
    found = set()
    for resource in package.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        schema = resource.get("schema")
        keys = schema.get("foreignKeys", []) if isinstance(schema, dict) else []
        referring = {
            name
            for key in keys
            if isinstance(key, dict)
            for name in key.get("fields", [])
            if isinstance(name, str)
        }
        found |= {
            (table, column)
            for table, column in CODES
            if table == resource.get("name") and column not in referring
        }
    return found


# The longest cell an archive's CSV may hold (a support note's words). The csv module's limit is
# one setting for the whole process: each reader of an archive sets it just before it reads
# (`archive_csv`), never at import, so it cannot change another command's errors.
FIELD_LIMIT = 16 * 1024**2


def archive_csv(text: Any) -> Any:
    """A csv reader over an archive member's text, allowing cells up to FIELD_LIMIT."""
    csv.field_size_limit(FIELD_LIMIT)
    return csv.reader(text)


def _first_rows(zf: zipfile.ZipFile, file: str) -> tuple[list[str] | None, list[str] | None]:
    """The header and first row of a CSV member, reading no further."""
    with zf.open(file) as raw:
        reader = archive_csv(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        return next(reader, None), next(reader, None)


def _check_header(
    name: str,
    header: list[str],
    columns: list[Column],
    version: Version,
    layout: Layout,
    problems: list[str],
) -> None:
    file = f"{name}.csv"
    expected = {column.name: column for column in columns}
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        problems.append(
            where(f"the header row names {', '.join(doubled)} twice", file=file, line=1)
        )
    for unknown in [c for c in header if c not in expected]:
        problems.append(
            where(
                "a column this version of Alongside does not know; " + version.words(),
                file=file,
                line=1,
                column=unknown,
            )
        )
    for column in columns:
        if column.name in header:
            continue
        fill = fill_for(column) if version.may_lack_columns else None
        if fill is not None:
            layout.absent.setdefault(name, {})[column.name] = fill
            continue
        why = (
            "has no default, so the archive must give it"
            if version.may_lack_columns
            else "is missing from the header row"
        )
        problems.append(
            where(f"this column {why}; {version.words()}", file=file, line=1, column=column.name)
        )


def check_archive(zf: zipfile.ZipFile) -> Layout:
    """Check the manifest and every table's header row and first row; the `Layout` to read
    by, or `ArchiveError` listing every problem. Reads a few hundred bytes of each file."""
    package = read_package(zf)
    version = archive_version(package)
    layout = Layout(package, version)
    problems: list[str] = []
    listed = _listed(package, problems)
    layout.codes = _columns_with_codes(package, version)
    members = set(zf.namelist())
    tables = all_columns()
    for name in listed:
        if name not in tables:
            problems.append(
                where(
                    f"lists a table {name!r} this version of Alongside does not know; "
                    + version.words(),
                    file="datapackage.json",
                )
            )
    for name, columns in tables.items():
        file = f"{name}.csv"
        if file not in members:
            if name in listed or not version.may_lack_columns or name == "organisation":
                problems.append(where("missing from the archive", file=file))
            else:
                layout.absent_tables.append(name)
            continue
        try:
            header, first = _first_rows(zf, file)
        except UnicodeDecodeError as error:
            problems.append(where(f"not UTF-8 text ({error.reason})", file=file))
            continue
        except csv.Error as error:
            problems.append(where(f"not valid CSV ({error})", file=file))
            continue
        if not header:
            problems.append(where("has no header row", file=file, line=1))
            continue
        layout.headers[name] = header
        described = listed.get(name)
        if described is not None and described != header:
            problems.append(
                where(
                    "the header row is not the columns datapackage.json gives this table",
                    file=file,
                    line=1,
                )
            )
        _check_header(name, header, columns, version, layout, problems)
        if first is not None and len(first) != len(header):
            problems.append(
                where(
                    f"has {len(first)} fields where the header has {len(header)}",
                    file=file,
                    line=2,
                )
            )
    if problems:
        if len(problems) == 1:
            raise ArchiveError(f"{problems[0]}. Nothing was written.")
        raise ArchiveError(
            f"{len(problems)} problems, found before anything was written:\n"
            + "\n".join(f"- {problem}" for problem in problems)
        )
    return layout
