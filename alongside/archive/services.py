"""The whole organisation out as an open archive, and back in (docs/archive.md, decision 0055).

`export_organisation(organisation, by, dest)` writes a zip: one CSV per table (UTF-8, a header
row, text cells escaped against formula injection: `cells.py`), `datapackage.json` (a Frictionless
Tabular Data Package: every column typed and described, every reference declared) and
`README.txt`. Rows are read a chunk at a time and written as they come, so memory does not grow
with the organisation's history.

`restore(path, organisation, by)` reads such an archive into an empty organisation, all or
nothing, or raises `ArchiveError` naming the file, line and field.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role, Team
from alongside.archive.cells import BadCell, archive_id, from_cell, to_cell
from alongside.archive.models import RestoredAuditEvent
from alongside.archive.tables import (
    MANY_TO_MANY,
    TABLE_OF_MODEL,
    TABLES,
    ManyToMany,
    Table,
    exported_fields,
    target_table,
)
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.common.files import replace_file
from alongside.common.spheres import system_rows
from alongside.measures.models import Instrument, InstrumentVersion
from alongside.people.models import Person
from alongside.spaces.models import Space

if TYPE_CHECKING:
    from alongside.audit.services import By

FORMAT = "alongside-archive/1"
CHUNK = 2000
READ_REASON = "the data lead's archive of the whole organisation"
# An archive member larger than this, or deflated more than RATIO times, is refused unread.
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_RATIO = 200
csv.field_size_limit(16 * 1024**2)

Progress = Callable[[int], None]


class ArchiveError(Exception):
    """An archive that cannot be restored: the message names the file, line and field."""

    def __init__(self, problem: str, *, file: str = "", line: int = 0, column: str = "") -> None:
        where = ", ".join(
            part
            for part in (file, f"line {line}" if line else "", f"field {column}" if column else "")
            if part
        )
        super().__init__(f"{where}: {problem}" if where else problem)


class RestoreRefused(ArchiveError):
    """The organisation is not empty, so nothing was restored."""


# The columns of each table -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a Table Schema type: string, integer, boolean, date, datetime, time, object
    words: str
    required: bool = False
    refers_to: str | None = None
    attname: str = ""
    model_field: models.Field[Any, Any] | None = None


def _kind(model_field: models.Field[Any, Any]) -> str:
    if model_field.is_relation:
        return "string"
    if isinstance(model_field, models.BooleanField):
        return "boolean"
    if isinstance(model_field, models.IntegerField):
        return "integer"
    if isinstance(model_field, models.DateTimeField):
        return "datetime"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.TimeField):
        return "time"
    if isinstance(model_field, models.JSONField):
        return "object"
    return "string"


ID = Column("id", "string", "This row's id in the archive (a UUID; other tables refer to it).", True)


def table_columns(table: Table) -> list[Column]:
    columns = [ID]
    for model_field in exported_fields(table):
        columns.append(
            Column(
                model_field.name,
                _kind(model_field),
                table.field_words(model_field),
                required=not model_field.null and not model_field.is_relation
                and _kind(model_field) != "string",
                refers_to=target_table(model_field),
                attname=model_field.attname,
                model_field=model_field,
            )
        )
    if table.model is Instrument:
        columns.append(
            Column("built_in", "boolean", "True for a questionnaire built into Alongside.", True)
        )
    return columns


ORGANISATION_FIELDS = (
    "name", "slug", "allow_assessor_and_supporter", "late_record_days", "two_step_sign_in",
    "role_names", "created_at",
)  # fmt: skip
ORGANISATION_COLUMNS = [
    Column(
        name,
        _kind(Organisation._meta.get_field(name)),
        f"{str(Organisation._meta.get_field(name).verbose_name).capitalize()}. "
        f"{Organisation._meta.get_field(name).help_text}".strip(),
        attname=name,
        model_field=Organisation._meta.get_field(name),
    )
    for name in ORGANISATION_FIELDS
]
WORKER_COLUMNS = [
    ID,
    Column("username", "string", "The name they sign in with.", True),
    Column("first_name", "string", "Their first name."),
    Column("last_name", "string", "Their last name."),
    Column("email", "string", "Their email address."),
    Column("role", "string", "Their role, as a code: " + ", ".join(Role.values) + ".", True),
    Column("team", "string", "Their team (teams.id); or empty.", refers_to="teams"),
    Column("started_on", "date", "The day they started.", True),
    Column("left_on", "date", "The day their access was switched off; empty while it goes on."),
    Column("leaving_on", "date", "A known leaving date (their last day); or empty."),
    Column("languages", "string", "Languages they speak, in words."),
    Column("takes_new_people", "integer", "How many more people they can take.", True),
]
AUDIT_COLUMNS = [
    ID,
    Column(
        "origin", "string",
        "recorded: an event of this system's hash chain; restored: history brought in by an "
        "earlier archive, kept as it was.", True,
    ),
    Column("at", "datetime", "When it happened (UTC).", True),
    Column("worker", "string", "The worker who did it (workers.id); empty for the system.",
           refers_to="workers"),
    Column("action", "string", "What happened, as a registered action name.", True),
    Column("subject_type", "string", "The kind of record it was about (app.model).", True),
    Column("subject", "string", "The record it was about (an id in the table for that kind), "
           "when the archive holds it."),
    Column("person", "string", "The person it was about (people.id); or empty.",
           refers_to="people"),
    Column("sphere", "string", "The sphere of the record: shared, support, safeguarding, ...", True),
    Column("summary", "object", "What changed, as JSON: field names and the original system's "
           "ids, never free text."),
    Column("request_id", "string", "The web request it happened in; or empty."),
    Column("source_address", "string", "The address the request came from; or empty."),
    Column("chain_version", "integer", "The hash chain version the event was hashed under.", True),
    Column("previous_hash", "string", "The hash of the event before it in the chain.", True),
    Column("hash", "string", "The event's own hash (SHA-256, hex).", True),
]  # fmt: skip


def _many_columns(pair: ManyToMany) -> list[Column]:
    through = getattr(pair.owner, pair.attribute).through
    owner_table = TABLE_OF_MODEL[pair.owner]
    other_field = pair.owner._meta.get_field(pair.attribute)
    assert isinstance(other_field, models.ManyToManyField)
    other_table = target_table(other_field)
    assert other_table is not None
    del through
    return [
        Column(pair.owner_column, "string", f"The row in {owner_table}.", True, owner_table),
        Column(pair.other_column, "string", f"The row in {other_table}.", True, other_table),
    ]


def all_columns() -> dict[str, list[Column]]:
    """Every table of the archive, in restore order, with its columns."""
    columns: dict[str, list[Column]] = {
        "organisation": ORGANISATION_COLUMNS,
        "teams": table_columns(TABLES[0]),
        "workers": WORKER_COLUMNS,
    }
    for table in TABLES[1:]:
        columns[table.name] = table_columns(table)
    for pair in MANY_TO_MANY:
        columns[pair.name] = _many_columns(pair)
    columns["audit_events"] = AUDIT_COLUMNS
    return columns


TITLES: dict[str, tuple[str, str]] = {
    "organisation": ("The organisation", "Its settings, as one row."),
    "workers": ("Workers", "Everyone with a role in the organisation: their account and role."),
    "audit_events": (
        "Audit log",
        "Every audit event of the organisation, oldest first: history an earlier restore "
        "brought in, then this system's own hash chain.",
    ),
    **{table.name: (table.title, table.description) for table in TABLES},
    **{pair.name: (pair.title, pair.description) for pair in MANY_TO_MANY},
}


# Export -------------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class _Ids:
    """Archive ids for one organisation's rows (`cells.archive_id`), keyed by table."""

    def __init__(self, organisation_id: int) -> None:
        self.organisation_id = organisation_id
        self.key = settings.SECRET_KEY.encode()
        self.table_of_label = {
            model._meta.label_lower: name for model, name in TABLE_OF_MODEL.items()
        }
        self.table_of_label[get_user_model()._meta.label_lower] = "workers"

    def __call__(self, table: str, pk: object) -> str:
        if pk is None or pk == "":
            return ""
        return archive_id(self.key, self.organisation_id, table, pk)

    def of_subject(self, subject_type: str, subject_id: str) -> str:
        table = self.table_of_label.get(subject_type)
        return self(table, subject_id) if table and subject_id else ""


def rows_expected(organisation: Organisation) -> int:
    """How many rows an archive of the organisation will hold, near enough (for progress)."""
    total = Membership.objects.filter(organisation=organisation).count() + 1
    for table in TABLES:
        total += system_rows(table.model, READ_REASON).filter(table.rows_of(organisation.pk)).count()
    total += AuditEvent.objects.filter(organisation=organisation).count()
    total += RestoredAuditEvent.objects.filter(organisation=organisation).count()
    return total


def export_organisation(
    organisation: Organisation, by: By, dest: Path | str, *, progress: Progress | None = None
) -> ExportSummary:
    """Write the whole organisation to the zip `dest` (whole, or not at all).

    Every sphere is included: the archive is the controller's, made by its data lead (decision
    0055). Writes `archive.exported` first, so the archive holds its own making. On PostgreSQL
    every table is read in one REPEATABLE READ transaction, so the archive is one moment's
    records. Side effects: one AuditEvent; the file at `dest`.
    """
    with transaction.atomic():
        record(
            organisation,
            action=actions.ARCHIVE_EXPORTED,
            by=by,
            person_id=None,
            summary={"format": FORMAT},
        )
    summary = ExportSummary(Path(dest))

    def write(stream: IO[Any]) -> None:
        with _snapshot(), zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            _write_tables(zf, organisation, summary, progress)

    replace_file(str(dest), write, binary=True)
    return summary


class _snapshot:
    """One REPEATABLE READ transaction on PostgreSQL; nothing on SQLite (whose transactions take
    the write lock, and whose readers see one moment anyway while no one writes)."""

    def __enter__(self) -> None:
        self.atomic = transaction.atomic() if connection.vendor == "postgresql" else None
        if self.atomic is not None:
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def __exit__(self, *exc: Any) -> None:
        if self.atomic is not None:
            self.atomic.__exit__(*exc)


def _write_tables(
    zf: zipfile.ZipFile,
    organisation: Organisation,
    summary: ExportSummary,
    progress: Progress | None,
) -> None:
    ids = _Ids(organisation.pk)
    columns = all_columns()
    written = 0

    def emit(name: str, rows: Iterator[list[str]]) -> None:
        nonlocal written
        count = 0
        with (
            zf.open(f"{name}.csv", "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
        ):
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([column.name for column in columns[name]])
            for row in rows:
                writer.writerow(row)
                count += 1
                if progress is not None and (written + count) % CHUNK == 0:
                    progress(written + count)
        summary.rows[name] = count
        written += count

    emit("organisation", _organisation_rows(organisation))
    emit("teams", _table_rows(TABLES[0], columns["teams"], organisation, ids))
    emit("workers", _worker_rows(organisation, ids))
    for table in TABLES[1:]:
        emit(table.name, _table_rows(table, columns[table.name], organisation, ids))
    for pair in MANY_TO_MANY:
        emit(pair.name, _pair_rows(pair, organisation, ids))
    emit("audit_events", _audit_rows(organisation, ids))
    zf.writestr("datapackage.json", json.dumps(datapackage(organisation, summary), indent=2))
    zf.writestr("README.txt", README.format(name=organisation.name, format=FORMAT))
    if progress is not None:
        progress(written)


def _organisation_rows(organisation: Organisation) -> Iterator[list[str]]:
    yield [
        to_cell(getattr(organisation, column.attname), column.kind)
        for column in ORGANISATION_COLUMNS
    ]


def _table_rows(
    table: Table, columns: list[Column], organisation: Organisation, ids: _Ids
) -> Iterator[list[str]]:
    data = [column for column in columns if column.attname]
    names = ["pk", *(column.attname for column in data)]
    if table.model is Instrument:
        names.append("organisation_id")
    rows = (
        system_rows(table.model, READ_REASON)
        .filter(table.rows_of(organisation.pk))
        .order_by("pk")
        .values_list(*names)
    )
    for values in rows.iterator(chunk_size=CHUNK):
        out = [ids(table.name, values[0])]
        for column, value in zip(data, values[1:], strict=False):
            if column.refers_to:
                out.append(ids(column.refers_to, value))
            else:
                out.append(to_cell(value, column.kind))
        if table.model is Instrument:
            out.append(to_cell(values[-1] is None, "boolean"))
        yield out


def _worker_rows(organisation: Organisation, ids: _Ids) -> Iterator[list[str]]:
    rows = (
        Membership.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list(
            "user_id", "user__username", "user__first_name", "user__last_name", "user__email",
            "role", "team_id", "started_on", "left_on", "leaving_on", "languages",
            "takes_new_people",
        )
    )  # fmt: skip
    for values in rows.iterator(chunk_size=CHUNK):
        out = [ids("workers", values[0])]
        for column, value in zip(WORKER_COLUMNS[1:], values[1:], strict=True):
            out.append(ids("teams", value) if column.refers_to else to_cell(value, column.kind))
        yield out


def _pair_rows(pair: ManyToMany, organisation: Organisation, ids: _Ids) -> Iterator[list[str]]:
    through = getattr(pair.owner, pair.attribute).through
    owner_field, other_field = _through_fields(pair)
    owner_table = TABLE_OF_MODEL[pair.owner]
    other_table = target_table(pair.owner._meta.get_field(pair.attribute))
    assert other_table is not None
    rows = (
        through.objects.filter(**{f"{owner_field}__organisation_id": organisation.pk})
        .order_by("pk")
        .values_list(f"{owner_field}_id", f"{other_field}_id")
    )
    for owner, other in rows.iterator(chunk_size=CHUNK):
        yield [ids(owner_table, owner), ids(other_table, other)]


def _through_fields(pair: ManyToMany) -> tuple[str, str]:
    """The names of the through model's two keys: to the owner, then to the other side."""
    many = pair.owner._meta.get_field(pair.attribute)
    assert isinstance(many, models.ManyToManyField)
    return many.m2m_field_name(), many.m2m_reverse_field_name()


AUDIT_VALUES = (
    "at", "actor_id", "action", "subject_type", "subject_id", "person_id", "sphere", "summary",
    "request_id", "source_address", "chain_version", "previous_hash", "hash",
)  # fmt: skip


def _audit_rows(organisation: Organisation, ids: _Ids) -> Iterator[list[str]]:
    history = (
        RestoredAuditEvent.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("original_id", "origin", *AUDIT_VALUES)
    )
    for values in history.iterator(chunk_size=CHUNK):
        yield _audit_row(values[0], values[1], values[2:], ids)
    chain = (
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", *AUDIT_VALUES)
    )
    for values in chain.iterator(chunk_size=CHUNK):
        yield _audit_row(ids("audit_events", values[0]), "recorded", values[1:], ids)


def _audit_row(row_id: str, origin: str, values: tuple[Any, ...], ids: _Ids) -> list[str]:
    at, actor, action, subject_type, subject_id, person, sphere, summary, *rest = values
    request_id, source_address, chain_version, previous_hash, hash_ = rest
    return [
        row_id,
        origin,
        to_cell(at, "datetime"),
        ids("workers", actor),
        to_cell(action, "string"),
        to_cell(subject_type, "string"),
        ids.of_subject(subject_type, subject_id),
        ids("people", person),
        to_cell(sphere, "string"),
        to_cell(summary, "object"),
        to_cell(request_id, "string"),
        to_cell(source_address, "string"),
        to_cell(chain_version, "integer"),
        previous_hash,
        hash_,
    ]


def datapackage(organisation: Organisation, summary: ExportSummary) -> dict[str, Any]:
    """The Frictionless Tabular Data Package describing the archive (datapackage.json)."""
    resources = []
    for name, columns in all_columns().items():
        title, description = TITLES[name]
        schema: dict[str, Any] = {
            "fields": [_schema_field(column) for column in columns],
            "missingValues": [""],
        }
        if columns[0] is ID:
            schema["primaryKey"] = ["id"]
        foreign_keys = [
            {"fields": [column.name], "reference": {"resource": column.refers_to, "fields": ["id"]}}
            for column in columns
            if column.refers_to
        ]
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "title": title,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "doubleQuote": True, "header": True},
                "schema": schema,
                "alongside:rows": summary.rows.get(name, 0),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "alongside-organisation-archive",
        "title": f"{organisation.name}: the whole organisation's records",
        "created": timezone.now().isoformat(),
        "alongside:format": FORMAT,
        "alongside:organisation": organisation.slug,
        "licenses": [],
        "resources": resources,
    }


def _schema_field(column: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": column.name, "type": column.kind, "description": column.words}
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    model_field = column.model_field
    if model_field is not None and not model_field.is_relation:
        if getattr(model_field, "choices", None):
            constraints["enum"] = [str(value) for value, _label in model_field.flatchoices]
        max_length = getattr(model_field, "max_length", None)
        if column.kind == "string" and max_length:
            constraints["maxLength"] = max_length
    if constraints:
        out["constraints"] = constraints
    return out


README = """\
{name}: the whole organisation's records, exported by Alongside.

Format {format}: a Frictionless Tabular Data Package (https://specs.frictionlessdata.io/).
datapackage.json lists every table (one CSV file each), every column with its type and plain
words, and which columns refer to which table's "id".

- CSV: UTF-8, comma-separated, a header row, fields quoted where needed.
- Ids are UUIDs made for this archive; they are the same in every archive of this
  organisation, and never the database's own numbers.
- Dates are YYYY-MM-DD; times are UTC, written 2026-12-05T09:30:00Z; JSON columns hold JSON.
- A text cell starting with = + - @, a tab or a carriage return (or with ') is written with
  one more ' in front, so a spreadsheet shows it as text. Take one leading ' off any text
  cell that has one to get the words back.
- audit_events.csv holds the audit log, oldest first. Summaries name the original system's
  record numbers.

This archive holds support, safeguarding-adjacent and personal data about the people the
organisation supports. Keep it as safely as the system itself, and delete it when it has
served its purpose. `alongside archive restore FILE --organisation SLUG` reads it back into an
empty organisation.
"""


# Restore ------------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    rows: dict[str, int] = field(default_factory=dict)
    workers_created: int = 0


def refuse_unless_empty(organisation: Organisation) -> None:
    """Raise RestoreRefused unless the organisation holds no teams, workers, people or spaces."""
    held = {
        "teams": Team.objects.filter(organisation=organisation).count(),
        "workers": Membership.objects.filter(organisation=organisation).count(),
        "people": Person.objects.filter(organisation=organisation).count(),
        "spaces": Space.objects.filter(organisation=organisation).count(),
        "questionnaires": Instrument.objects.filter(organisation=organisation).count(),
    }
    found = [f"{count} {name}" for name, count in held.items() if count]
    if found:
        raise RestoreRefused(
            f"{organisation.slug} is not empty (it has {', '.join(found)}): an archive is "
            "restored only into a new, empty organisation. Nothing was changed."
        )


def restore(path: Path | str, organisation: Organisation, by: By) -> RestoreSummary:
    """Read the archive at `path` into `organisation`, which must be empty: everything or
    nothing, in one transaction. Workers are matched to existing accounts by username; an
    account that does not exist is made without a password (they set one by "forgot
    password" or are invited). Audit events come in as history (`RestoredAuditEvent`), and one
    `archive.restored` event starts this organisation's chain (decision 0056).

    Raises `ArchiveError` (file, line, field and what is wrong) or `RestoreRefused`.
    Side effects: the rows; one AuditEvent.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path}: not a zip archive ({error})") from None
    with zf:
        _check_members(zf)
        package = _read_package(zf)
        refuse_unless_empty(organisation)
        reader = _Restorer(zf, organisation)
        try:
            with transaction.atomic():
                reader.run()
                record(
                    organisation,
                    action=actions.ARCHIVE_RESTORED,
                    by=by,
                    person_id=None,
                    summary={
                        "format": FORMAT,
                        "from_organisation": str(package.get("alongside:organisation", ""))[:100],
                        "archive_created": str(package.get("created", ""))[:40],
                        "rows": reader.summary.rows,
                        "workers_created": reader.summary.workers_created,
                        "history_last_hash": reader.last_hash,
                    },
                )
        except IntegrityError as error:  # pragma: no cover - every row is checked as it is read
            raise ArchiveError(f"the archive's rows do not fit together: {error}") from None
    return reader.summary


def _check_members(zf: zipfile.ZipFile) -> None:
    for info in zf.infolist():
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 100 * 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ArchiveError(f"{info.filename}: too large to read ({info.file_size:,} bytes)")


def _read_package(zf: zipfile.ZipFile) -> dict[str, Any]:
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
    names = set(zf.namelist())
    for name in all_columns():
        if f"{name}.csv" not in names:
            raise ArchiveError("missing from the archive", file=f"{name}.csv")
    return package


class _Restorer:
    def __init__(self, zf: zipfile.ZipFile, organisation: Organisation) -> None:
        self.zf = zf
        self.organisation = organisation
        self.columns = all_columns()
        # Archive id -> new primary key, per table.
        self.refs: dict[str, dict[str, int]] = defaultdict(dict)
        self.table_of_id: dict[str, str] = {}
        self.summary = RestoreSummary()
        self.last_hash = ""
        self.user_model = get_user_model()

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, column -> cell) for each row of a table, after checking its header."""
        file = f"{name}.csv"
        expected = [column.name for column in self.columns[name]]
        with self.zf.open(file) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = csv.reader(text)
            try:
                header = next(reader, None)
                if header != expected:
                    missing = [c for c in expected if c not in (header or [])]
                    extra = [c for c in (header or []) if c not in expected]
                    raise ArchiveError(
                        "the header row is not this table's columns"
                        + (f"; missing {', '.join(missing)}" if missing else "")
                        + (f"; not expected {', '.join(extra)}" if extra else ""),
                        file=file,
                        line=1,
                    )
                start = reader.line_num + 1  # the line a row starts on (a cell may hold lines)
                for row in reader:
                    if len(row) != len(expected):
                        raise ArchiveError(
                            f"has {len(row)} fields where the header has {len(expected)}",
                            file=file,
                            line=start,
                        )
                    yield start, dict(zip(expected, row, strict=True))
                    start = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise ArchiveError(f"not UTF-8 text ({error.reason})", file=file) from None
            except csv.Error as error:
                raise ArchiveError(f"not valid CSV ({error})", file=file) from None
        self.summary.rows.setdefault(name, 0)

    def value(self, name: str, line: int, column: Column, cell: str, *, optional: bool = False) -> Any:
        """A cell as a Python value, a reference as the new primary key; ArchiveError if bad."""
        if column.refers_to:
            if cell == "":
                if column.required:
                    raise ArchiveError("is required", file=f"{name}.csv", line=line, column=column.name)
                return None
            pk = self.refs[column.refers_to].get(cell)
            if pk is None and not optional:
                raise ArchiveError(
                    f"refers to {cell!r}, which is not a row of {column.refers_to}.csv",
                    file=f"{name}.csv",
                    line=line,
                    column=column.name,
                )
            return pk
        try:
            value = from_cell(cell, column.kind)
        except BadCell as error:
            raise ArchiveError(str(error), file=f"{name}.csv", line=line, column=column.name) from None
        if column.required and value is None:
            raise ArchiveError("is required", file=f"{name}.csv", line=line, column=column.name)
        model_field = column.model_field
        if model_field is not None and model_field.editable:
            try:
                model_field.clean(value, None)
            except ValidationError as error:
                raise ArchiveError(
                    " ".join(error.messages), file=f"{name}.csv", line=line, column=column.name
                ) from None
        return value

    def remember(self, table: str, archive_id: str, pk: int, file: str, line: int) -> None:
        if archive_id in self.table_of_id:
            raise ArchiveError(f"id {archive_id!r} appears twice", file=file, line=line, column="id")
        if not archive_id:
            raise ArchiveError("is required", file=file, line=line, column="id")
        self.refs[table][archive_id] = pk
        self.table_of_id[archive_id] = table

    def insert(self, obj: models.Model, file: str, line: int) -> None:
        try:
            obj.save_base(raw=True, force_insert=True)
        except IntegrityError as error:
            raise ArchiveError(
                f"does not fit with the rows before it ({error})", file=file, line=line
            ) from None

    def run(self) -> None:
        self.restore_organisation()
        self.restore_table(TABLES[0])
        self.restore_workers()
        for table in TABLES[1:]:
            self.restore_table(table)
        for pair in MANY_TO_MANY:
            self.restore_pairs(pair)
        self.restore_history()

    def restore_organisation(self) -> None:
        rows = list(self.rows("organisation"))
        if len(rows) != 1:
            raise ArchiveError(f"has {len(rows)} rows; it must have one", file="organisation.csv")
        line, row = rows[0]
        for column in ORGANISATION_COLUMNS:
            if column.name in ("name", "slug", "created_at"):
                continue  # the organisation restored into keeps its own
            setattr(self.organisation, column.attname, self.value("organisation", line, column, row[column.name]))
        self.organisation.save()
        self.summary.rows["organisation"] = 1

    def restore_workers(self) -> None:
        users = self.user_model._default_manager
        for line, row in self.rows("workers"):
            values = {
                column.name: self.value("workers", line, column, row[column.name])
                for column in WORKER_COLUMNS[1:]
            }
            if values["role"] not in Role.values:
                raise ArchiveError(
                    f"{values['role']!r} is not a role", file="workers.csv", line=line, column="role"
                )
            username = values["username"]
            if not username or len(username) > 150:
                raise ArchiveError("is not a username", file="workers.csv", line=line, column="username")
            user = users.filter(username=username).first()
            if user is None:
                user = users.create(
                    username=username,
                    first_name=values["first_name"][:150],
                    last_name=values["last_name"][:150],
                    email=values["email"][:254],
                )
                user.set_unusable_password()
                user.save(update_fields=["password"])
                self.summary.workers_created += 1
            membership = Membership(
                organisation=self.organisation,
                user=user,
                role=values["role"],
                team_id=values["team"],
                started_on=values["started_on"],
                left_on=values["left_on"],
                leaving_on=values["leaving_on"],
                languages=values["languages"],
                takes_new_people=values["takes_new_people"],
            )
            self.insert(membership, "workers.csv", line)
            self.remember("workers", row["id"], user.pk, "workers.csv", line)
            self.summary.rows["workers"] = self.summary.rows.get("workers", 0) + 1

    def restore_table(self, table: Table) -> None:
        file = f"{table.name}.csv"
        columns = self.columns[table.name]
        has_organisation = any(f.name == "organisation" for f in table.model._meta.concrete_fields)
        later: list[tuple[int, str, str, int, str]] = []  # pk, attname, archive id, line, column
        for line, row in self.rows(table.name):
            if table.model is Instrument and row["built_in"] == "true":
                self.remember(table.name, row["id"], self.built_in_instrument(row, line), file, line)
                continue
            if table.model is InstrumentVersion and self.is_built_in_version(row):
                self.remember(table.name, row["id"], self.built_in_version(row, line), file, line)
                continue
            obj = table.model()
            if has_organisation:
                obj.organisation_id = self.organisation.pk  # type: ignore[attr-defined]
            deferred = []
            for column in columns[1:]:
                if not column.attname:
                    continue
                self_reference = column.refers_to == table.name and row[column.name] not in self.refs[table.name]
                value = self.value(table.name, line, column, row[column.name], optional=self_reference)
                if self_reference and row[column.name]:
                    deferred.append((column.attname, row[column.name], column.name))
                setattr(obj, column.attname, value)
            if isinstance(obj, Person):
                obj.fill_keys()
            self.insert(obj, file, line)
            self.remember(table.name, row["id"], obj.pk, file, line)
            later.extend((obj.pk, attname, ref, line, name) for attname, ref, name in deferred)
            self.summary.rows[table.name] = self.summary.rows.get(table.name, 0) + 1
        for pk, attname, ref, line, name in later:
            target = self.refs[table.name].get(ref)
            if target is None:
                raise ArchiveError(
                    f"refers to {ref!r}, which is not a row of {file}", file=file, line=line, column=name
                )
            system_rows(table.model, READ_REASON).filter(pk=pk).update(**{attname: target})

    def built_in_instrument(self, row: dict[str, str], line: int) -> int:
        instrument = Instrument.objects.filter(organisation__isnull=True, key=row["key"]).first()
        if instrument is None:
            raise ArchiveError(
                f"the built-in questionnaire {row['key']!r} is not in this version of Alongside",
                file="instruments.csv", line=line, column="key",
            )
        return int(instrument.pk)

    def is_built_in_version(self, row: dict[str, str]) -> bool:
        instrument = self.refs["instruments"].get(row["instrument"])
        return instrument is not None and Instrument.objects.filter(pk=instrument, organisation__isnull=True).exists()

    def built_in_version(self, row: dict[str, str], line: int) -> int:
        version = InstrumentVersion.objects.filter(
            instrument_id=self.refs["instruments"][row["instrument"]], number=row["number"]
        ).first()
        if version is None:
            raise ArchiveError(
                "this version of a built-in questionnaire is not in this version of Alongside",
                file="instrument_versions.csv", line=line, column="number",
            )
        return int(version.pk)

    def restore_pairs(self, pair: ManyToMany) -> None:
        through = getattr(pair.owner, pair.attribute).through
        owner_field, other_field = _through_fields(pair)
        columns = self.columns[pair.name]
        batch = []
        for line, row in self.rows(pair.name):
            owner = self.value(pair.name, line, columns[0], row[columns[0].name])
            other = self.value(pair.name, line, columns[1], row[columns[1].name])
            batch.append(through(**{f"{owner_field}_id": owner, f"{other_field}_id": other}))
            if len(batch) >= CHUNK:
                through.objects.bulk_create(batch)
                batch = []
            self.summary.rows[pair.name] = self.summary.rows.get(pair.name, 0) + 1
        try:
            through.objects.bulk_create(batch)
        except IntegrityError as error:
            raise ArchiveError(f"a pair appears twice ({error})", file=f"{pair.name}.csv") from None

    def restore_history(self) -> None:
        columns = {column.name: column for column in AUDIT_COLUMNS}
        batch: list[RestoredAuditEvent] = []
        seen: set[str] = set()
        for line, row in self.rows("audit_events"):
            def value(name: str, row: dict[str, str] = row, line: int = line) -> Any:
                return self.value("audit_events", line, columns[name], row[name], optional=True)

            if row["id"] in seen or not row["id"]:
                raise ArchiveError("is missing or appears twice", file="audit_events.csv", line=line, column="id")
            seen.add(row["id"])
            subject_table = self.table_of_id.get(row["subject"])
            subject_pk = self.refs[subject_table][row["subject"]] if subject_table else None
            batch.append(
                RestoredAuditEvent(
                    organisation=self.organisation,
                    original_id=row["id"][:64],
                    origin="restored",
                    at=value("at"),
                    actor_id=value("worker"),
                    action=value("action")[:100],
                    subject_type=value("subject_type")[:100],
                    subject_id=str(subject_pk) if subject_pk is not None else "",
                    person_id=value("person"),
                    sphere=value("sphere")[:20],
                    summary=value("summary") or {},
                    request_id=value("request_id")[:64],
                    source_address=value("source_address")[:64],
                    chain_version=value("chain_version"),
                    previous_hash=row["previous_hash"][:64],
                    hash=row["hash"][:64],
                )
            )
            self.last_hash = row["hash"][:64]
            if len(batch) >= CHUNK:
                RestoredAuditEvent.objects.bulk_create(batch)
                batch = []
        RestoredAuditEvent.objects.bulk_create(batch)
        self.summary.rows["audit_events"] = len(seen)
