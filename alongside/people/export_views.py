"""Download a person's contacts as CSV, for those who may record contacts for them.

The person's words are in the file only where the viewer may read them, and that read is
audited as on the person's page. Cells are escaped against spreadsheet formula injection.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.files import safe_cell
from alongside.people.queries import get_person_for_user
from alongside.relationships.queries import contacts_of
from alongside.support.services import read_contact_notes


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so spreadsheet programs read it right)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response


class _Line:
    """A file-like that hands back what the csv writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def streamed_csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """`csv_response` sent a row at a time as `rows` yields them, for files as long as an
    organisation: the whole file is never held in memory."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Line())
        yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_person_contacts(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("relationships.record_contact", membership, person)
    contacts = list(contacts_of(person).select_related("worker").order_by("-at", "-id"))
    notes = read_contact_notes(
        membership,
        [contact.pk for contact in contacts],
        person_id=person.pk,
        organisation_id=person.organisation_id,
        request_id=request.request_id,
    )
    header = [
        _("When"),
        _("How"),
        _("Minutes"),
        _("Who got in touch"),
        _("Worker"),
        _("Follow up by"),
        _("What they asked for"),
        _("Notes"),
    ]
    rows = (
        [
            timezone.localtime(contact.at).strftime("%Y-%m-%d %H:%M"),
            contact.get_mode_display(),
            contact.minutes,
            contact.get_initiated_by_display(),
            contact.worker.get_full_name() or contact.worker.get_username(),
            contact.follow_up_on.isoformat() if contact.follow_up_on else "",
            notes[contact.pk].asked_for if contact.pk in notes else "",
            notes[contact.pk].text if contact.pk in notes else "",
        ]
        for contact in contacts
    )
    return csv_response(f"contacts-{person.pk}.csv", header, rows)
