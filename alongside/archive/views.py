"""The data lead's archive pages: make an archive, watch it being made, download it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.archive.models import ArchiveExport
from alongside.archive.queries import archive_for, archives_of
from alongside.archive.services import archive_path, open_archive, progress_of, request_archive
from alongside.common.once import submit_once


@rule_required("archive.export")
def archive_list(request: AuthedHttpRequest) -> HttpResponse:
    archives = list(archives_of(membership_of(request))[:20])
    rows = [(export, archive_path(export) is not None) for export in archives]
    return render(request, "archive/list.html", {"rows": rows})


@rule_required("archive.export")
@require_POST
@submit_once
def start(request: AuthedHttpRequest) -> HttpResponse:
    try:
        export = request_archive(membership_of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("archive:list")
    return redirect("archive:archive", export.pk)


def _export(request: AuthedHttpRequest, archive_id: int) -> ArchiveExport:
    export = archive_for(membership_of(request), archive_id)
    if export is None:
        raise Http404
    return export


@rule_required("archive.export")
def archive_detail(request: AuthedHttpRequest, archive_id: int) -> HttpResponse:
    export = _export(request, archive_id)
    written = progress_of(export)
    expected = max(export.rows_expected, written, 1)
    busy = export.status in (ArchiveExport.Status.QUEUED, ArchiveExport.Status.RUNNING)
    context = {
        "export": export,
        "written": written,
        "expected": expected,
        "percent": min(100, written * 100 // expected),
        "busy": busy,
        "ready": archive_path(export) is not None,
    }
    return render(request, "archive/archive.html", context)


@rule_required("archive.export")
def download(request: AuthedHttpRequest, archive_id: int) -> FileResponse:
    export = _export(request, archive_id)
    try:
        path = open_archive(membership_of(request), export)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip"
    )
