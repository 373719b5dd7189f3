"""The whole organisation out as an open archive, and back in (docs/archive.md, decision 0055).

- `export_organisation(organisation, by, dest)` writes the zip (`exporting.py`): one CSV per
  table, `datapackage.json` and `README.txt`, a chunk of rows at a time.
- `restore(path, organisation, by)` reads one into an empty organisation, all or nothing, or
  raises `ArchiveError` naming the file, line and field (`restoring.py`).
- The data lead's pages: `request_archive` queues a task (`tasks.make_archive`) that calls
  `build_requested_archive`; `progress_of` reads how far it has got; `open_archive` is the
  audited download.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.access.models import Membership
from alongside.archive.checking import ArchiveError
from alongside.archive.exporting import ExportSummary, export_organisation, rows_expected
from alongside.archive.models import ArchiveExport
from alongside.archive.restoring import (
    RestoreRefused,
    RestoreSummary,
    refuse_unless_empty,
    restore,
    restore_report,
)
from alongside.archive.tasks import make_archive
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.progress import ProgressFile

__all__ = [
    "ArchiveError",
    "ExportSummary",
    "RestoreRefused",
    "RestoreSummary",
    "build_requested_archive",
    "export_organisation",
    "open_archive",
    "progress_of",
    "refuse_unless_empty",
    "request_archive",
    "restore",
    "restore_report",
]

logger = logging.getLogger(__name__)

BUSY = (ArchiveExport.Status.QUEUED, ArchiveExport.Status.RUNNING)


def archive_folder() -> Path:
    return Path(settings.ALONGSIDE_ARCHIVE_DIR)


def request_archive(membership: Membership) -> ArchiveExport:
    """Queue an archive of the data lead's organisation; one at a time per organisation.

    Raises ValidationError while another is waiting or being made. Side effects: an
    ArchiveExport, one AuditEvent (`archive.requested`), a task queued when the transaction
    commits.
    """
    organisation = membership.organisation
    with transaction.atomic():
        if ArchiveExport.objects.filter(organisation=organisation, status__in=BUSY).exists():
            raise ValidationError(
                "An archive is already being made. Wait for it to finish, then download it."
            )
        export = ArchiveExport.objects.create(
            organisation=organisation,
            requested_by=membership.user,
            requested_at=timezone.now(),
            rows_expected=rows_expected(organisation),
        )
        record(
            export,
            action=actions.ARCHIVE_REQUESTED,
            by=membership,
            person_id=None,
            summary={"archive": export.pk},
        )
        transaction.on_commit(lambda: make_archive.enqueue(export.pk))
    return export


def _progress_file(export: ArchiveExport) -> ProgressFile:
    return ProgressFile(archive_folder() / f".archive-{export.pk}.progress")


def build_requested_archive(export_id: int) -> str:
    """Make a queued archive (run by the task). Progress goes to a small file beside the
    archives, because on PostgreSQL the export reads in one transaction whose writes no one
    else would see until it ends. Side effects: the zip; the export's status; `archive.exported`.
    """
    export = ArchiveExport.objects.select_related("organisation").filter(pk=export_id).first()
    if export is None or export.status != ArchiveExport.Status.QUEUED:
        return "nothing to do"
    _remove_old_archives()
    ArchiveExport.objects.filter(pk=export.pk).update(status=ArchiveExport.Status.RUNNING)
    folder = archive_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{export.organisation.slug}-archive-{export.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip"
    progress = _progress_file(export)
    by = Membership.objects.filter(
        organisation=export.organisation, user=export.requested_by
    ).first()

    try:
        summary = export_organisation(
            export.organisation, by or export.requested_by, folder / name, progress=progress.write
        )
    except Exception as error:
        logger.exception("archive %s could not be made", export.pk)
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ArchiveExport.Status.FAILED,
            finished_at=timezone.now(),
            problem=f"{type(error).__name__}: {error}"[:500],
        )
        return "failed"
    finally:
        progress.remove()
    ArchiveExport.objects.filter(pk=export.pk).update(
        status=ArchiveExport.Status.DONE,
        finished_at=timezone.now(),
        rows_written=summary.total,
        file_name=name,
        size=(folder / name).stat().st_size,
    )
    return name


def progress_of(export: ArchiveExport) -> int:
    """How many rows the archive holds so far (all of them once it is done)."""
    if export.status == ArchiveExport.Status.RUNNING:
        (rows,) = _progress_file(export).read(1)
        return rows
    return export.rows_written


def archive_path(export: ArchiveExport) -> Path | None:
    """The finished archive's file, or None when it is not ready or has been removed."""
    if export.status != ArchiveExport.Status.DONE or not export.file_name:
        return None
    path = archive_folder() / export.file_name
    return path if path.is_file() else None


def open_archive(membership: Membership, export: ArchiveExport) -> Path:
    """The archive's file for the data lead to download; writes `archive.downloaded` first.
    Raises FileNotFoundError when it is not ready or was removed. Side effects: one AuditEvent.
    """
    path = archive_path(export)
    if path is None:
        raise FileNotFoundError(f"archive {export.pk} is not ready")
    with transaction.atomic():
        record(
            export,
            action=actions.ARCHIVE_DOWNLOADED,
            by=membership,
            person_id=None,
            summary={"archive": export.pk, "bytes": export.size},
        )
    return path


def _remove_old_archives() -> None:
    """Delete archive files finished more than ALONGSIDE_ARCHIVE_KEEP_DAYS ago (the record of
    each stays, without its file)."""
    days = int(getattr(settings, "ALONGSIDE_ARCHIVE_KEEP_DAYS", 7))
    old = ArchiveExport.objects.filter(
        finished_at__lt=timezone.now() - timedelta(days=days)
    ).exclude(file_name="")
    for export in old:
        (archive_folder() / export.file_name).unlink(missing_ok=True)
        ArchiveExport.objects.filter(pk=export.pk).update(file_name="")
