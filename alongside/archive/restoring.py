"""Reading an archive into an empty organisation, all or nothing (docs/archive.md, decision 0056)."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from alongside.access.models import Membership, Organisation, Role, Team
from alongside.archive.cells import BadCell, from_cell
from alongside.archive.checking import ArchiveError, Layout, archive_csv, check_archive
from alongside.archive.models import RestoredAuditEvent
from alongside.archive.schema import (
    AUDIT_COLUMNS,
    CHUNK,
    FORMAT,
    ORGANISATION_COLUMNS,
    READ_REASON,
    WORKER_COLUMNS,
    Column,
    all_columns,
    through_fields,
)
from alongside.archive.tables import (
    IMPORT_KIND_TABLES,
    MANY_TO_MANY,
    TABLES,
    ManyToMany,
    Table,
)
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import system_rows
from alongside.directory.models import TaxonomyTerm
from alongside.directory.services import STARTING_NEEDS, local_needs, local_needs_list
from alongside.measures.baselines import refresh_people as refresh_baselines
from alongside.measures.models import Instrument, InstrumentVersion
from alongside.people.models import Person
from alongside.relationships.summaries import refresh_people
from alongside.spaces.models import Space

if TYPE_CHECKING:
    from alongside.audit.services import By

# An archive member larger than this, or deflated more than RATIO times, is refused unread.
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_RATIO = 200


class RestoreRefused(ArchiveError):
    """The organisation is not empty, so nothing was restored."""


# Restore ------------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    rows: dict[str, int] = field(default_factory=dict)
    workers_created: int = 0
    # Which version made the archive, in words (decision 0104).
    archive_version: str = ""
    # Columns an earlier version's archive did not have: table -> column -> what it was given.
    absent_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    # Tables it did not have, restored empty.
    absent_tables: list[str] = field(default_factory=list)


def restore_report(summary: RestoreSummary) -> list[str]:
    """Plain lines on what an earlier version's archive lacked and what it was given (empty
    for an archive of this version)."""
    if not summary.absent_columns and not summary.absent_tables:
        return []
    lines = [f"{summary.archive_version[0].upper()}{summary.archive_version[1:]}."]
    for table, columns in summary.absent_columns.items():
        for column, given in columns.items():
            lines.append(f"{table}.csv has no column {column}: every row was given {given}.")
    if summary.absent_tables:
        lines.append(
            f"{len(summary.absent_tables)} tables added since are not in it and are empty: "
            + ", ".join(summary.absent_tables)
            + "."
        )
    return lines


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
        layout = check_archive(zf)
        package = layout.package
        refuse_unless_empty(organisation)
        reader = _Restorer(zf, organisation, layout)
        try:
            with transaction.atomic():
                reader.run()
                _summarise_contacts(organisation)
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
                        "archive_version": str(package.get("alongside:version", ""))[:40],
                        "absent_columns": {
                            table: sorted(columns) for table, columns in layout.absent.items()
                        },
                        "absent_tables": layout.absent_tables,
                        "history_last_hash": reader.last_hash,
                    },
                )
        except IntegrityError as error:  # pragma: no cover - every row is checked as it is read
            raise ArchiveError(f"the archive's rows do not fit together: {error}") from None
    return reader.summary


def _summarise_contacts(organisation: Organisation) -> None:
    """Rows went in raw, past the contact and answer services: build the continuity summary
    (decision 0069) and the answers' baseline rows (decision 0108) for the restored people, a
    thousand at a time."""
    ids = list(Person.objects.filter(organisation=organisation).values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        refresh_people(ids[start : start + 1000])
        refresh_baselines(ids[start : start + 1000])


def _check_members(zf: zipfile.ZipFile) -> None:
    for info in zf.infolist():
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 100 * 1024**2
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ArchiveError(f"{info.filename}: too large to read ({info.file_size:,} bytes)")


class _Ids:
    """Archive id -> (table, new primary key), kept in a temporary table so memory does not grow
    with the archive (docs/benchmarks.md). Rows are read a chunk at a time: `prefetch` loads the
    entries a chunk refers to, `add` holds new entries until `flush` writes them at the chunk's
    end, and `get` answers from those two small dicts only."""

    BATCH = 500  # parameters per query, under every database's limit

    def __init__(self) -> None:
        self.pending: dict[str, tuple[str, int, str, int]] = {}  # id -> table, pk, file, line
        self.cache: dict[str, tuple[str, int]] = {}

    def create(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS archive_restore_ids")
            cursor.execute(
                "CREATE TEMPORARY TABLE archive_restore_ids "
                "(archive_id VARCHAR(64) PRIMARY KEY, tbl VARCHAR(64) NOT NULL, pk BIGINT NOT NULL)"
            )

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS archive_restore_ids")

    def _select(self, ids: list[str]) -> Iterator[tuple[str, str, int]]:
        with connection.cursor() as cursor:
            for batch in itertools.batched(ids, self.BATCH):
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    "SELECT archive_id, tbl, pk FROM archive_restore_ids WHERE archive_id IN ("  # noqa: S608 - only placeholders are joined in
                    + marks
                    + ")",
                    list(batch),
                )
                yield from cursor.fetchall()

    def prefetch(self, ids: Iterable[str]) -> None:
        """Load the entries for `ids` (the references of the next chunk), forgetting the last."""
        self.cache = {
            archive_id: (table, pk)
            for archive_id, table, pk in self._select(sorted({i for i in ids if i}))
        }

    def lookup(self, archive_id: str) -> tuple[str, int] | None:
        held = self.pending.get(archive_id)
        return (held[0], held[1]) if held else self.cache.get(archive_id)

    def get(self, table: str, archive_id: str) -> int | None:
        found = self.lookup(archive_id)
        return found[1] if found and found[0] == table else None

    def add(self, table: str, archive_id: str, pk: int, file: str, line: int) -> None:
        if not archive_id:
            raise ArchiveError("is required", file=file, line=line, column="id")
        if archive_id in self.pending or archive_id in self.cache:
            raise ArchiveError(
                f"id {archive_id!r} appears twice", file=file, line=line, column="id"
            )
        self.pending[archive_id] = (table, pk, file, line)

    def flush(self) -> None:
        if not self.pending:
            return
        rows = [(archive_id, held[0], held[1]) for archive_id, held in self.pending.items()]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO archive_restore_ids (archive_id, tbl, pk) VALUES (%s, %s, %s)",
                    rows,
                )
        except IntegrityError:
            twice = next(iter(self._select(list(self.pending))))[0]
            _, _, file, line = self.pending[twice]
            raise ArchiveError(
                f"id {twice!r} appears twice", file=file, line=line, column="id"
            ) from None
        self.pending = {}


def _chunks(
    rows: Iterator[tuple[int, dict[str, str]]],
) -> Iterator[tuple[tuple[int, dict[str, str]], ...]]:
    return itertools.batched(rows, CHUNK)


class _Restorer:
    def __init__(self, zf: zipfile.ZipFile, organisation: Organisation, layout: Layout) -> None:
        self.zf = zf
        self.organisation = organisation
        self.layout = layout
        self.columns = all_columns()
        # Archive id -> table and new primary key, on disk (`_Ids`).
        self.ids = _Ids()
        self.summary = RestoreSummary(
            archive_version=layout.version.words(),
            absent_columns=layout.absent_words(),
            absent_tables=list(layout.absent_tables),
        )
        self.last_hash = ""
        self.user_model = get_user_model()
        # A restored worker's user -> their membership here (for keys to a membership).
        self.membership_of_user: dict[int, int] = {}
        # An earlier version's need code -> the word of the needs list it became.
        self.needs: dict[str, int] = {}

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, column -> cell) for each row of a table. `check_archive` has checked every
        header; a column the archive lacks is given as "" here and its fill by `value`."""
        file = f"{name}.csv"
        self.summary.rows.setdefault(name, 0)
        if name in self.layout.absent_tables:
            return
        header = self.layout.headers[name]
        absent = dict.fromkeys(self.layout.absent.get(name, {}), "")
        with self.zf.open(file) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = archive_csv(text)
            try:
                next(reader, None)  # the header, checked before anything was written
                start = reader.line_num + 1  # the line a row starts on (a cell may hold lines)
                for row in reader:
                    if len(row) != len(header):
                        raise ArchiveError(
                            f"has {len(row)} fields where the header has {len(header)}",
                            file=file,
                            line=start,
                        )
                    yield start, {**dict(zip(header, row, strict=True)), **absent}
                    start = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise ArchiveError(f"not UTF-8 text ({error.reason})", file=file) from None
            except csv.Error as error:
                raise ArchiveError(f"not valid CSV ({error})", file=file) from None

    def value(
        self, name: str, line: int, column: Column, cell: str, *, optional: bool = False
    ) -> Any:
        """A cell as a Python value, a reference as the new primary key; ArchiveError if bad.
        A column an earlier version's archive lacks takes its fill (decision 0104)."""
        fill = self.layout.absent.get(name, {}).get(column.name)
        if fill is not None:
            return fill.make()
        if column.refers_to:
            if cell == "":
                if column.required:
                    raise ArchiveError(
                        "is required", file=f"{name}.csv", line=line, column=column.name
                    )
                return None
            pk = self.ids.get(column.refers_to, cell)
            if pk is None and (name, column.name) in self.layout.codes:
                pk = self.need_of_code(cell)
            if pk is None and not optional:
                raise ArchiveError(
                    f"refers to {cell!r}, which is not a row of {column.refers_to}.csv",
                    file=f"{name}.csv",
                    line=line,
                    column=column.name,
                )
            if pk is not None and column.via_membership:
                return self.membership_of_user[pk]
            return pk
        try:
            value = from_cell(cell, column.kind)
        except BadCell as error:
            raise ArchiveError(
                str(error), file=f"{name}.csv", line=line, column=column.name
            ) from None
        if column.required and value is None:
            raise ArchiveError("is required", file=f"{name}.csv", line=line, column=column.name)
        model_field = column.model_field
        if (
            value == ""
            and model_field is not None
            and model_field.null
            and not isinstance(model_field, models.CharField | models.TextField)
        ):
            return None  # an empty cell of a text-typed column that is not text (a UUID)
        empty_json = isinstance(model_field, models.JSONField) and value in ([], {})
        if model_field is not None and model_field.editable and not empty_json:
            try:
                model_field.clean(value, None)
            except ValidationError as error:
                raise ArchiveError(
                    " ".join(error.messages), file=f"{name}.csv", line=line, column=column.name
                ) from None
        return value

    def need_of_code(self, code: str) -> int:
        """The word of the organisation's needs list with this code, the way referrals
        migration 0002 moved a referral's code (decision 0104): the restored list's word with
        that code in any case, or a word added under the code's old name."""
        if code not in self.needs:
            terms = local_needs(self.organisation)
            term = terms.filter(code__iexact=code).order_by("pk").first()
            if term is None:
                taxonomy = local_needs_list(self.organisation)
                term = TaxonomyTerm.objects.create(
                    organisation=self.organisation,
                    taxonomy=taxonomy,
                    taxonomy_name=taxonomy.name,
                    name=dict(STARTING_NEEDS).get(code, code)[:200],
                    code=code[:50],
                )
            self.needs[code] = int(term.pk)
        return self.needs[code]

    def remember(self, table: str, archive_id: str, pk: int, file: str, line: int) -> None:
        self.ids.add(table, archive_id, pk, file, line)

    def chunks(self, name: str, columns: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows of a table, a chunk at a time: the ids in `columns` of each chunk are looked
        up before its rows are given, and the ids its rows made are written after."""
        names = list(columns)
        for chunk in _chunks(self.rows(name)):
            self.ids.prefetch(row[column] for _, row in chunk for column in names)
            yield from chunk
            self.ids.flush()

    def insert(self, obj: models.Model, file: str, line: int) -> None:
        try:
            obj.save_base(raw=True, force_insert=True)
        except IntegrityError as error:
            raise ArchiveError(
                f"does not fit with the rows before it ({error})", file=file, line=line
            ) from None

    def run(self) -> None:
        self.ids.create()
        self.restore_organisation()
        self.restore_table(TABLES[0])
        self.restore_workers()
        for table in TABLES[1:]:
            self.restore_table(table)
        for pair in MANY_TO_MANY:
            self.restore_pairs(pair)
        self.restore_history()
        self.ids.drop()

    def references(self, name: str) -> list[str]:
        """The columns of a table that hold another row's archive id."""
        return [
            column.name for column in self.columns[name] if column.refers_to or column.kind_column
        ]

    def restore_organisation(self) -> None:
        rows = list(self.rows("organisation"))
        if len(rows) != 1:
            raise ArchiveError(f"has {len(rows)} rows; it must have one", file="organisation.csv")
        line, row = rows[0]
        for column in ORGANISATION_COLUMNS:
            if column.name in ("name", "slug", "created_at"):
                continue  # the organisation restored into keeps its own
            setattr(
                self.organisation,
                column.attname,
                self.value("organisation", line, column, row[column.name]),
            )
        self.organisation.save()
        self.summary.rows["organisation"] = 1

    def restore_workers(self) -> None:
        users = self.user_model._default_manager
        for line, row in self.chunks("workers", self.references("workers")):
            values = {
                column.name: self.value("workers", line, column, row[column.name])
                for column in WORKER_COLUMNS[1:]
            }
            if values["role"] not in Role.values:
                raise ArchiveError(
                    f"{values['role']!r} is not a role",
                    file="workers.csv",
                    line=line,
                    column="role",
                )
            username = values["username"]
            if not username or len(username) > 150:
                raise ArchiveError(
                    "is not a username", file="workers.csv", line=line, column="username"
                )
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
            self.membership_of_user[user.pk] = membership.pk
            self.remember("workers", row["id"], user.pk, "workers.csv", line)
            self.summary.rows["workers"] = self.summary.rows.get("workers", 0) + 1

    def restore_table(self, table: Table) -> None:
        file = f"{table.name}.csv"
        columns = self.columns[table.name]
        has_organisation = any(f.name == "organisation" for f in table.model._meta.concrete_fields)
        # Settings (one row per organisation) the organisation may have made already.
        one_per_organisation = has_organisation and isinstance(
            table.model._meta.get_field("organisation"), models.OneToOneField
        )
        later: list[tuple[int, str, str, int, str]] = []  # pk, attname, archive id, line, column
        for line, row in self.chunks(table.name, self.references(table.name)):
            if table.model is Instrument and row["built_in"] == "true":
                self.remember(
                    table.name, row["id"], self.built_in_instrument(row, line), file, line
                )
                continue
            if table.model is InstrumentVersion and self.is_built_in_version(row):
                self.remember(table.name, row["id"], self.built_in_version(row, line), file, line)
                continue
            obj = table.model()
            if has_organisation:
                obj.organisation_id = self.organisation.pk  # type: ignore[attr-defined]
            if one_per_organisation:
                table.model._base_manager.filter(organisation=self.organisation).delete()
            deferred = []
            for column in columns[1:]:
                if not column.attname:
                    continue
                if column.kind_column:
                    setattr(obj, column.attname, self.any_row(table.name, line, column, row))
                    continue
                self_reference = (
                    column.refers_to == table.name
                    and self.ids.get(table.name, row[column.name]) is None
                )
                value = self.value(
                    table.name, line, column, row[column.name], optional=self_reference
                )
                if self_reference and row[column.name]:
                    deferred.append((column.attname, row[column.name], column.name))
                setattr(obj, column.attname, value)
            if table.prepare is not None:
                table.prepare(obj)
            self.insert(obj, file, line)
            self.remember(table.name, row["id"], obj.pk, file, line)
            later.extend((obj.pk, attname, ref, line, name) for attname, ref, name in deferred)
            self.summary.rows[table.name] = self.summary.rows.get(table.name, 0) + 1
        self.ids.prefetch(ref for _, _, ref, _, _ in later)
        for pk, attname, ref, line, name in later:
            target = self.ids.get(table.name, ref)
            if target is None:
                raise ArchiveError(
                    f"refers to {ref!r}, which is not a row of {file}",
                    file=file,
                    line=line,
                    column=name,
                )
            system_rows(table.model, READ_REASON).filter(pk=pk).update(**{attname: target})

    def any_row(self, name: str, line: int, column: Column, row: dict[str, str]) -> int:
        """The new primary key of the row an import kind's record became (`imported_records`)."""
        table = IMPORT_KIND_TABLES.get(row[column.kind_column])
        pk = self.ids.get(table, row[column.name]) if table else None
        if pk is None:
            raise ArchiveError(
                f"refers to {row[column.name]!r}, which is not a row of the table import kind "
                f"{row[column.kind_column]!r} fills",
                file=f"{name}.csv",
                line=line,
                column=column.name,
            )
        return pk

    def built_in_instrument(self, row: dict[str, str], line: int) -> int:
        instrument = Instrument.objects.filter(organisation__isnull=True, key=row["key"]).first()
        if instrument is None:
            raise ArchiveError(
                f"the built-in questionnaire {row['key']!r} is not in this version of Alongside",
                file="instruments.csv",
                line=line,
                column="key",
            )
        return int(instrument.pk)

    def is_built_in_version(self, row: dict[str, str]) -> bool:
        instrument = self.ids.get("instruments", row["instrument"])
        return (
            instrument is not None
            and Instrument.objects.filter(pk=instrument, organisation__isnull=True).exists()
        )

    def built_in_version(self, row: dict[str, str], line: int) -> int:
        instrument = self.ids.get("instruments", row["instrument"])
        version = (
            InstrumentVersion.objects.filter(instrument_id=instrument, number=row["number"]).first()
            if instrument is not None
            else None
        )
        if version is None:
            raise ArchiveError(
                "this version of a built-in questionnaire is not in this version of Alongside",
                file="instrument_versions.csv",
                line=line,
                column="number",
            )
        return int(version.pk)

    def restore_pairs(self, pair: ManyToMany) -> None:
        through = getattr(pair.owner, pair.attribute).through
        owner_field, other_field = through_fields(pair)
        columns = self.columns[pair.name]
        batch = []
        for line, row in self.chunks(pair.name, [column.name for column in columns]):
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
        seen = 0
        for line, row in self.chunks("audit_events", [*self.references("audit_events"), "subject"]):

            def value(name: str, row: dict[str, str] = row, line: int = line) -> Any:
                return self.value("audit_events", line, columns[name], row[name], optional=True)

            self.remember("audit_events", row["id"], 0, "audit_events.csv", line)
            seen += 1
            subject = self.ids.lookup(row["subject"])
            subject_pk = subject[1] if subject else None
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
        self.summary.rows["audit_events"] = seen
