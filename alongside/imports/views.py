"""The import pages (data lead only): upload, the dry run's preview with every problem, the
column mapping saved per source, confirm, and the progress of a large file."""

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.files import safe_cell
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import form_status
from alongside.imports import kinds, queries, services
from alongside.imports.forms import MappingForm, UploadForm
from alongside.imports.models import ImportRun, RunStatus

PROBLEMS_SHOWN = 200


@rule_required("imports.import")
@submit_once
def start(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.start_run(
            membership,
            form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            source=form.cleaned_data["source"],
        )
        return redirect("imports:run", run_id=run.pk)
    recent = list(queries.runs_for(membership)[:10])
    return render(
        request,
        "imports/start.html",
        {"form": form, "recent": recent, "kinds": [kinds.get(n) for n in kinds.names()]},
        status=form_status(request, form),
    )


def _mapping_form(run: ImportRun, data: Any = None) -> MappingForm | None:
    if not run.header or run.kind not in kinds.KINDS:
        return None
    kind = kinds.get(run.kind)
    _index, written, _unmapped = services.map_columns(
        run.header, kind, services.saved_mapping(run.organisation_id, run.source, run.kind)
    )
    current = {column: name for name, column in written.items()}
    return MappingForm(data, header=run.header, kind=kind, current=current)


def _run_page(
    request: AuthedHttpRequest,
    run: ImportRun,
    mapping: MappingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    done, total = services.progress_of(run)
    context = {
        "run": run,
        "kind": kinds.KINDS.get(run.kind),
        "errors": [p for p in run.problems if p["error"]][:PROBLEMS_SHOWN],
        "warnings": [p for p in run.problems if not p["error"]][:PROBLEMS_SHOWN],
        "mapping": mapping or (_mapping_form(run) if run.status == RunStatus.CHECKED else None),
        "done": done,
        "total": total,
        "working": run.status in (RunStatus.CHECKING, RunStatus.WRITING),
    }
    return render(request, "imports/run.html", context, status=status)


@rule_required("imports.import")
def run(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    return _run_page(request, queries.run_for(membership_of(request), run_id))


@rule_required("imports.import")
def progress(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    """The progress bar, polled by htmx while a task works; when it has finished, htmx is told
    to load the whole page again."""
    found = queries.run_for(membership_of(request), run_id)
    if found.status not in (RunStatus.CHECKING, RunStatus.WRITING):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    done, total = services.progress_of(found)
    return render(
        request, "imports/partials/progress.html", {"run": found, "done": done, "total": total}
    )


@rule_required("imports.import")
@require_POST
def confirm(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = queries.run_for(membership, run_id)
    try:
        services.confirm_run(membership, found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:run", run_id=found.pk)


@rule_required("imports.import")
@require_POST
def columns(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = queries.run_for(membership, run_id)
    form = _mapping_form(found, request.POST)
    if form is None:
        return redirect("imports:run", run_id=found.pk)
    if form.is_valid():
        try:
            services.remap_run(membership, found, form.mapping())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Columns saved for %(source)s.") % {"source": found.source})
            return redirect("imports:run", run_id=found.pk)
    return _run_page(request, found, form, status=form_status(request, form))


class _Line:
    def write(self, value: str) -> str:
        return value


def _lines(run: ImportRun) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"
    for row in services.problems_as_rows(run.problems):
        yield writer.writerow([safe_cell(cell) for cell in row])


@rule_required("imports.import")
def problems_csv(request: AuthedHttpRequest, run_id: int) -> StreamingHttpResponse:
    """Every problem kept for the run, as a CSV the person can sort; cells that a spreadsheet
    would run as a formula stay text (`common.files.safe_cell`)."""
    found = queries.run_for(membership_of(request), run_id)
    response = StreamingHttpResponse(_lines(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{found.pk}-problems.csv"'
    return response
