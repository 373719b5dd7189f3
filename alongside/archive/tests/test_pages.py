"""The data lead asks for an archive, watches it being made by the task, and downloads it."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from alongside.archive.models import ArchiveExport
from alongside.archive.services import build_requested_archive, progress_of
from alongside.audit.models import AuditEvent
from alongside.testing.helpers import assert_constant_queries

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-01 09:00:00+00:00")]


@pytest.fixture(autouse=True)
def folder(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.ALONGSIDE_ARCHIVE_DIR = tmp_path / "archives"
    return tmp_path / "archives"


def test_the_data_lead_makes_watches_and_downloads_an_archive(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    dana = world.client("dana")
    assert b"Make an archive now" in dana.get("/archive/").content
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = dana.post("/archive/start/")
    assert len(queued) == 1  # the task is queued when the request's transaction commits
    export = ArchiveExport.objects.get()
    assert response.status_code == 302 and response.url == f"/archive/{export.pk}/"
    waiting = dana.get(response.url).content.decode()
    assert "Waiting to start" in waiting and 'hx-trigger="every 3s"' in waiting

    again = dana.post("/archive/start/", follow=True)
    assert "An archive is already being made" in again.content.decode()
    assert ArchiveExport.objects.count() == 1

    assert build_requested_archive(export.pk).endswith(".zip")
    export.refresh_from_db()
    assert export.status == "done" and export.rows_written > 10
    assert progress_of(export) == export.rows_written
    page = dana.get(f"/archive/{export.pk}/").content.decode()
    assert "Download the archive" in page and "every 3s" not in page

    download = dana.get(f"/archive/{export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    body = b"".join(download.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert {"datapackage.json", "README.txt", "people.csv", "audit_events.csv"} <= set(names)
    actions = list(
        AuditEvent.objects.filter(organisation=world.org, action__startswith="archive.")
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("archive.requested", "dana"),
        ("archive.exported", "dana"),
        ("archive.downloaded", "dana"),
    ]


def test_progress_is_read_while_it_is_being_made(world, folder: Path) -> None:  # type: ignore[no-untyped-def]
    export = ArchiveExport.objects.create(
        organisation=world.org, requested_by=world.user("dana"), requested_at=timezone.now(),
        status="running", rows_expected=200,
    )  # fmt: skip
    folder.mkdir()
    (folder / f".archive-{export.pk}.progress").write_text("50")
    assert progress_of(export) == 50
    page = world.client("dana").get(f"/archive/{export.pk}/").content.decode()
    assert "50 of about 200" in page and 'value="25"' in page


def test_old_archives_are_removed_and_say_so(world, folder: Path) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir()
    (folder / "old.zip").write_bytes(b"old")
    old = ArchiveExport.objects.create(
        organisation=world.org, requested_by=world.user("dana"),
        requested_at=timezone.now() - timedelta(days=9), status="done",
        finished_at=timezone.now() - timedelta(days=8), file_name="old.zip", size=3,
    )  # fmt: skip
    fresh = ArchiveExport.objects.create(
        organisation=world.org, requested_by=world.user("dana"), requested_at=timezone.now()
    )
    build_requested_archive(fresh.pk)
    assert not (folder / "old.zip").exists()
    old.refresh_from_db()
    assert old.file_name == ""
    assert world.client("dana").get(f"/archive/{old.pk}/download/").status_code == 404
    assert "Removed" in world.client("dana").get("/archive/").content.decode()


def test_a_failed_archive_says_so(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr("alongside.archive.services.export_organisation", broken)
    export = ArchiveExport.objects.create(
        organisation=world.org, requested_by=world.user("dana"), requested_at=timezone.now()
    )
    assert build_requested_archive(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == "failed" and "disk full" in export.problem
    assert (
        "could not be made" in world.client("dana").get(f"/archive/{export.pk}/").content.decode()
    )


def test_the_list_costs_the_same_queries_for_one_archive_or_three(world) -> None:  # type: ignore[no-untyped-def]
    def add(n: int) -> None:
        for _ in range(n):
            ArchiveExport.objects.create(
                organisation=world.org, requested_by=world.user("dana"),
                requested_at=timezone.now(), status="done", file_name="gone.zip",
            )  # fmt: skip

    assert_constant_queries(world.client("dana"), "/archive/", add)
