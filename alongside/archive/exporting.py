"""Writing the whole organisation to an archive, a chunk of rows at a time (docs/archive.md)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from alongside.access.models import Membership, Organisation
from alongside.archive.cells import archive_id, to_cell
from alongside.archive.models import RestoredAuditEvent
from alongside.archive.schema import (
    CHUNK,
    FORMAT,
    ORGANISATION_COLUMNS,
    READ_REASON,
    README,
    WORKER_COLUMNS,
    Column,
    all_columns,
    datapackage,
    pair_tables,
    through_fields,
)
from alongside.archive.tables import (
    IMPORT_KIND_TABLES,
    MANY_TO_MANY,
    TABLE_OF_MODEL,
    TABLES,
    ManyToMany,
    Table,
    owner_rows,
    pair_key,
)
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.common.files import replace_file
from alongside.common.spheres import system_rows
from alongside.measures.models import Instrument

if TYPE_CHECKING:
    from alongside.audit.services import By

Progress = Callable[[int], None]


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
        total += (
            system_rows(table.model, READ_REASON).filter(table.rows_of(organisation.pk)).count()
        )
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


@contextmanager
def _snapshot() -> Iterator[None]:
    """One REPEATABLE READ transaction on PostgreSQL, so every table is read at one moment;
    within a caller's transaction (a test), that transaction's view. Nothing on SQLite (whose
    transactions take the write lock)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


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
    zf.writestr("datapackage.json", json.dumps(datapackage(organisation, summary.rows), indent=2))
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
    names = [
        "pk",
        *(
            f"{column.name}__user_id" if column.via_membership else column.attname
            for column in data
        ),
    ]
    if table.model is Instrument:
        names.append("organisation_id")
    rows = (
        system_rows(table.model, READ_REASON)
        .filter(table.rows_of(organisation.pk))
        .order_by("pk")
        .values_list(*names)
    )
    kind_at = {column.name: index for index, column in enumerate(data, start=1)}
    for values in rows.iterator(chunk_size=CHUNK):
        out = [ids(table.name, values[0])]
        for column, value in zip(data, values[1:], strict=False):
            if column.refers_to:
                out.append(ids(column.refers_to, value))
            elif column.kind_column:
                kind = values[kind_at[column.kind_column]]
                out.append(ids(IMPORT_KIND_TABLES[kind], value))
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
    owner_field, other_field = through_fields(pair)
    owner_table, other_table = pair_tables(pair)
    rows = (
        through.objects.filter(**{f"{owner_field}__in": owner_rows(pair.owner, organisation.pk)})
        .order_by("pk")
        .values_list(*(pair_key(pair, side) for side in (owner_field, other_field)))
    )
    for owner, other in rows.iterator(chunk_size=CHUNK):
        yield [ids(owner_table, owner), ids(other_table, other)]


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
