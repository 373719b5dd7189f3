"""The data lead's audit page: search the log, export it, see the latest checkpoint."""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.audit import actions
from alongside.audit.forms import AuditSearchForm
from alongside.audit.queries import (
    RESTORED,
    LogFilters,
    latest_checkpoint_status,
    workers_for_search,
)
from alongside.audit.services import export_audit_log, read_audit_log
from alongside.common.files import safe_cell
from alongside.common.pickers import offer_pickers
from alongside.common.responses import INVALID_FORM_STATUS

EXPORT_HEADER = (
    "id", "at", "worker_id", "worker", "action", "words", "subject_type", "subject_id",
    "person_id", "sphere", "summary", "request_id", "source_address", "previous_hash", "hash",
)  # fmt: skip


def _search(request: AuthedHttpRequest) -> tuple[AuditSearchForm, LogFilters | None]:
    membership = membership_of(request)
    form = AuditSearchForm(
        request.GET or None, workers=workers_for_search(membership.organisation_id)
    )
    offer_pickers(form, membership, request)
    if not request.GET:
        return form, LogFilters()
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    filters = LogFilters(
        person_id=data["person"],
        actor_id=data["worker"].pk if data["worker"] else None,
        action=data["action"] or None,
        start=data["start"],
        end=data["end"],
        origin=data["origin"] or "",
    )
    return form, filters


@rule_required("audit.read_log")
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form, filters = _search(request)
    context: dict[str, Any] = {"form": form, "checkpoint": latest_checkpoint_status()}
    if filters is None:
        return render(request, "audit/log.html", context, status=INVALID_FORM_STATUS)
    before = form.cleaned_data.get("before") if form.is_bound else None
    page = read_audit_log(membership, filters, before=before)
    query: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "before" and v}
    context |= {
        "page": page,
        "rows": [(event, _summary(event.summary)) for event in page.events],
        "older_url": f"?{urlencode({**query, 'before': str(page.older)})}" if page.older else "",
        "newest_url": f"?{urlencode(query)}" if before else "",
        "export_url": reverse("audit:export") + (f"?{urlencode(query)}" if query else ""),
        "restored": filters.origin == RESTORED,
    }
    return render(request, "audit/log.html", context)


@rule_required("audit.read_log")
def export(request: AuthedHttpRequest) -> HttpResponseBase:
    form, filters = _search(request)
    if filters is None:
        context = {"form": form, "checkpoint": latest_checkpoint_status()}
        return render(request, "audit/log.html", context, status=INVALID_FORM_STATUS)
    events = export_audit_log(membership_of(request), filters)
    stamp = timezone.localdate().isoformat()
    if filters.origin == RESTORED:
        stamp = f"previous-system-{stamp}"
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


class _Line:
    """A file-like that hands back what the csv writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Iterator[Any]) -> Iterator[str]:
    """One row per event. A restored event's id is its id in the previous system."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)
    for event in events:
        actor = event.actor
        words = actions.words_for(event.action)
        yield writer.writerow(
            [
                safe_cell(value)
                for value in (
                    getattr(event, "original_id", event.pk),
                    event.at.isoformat(),
                    event.actor_id or "",
                    (actor.get_full_name() or actor.get_username()) if actor else "Alongside",
                    event.action,
                    str(words) if words else "",
                    event.subject_type,
                    event.subject_id,
                    event.person_id or "",
                    event.sphere,
                    _summary(event.summary),
                    event.request_id,
                    event.source_address,
                    event.previous_hash,
                    event.hash,
                )
            ]
        )


def _summary(summary: Any) -> str:
    return json.dumps(summary, sort_keys=True, separators=(",", ":"), default=str)
