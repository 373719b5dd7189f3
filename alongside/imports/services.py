"""Bringing a file in: the same steps for every kind (`imports.kinds`), used by `alongside import`,
the import pages and their task.

1. Open the file (`reading.open_table`: refused if unsafe) and map its columns to the kind's
   fields (the mapping saved for the source, then the field's own name or label).
2. The dry run: stream the rows in batches of `BATCH`, asking the kind what each would do
   (create, update or skip) and every problem, writing nothing.
3. Only when the dry run found no error, and the caller did not ask for a dry run: the same pass
   again inside one transaction, the kind writing each batch as it goes. An error found then (the
   records changed between the passes) undoes everything.

Memory holds one batch of rows, the problems found and the external ids seen so far (so a file
naming one id twice is caught); never the file.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.progress import ProgressFile
from alongside.imports import kinds
from alongside.imports.kinds import CREATE, SKIP, UPDATE, Context, Kind, Planned, Problem, Row
from alongside.imports.models import ColumnMapping, ImportRun, RunStatus
from alongside.imports.reading import DEFAULT_LIMITS, FileRefused, Limits, Table, open_table

BATCH = 1000
DEFAULT_SOURCE = "spreadsheet"

Progress = Callable[[int, int], None]  # (rows done, rows in the file about)


@dataclass(slots=True)
class Outcome:
    """What an import did, or would do (a dry run)."""

    kind: str
    source: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rows: int = 0
    errors: int = 0  # rows with an error
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    refused: str = ""  # why the file as a whole was refused
    unmapped: list[str] = field(default_factory=list)  # columns no field takes
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.refused and not self.errors

    def counts(self) -> str:
        if self.written:
            return f"{self.created} created, {self.updated} updated, {self.skipped} skipped"
        return (
            f"{self.created} to create, {self.updated} to update, {self.skipped} to skip "
            "(a dry run: nothing written)"
        )


def normal_column(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def map_columns(
    header: list[str], kind: Kind, saved: dict[str, str] | None = None
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """(field -> column index, field -> column as written, columns no field takes). A saved
    mapping (column -> field, "" to ignore) wins; otherwise a column takes the field whose name
    or label it spells, in any case or spacing ("Date of birth", "date_of_birth")."""
    saved = saved or {}
    known = {normal_column(f.name): f.name for f in kind.fields}
    known.update({normal_column(f.label): f.name for f in kind.fields})
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    unmapped: list[str] = []
    for position, column in enumerate(header):
        if not column:
            continue
        name = saved[column] if column in saved else known.get(normal_column(column))
        if name and name in kind.field_names() and name not in index:
            index[name] = position
            written[name] = column
        elif name is None:
            unmapped.append(column)
    return index, written, unmapped


def saved_mapping(organisation_id: int, source: str, kind: str) -> dict[str, str]:
    found = ColumnMapping.objects.filter(
        organisation_id=organisation_id, source=source, kind=kind
    ).first()
    return dict(found.columns) if found else {}


def save_mapping(
    membership: Membership, *, source: str, kind: str, columns: dict[str, str]
) -> None:
    """Keep which field each column fills, for this source's next file. (Not about any person,
    and it holds column names only: no audit event of its own; the import's event names it.)"""
    ColumnMapping.objects.update_or_create(
        organisation_id=membership.organisation_id,
        source=source,
        kind=kind,
        defaults={"columns": columns},
    )


def import_file(
    membership: Membership,
    path: str | Path,
    *,
    kind: str,
    source: str = DEFAULT_SOURCE,
    dry_run: bool,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    run_id: int | None = None,
) -> Outcome:
    """Check the file and, unless `dry_run` or anything is wrong, write it whole in one
    transaction. Side effects when written: the kind's records, their `ImportedRecord` rows, one
    audit event per record and one `imports.file.imported` event for the file."""
    chosen = kinds.get(kind)
    source = source.strip()[:100] or DEFAULT_SOURCE
    checked = _pass(membership, path, chosen, source, write=False, progress=progress, limits=limits)
    if dry_run or not checked.ok:
        return checked
    try:
        with transaction.atomic():
            written = _pass(
                membership,
                path,
                chosen,
                source,
                write=True,
                progress=progress,
                limits=limits,
                run_id=run_id,
            )
            if not written.ok:
                raise _Undo(written)
            record(
                membership.organisation,
                action=actions.IMPORTS_FILE_IMPORTED,
                by=membership,
                person_id=None,
                summary={
                    "kind": chosen.name,
                    "source": source,
                    "created": written.created,
                    "updated": written.updated,
                    "skipped": written.skipped,
                    **({"run": run_id} if run_id else {}),
                },
            )
    except _Undo as undo:
        return undo.outcome
    written.written = True
    return written


class _Undo(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("import undone")
        self.outcome = outcome


def _pass(
    membership: Membership,
    path: str | Path,
    kind: Kind,
    source: str,
    *,
    write: bool,
    progress: Progress | None,
    limits: Limits,
    run_id: int | None = None,
) -> Outcome:
    outcome = Outcome(kind=kind.name, source=source, dry_run=not write)
    try:
        table = open_table(path, limits)
    except FileRefused as refused:
        outcome.refused = str(refused)
        return outcome
    with table:
        index, written_as, outcome.unmapped = map_columns(
            table.header, kind, saved_mapping(membership.organisation_id, source, kind.name)
        )
        missing = [f for f in kind.fields if f.required and f.name not in index]
        for f in missing:
            outcome.problems.append(
                Problem(1, f.name, f"The file has no “{f.name}” column ({f.label}).")
            )
        if missing:
            outcome.errors = 1
            return outcome
        ctx = Context(
            membership=membership,
            source=source,
            kind=kind,
            columns=written_as,
            today=timezone.localdate(),
            run_id=run_id,
        )
        try:
            for batch in _batches(table, index):
                _one_batch(ctx, batch, outcome, write=write and outcome.ok)
                if progress is not None:
                    progress(outcome.rows, max(table.rows_estimate, outcome.rows))
        except FileRefused as refused:
            outcome.refused = str(refused)
    return outcome


def _one_batch(ctx: Context, batch: list[Row], outcome: Outcome, *, write: bool) -> None:
    plans = ctx.kind.plan(ctx, batch)
    good: list[Planned] = []
    for plan in plans:
        outcome.rows += 1
        outcome.problems.extend(plan.problems)
        if any(p.error for p in plan.problems):
            outcome.errors += 1
            continue
        outcome.warnings += len(plan.problems)
        if plan.action == CREATE:
            outcome.created += 1
        elif plan.action == UPDATE:
            outcome.updated += 1
        else:
            outcome.skipped += 1
        if plan.action != SKIP:
            good.append(plan)
    if write and outcome.ok and good:
        ctx.kind.write(ctx, good)


def _batches(table: Table, index: dict[str, int]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for line, values in table.rows:
        cells = {
            name: values[position] if position < len(values) else None
            for name, position in index.items()
        }
        batch.append(Row(line, cells))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def problems_as_rows(problems: list[Problem] | list[dict[str, Any]]) -> Iterator[list[Any]]:
    """Problems as spreadsheet rows (line, column, problem, error or warning) for the CSV of
    problems; the caller writes each cell through `common.files.safe_cell`."""
    yield ["line", "column", "problem", "kind"]
    for problem in problems:
        item = problem.as_dict() if isinstance(problem, Problem) else problem
        yield [
            item["line"],
            item["column"],
            item["message"],
            "error" if item["error"] else "warning",
        ]


# Runs: the import pages' dry run and confirm, in the request or in a task -----------------------


def start_run(membership: Membership, upload: Any, *, kind: str, source: str) -> ImportRun:
    """Keep an uploaded file and check it: within the request when it is small, else by the
    `check_run` task. Side effects: the file under `ALONGSIDE_IMPORT_FOLDER`, one ImportRun."""
    folder = Path(settings.ALONGSIDE_IMPORT_FOLDER)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = folder / f"{uuid.uuid4().hex}.upload"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    run = ImportRun.objects.create(
        organisation_id=membership.organisation_id,
        started_by=membership.user,
        kind=kind,
        source=source.strip()[:100] or DEFAULT_SOURCE,
        file_name=Path(str(upload.name)).name[:255],
        stored_as=str(stored),
    )
    _go(run, write=False)
    return run


def _go(run: ImportRun, *, write: bool) -> None:
    """Check (or write) the run now when the file is small, else queue the task that does."""
    size = Path(run.stored_as).stat().st_size if run.stored_as else 0
    if size <= settings.ALONGSIDE_IMPORT_INLINE_BYTES:
        (write_run if write else check_run)(run.pk)
        return
    from alongside.imports import tasks  # the tasks call this module's steps: a cycle otherwise

    task = tasks.write_import if write else tasks.check_import
    run_id = run.pk
    transaction.on_commit(lambda: task.enqueue(run_id))


def _lead_of(run: ImportRun) -> Membership:
    membership = (
        Membership.objects.active()
        .filter(organisation_id=run.organisation_id, user_id=run.started_by_id)
        .select_related("organisation", "user")
        .first()
    )
    if membership is None or not rules.test_rule("imports.import", membership, None):
        raise PermissionDenied("the worker who started this import may no longer import")
    return membership


def _progress_file(run: ImportRun) -> ProgressFile:
    return ProgressFile(f"{run.stored_as}.progress")


def progress_of(run: ImportRun) -> tuple[int, int]:
    """(rows done, rows about) of a run's current pass, from its progress file (written outside
    the database, so a pass inside a transaction can still be watched)."""
    done, total = _progress_file(run).read(2)
    return done, total


def _reporter(run: ImportRun) -> Progress:
    return _progress_file(run).write


def _finish(run: ImportRun, outcome: Outcome, status: str) -> None:
    run.status = status
    run.refused_because = outcome.refused[:500]
    run.created, run.updated, run.skipped = outcome.created, outcome.updated, outcome.skipped
    run.errors, run.warnings = outcome.errors, outcome.warnings
    run.rows_done = outcome.rows
    run.problems = [p.as_dict() for p in outcome.problems[: ImportRun.PROBLEMS_KEPT]]
    run.unmapped = outcome.unmapped
    if status in (RunStatus.DONE, RunStatus.REFUSED):
        run.finished_at = timezone.now()
        forget_file(run)
    run.save()


def forget_file(run: ImportRun) -> None:
    Path(run.stored_as).unlink(missing_ok=True)
    _progress_file(run).remove()
    run.stored_as = ""


def check_run(run_id: int) -> None:
    """The dry run of a run (inline or from the task)."""
    run = ImportRun.objects.get(pk=run_id)
    membership = _lead_of(run)
    with contextlib.suppress(FileRefused, OSError), open_table(run.stored_as) as table:
        run.header = table.header
        run.rows_total = table.rows_estimate
    outcome = import_file(
        membership,
        run.stored_as,
        kind=run.kind,
        source=run.source,
        dry_run=True,
        progress=_reporter(run),
    )
    _finish(run, outcome, RunStatus.REFUSED if outcome.refused else RunStatus.CHECKED)


def confirm_run(membership: Membership, run: ImportRun) -> None:
    """The person importing confirms a checked run: write it (now, or by the task)."""
    if run.status != RunStatus.CHECKED or run.errors or not run.stored_as:
        raise ValidationError(_("This import cannot be confirmed: check the file again."))
    run.status = RunStatus.WRITING
    run.save(update_fields=["status"])
    _go(run, write=True)


def write_run(run_id: int) -> None:
    run = ImportRun.objects.get(pk=run_id)
    membership = _lead_of(run)
    outcome = import_file(
        membership,
        run.stored_as,
        kind=run.kind,
        source=run.source,
        dry_run=False,
        progress=_reporter(run),
        run_id=run.pk,
    )
    _finish(run, outcome, RunStatus.DONE if outcome.written else RunStatus.CHECKED)


def remap_run(membership: Membership, run: ImportRun, columns: dict[str, str]) -> None:
    """Save which field each column fills for the run's source, and check the file again."""
    if run.status != RunStatus.CHECKED or not run.stored_as:
        raise ValidationError(_("This import has ended: upload the file again."))
    save_mapping(membership, source=run.source, kind=run.kind, columns=columns)
    run.status = RunStatus.CHECKING
    run.save(update_fields=["status"])
    _go(run, write=False)
