"""Subject access: open a request (the one-month clock), read the record for review (audited),
withhold with a reason (each audited), and produce the answer (JSON, and the PDF drawn from it).
"""

import calendar
import hashlib
import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.dates import date_problem
from alongside.people.models import Person
from alongside.rights.models import (
    RequestStatus,
    SubjectAccessRequest,
    Withholding,
    WithholdReason,
)
from alongside.rights.queries import Flag, Item, PersonRecord, gather_record

FORMAT = "alongside-subject-access/1"
# Reasons under which the item is left out without a trace: saying "we withheld a safeguarding
# record" could itself cause the harm, or tip off (decision 0059).
WITHOUT_TRACE = frozenset({WithholdReason.SERIOUS_HARM, WithholdReason.CRIME})
NAME_WITHHELD = "[name withheld]"


def one_month_after(day: date) -> date:
    """The ICO's month: the same date next month, or that month's last day when it has none."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_request(person: Person, *, by: Membership, received_on: date) -> SubjectAccessRequest:
    """Open a subject access request for `person`, received on `received_on` (answer due one
    month later). Side effects: one request, one audit event."""
    problem = date_problem(received_on)
    if problem:
        raise ValidationError({"received_on": problem})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Enter today or a day in the past.")})
    if person.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another: open the request there."))
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            received_on=received_on,
            due_on=one_month_after(received_on),
            opened_by=by.user,
        )
        record(
            request,
            action=actions.RIGHTS_SUBJECT_ACCESS_OPENED,
            by=by,
            summary={"request": request.pk, "due_on": str(request.due_on)},
        )
    return request


def read_record_for_review(request: SubjectAccessRequest, *, by: Membership) -> PersonRecord:
    """The person's whole record for the data lead's review. Every sphere is read, so every
    read is audited (`rights.record.viewed`: the request and how many items, never content)."""
    found = gather_record(request.person, viewer=by)
    with transaction.atomic():
        record(
            request,
            action=actions.RIGHTS_RECORD_VIEWED,
            by=by,
            summary={"request": request.pk, "items": len(found.items)},
        )
    return found


def decide(
    request: SubjectAccessRequest,
    *,
    by: Membership,
    decisions: dict[str, tuple[str, str]],
    flags: list[Flag],
) -> list[Withholding]:
    """Record what is withheld: item key -> (choice, reason). Choice "give" gives it as it is,
    "names" gives it with other people's names taken out, "withhold" leaves it out. Every
    withholding is audited (the item's key and the reason code). Replaces earlier decisions."""
    if request.status != RequestStatus.REVIEWING:
        raise ValidationError(_("This request has been answered: its decisions are final."))
    flagged = {flag.item.key for flag in flags}
    errors: dict[str, str] = {}
    chosen: list[tuple[str, str, bool]] = []
    for key, (choice, reason) in decisions.items():
        if key not in flagged:
            raise ValidationError(_("Choose only among the items listed for review."))
        if choice == "give":
            continue
        if choice == "names":
            chosen.append((key, WithholdReason.THIRD_PARTY, True))
        elif choice == "withhold":
            if reason not in WithholdReason.values:
                errors[key] = _("Say why it is withheld.")
            chosen.append((key, reason, False))
        else:
            raise ValidationError(_("Choose give, take out names or withhold."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.withholdings.all().delete()
        made = Withholding.objects.bulk_create(
            [
                Withholding(
                    request=request,
                    item=key,
                    reason=reason,
                    names_only=names_only,
                    decided_by=by.user,
                )  # fmt: skip
                for key, reason, names_only in chosen
            ]
        )
        for withholding in made:
            record(
                request,
                action=actions.RIGHTS_SUBJECT_ACCESS_WITHHELD,
                by=by,
                summary={
                    "request": request.pk,
                    "item": withholding.item,
                    "reason": withholding.reason,
                    "names_only": withholding.names_only,
                },
            )
    return made


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _redact(value: Any, names: list[str]) -> Any:
    if not isinstance(value, str):
        return value
    for name in sorted(names, key=len, reverse=True):
        # Case-insensitive: the name as it was written, one name at a time, longest first.
        value = re.sub(re.escape(name), NAME_WITHHELD, value, flags=re.IGNORECASE)
    return value


def build_answer(
    request: SubjectAccessRequest, found: PersonRecord, *, organisation_name: str
) -> dict[str, Any]:
    """The answer as plain data (the JSON file; the PDF is drawn from it)."""
    withheld = {w.item: w for w in request.withholdings.all()}
    names_in = {flag.item.key: flag.names for flag in found.flags}
    sections = []
    for title, sphere, items in found.sections():
        shown = []
        for item in items:
            entry = _entry(item, withheld.get(item.key), names_in.get(item.key, []))
            if entry is not None:
                shown.append(entry)
        if shown:
            sections.append({"title": title, "sphere": sphere, "items": shown})
    return {
        "format": FORMAT,
        "organisation": organisation_name,
        "produced_at": timezone.localtime().isoformat(),
        "request": {
            "id": request.pk,
            "received_on": request.received_on.isoformat(),
            "due_on": request.due_on.isoformat(),
        },
        "person": {"id": found.person.pk, "name": found.person.display_name},
        "sections": sections,
        "who_saw": [
            {"at": _plain(line.at), "who": line.who, "role": line.role, "did": line.did}
            for line in found.who_saw
        ],
    }


def _entry(item: Item, withholding: Withholding | None, names: list[str]) -> dict[str, Any] | None:
    if withholding is not None and not withholding.names_only:
        if withholding.reason in WITHOUT_TRACE:
            return None
        return {
            "id": item.key,
            "withheld": {
                "reason": withholding.reason,
                "words": str(WithholdReason(withholding.reason).label),
            },
            "fields": [],
        }
    redact = withholding is not None and withholding.names_only
    return {
        "id": item.key,
        "withheld": None,
        "names_taken_out": redact,
        "fields": [
            {
                "name": value.name,
                "label": value.label,
                "value": _plain(_redact(value.value, names) if redact else value.value),
            }
            for value in item.fields
        ],
    }


def answer_request(request: SubjectAccessRequest, *, by: Membership) -> SubjectAccessRequest:
    """Produce the answer: gather the record again, apply the withholdings, keep the JSON with
    the request and its digest in the audit event. Side effects: the request is answered; one
    audit event (counts and the digest, never content)."""
    if request.status != RequestStatus.REVIEWING:
        raise ValidationError(_("This request has already been answered."))
    found = gather_record(request.person, viewer=by)
    answer = build_answer(request, found, organisation_name=by.organisation.name)
    digest = hashlib.sha256(answer_bytes(answer)).hexdigest()
    with transaction.atomic():
        request.status = RequestStatus.ANSWERED
        request.answered_by = by.user
        request.answered_at = timezone.now()
        request.answer = answer
        request.answer_digest = digest
        request.save(
            update_fields=["status", "answered_by", "answered_at", "answer", "answer_digest"]
        )
        record(
            request,
            action=actions.RIGHTS_SUBJECT_ACCESS_ANSWERED,
            by=by,
            summary={
                "request": request.pk,
                "items": sum(len(s["items"]) for s in answer["sections"]),
                "withheld": request.withholdings.count(),
                "sha256": digest,
            },
        )
    return request


def answer_bytes(answer: dict[str, Any]) -> bytes:
    return json.dumps(answer, ensure_ascii=False, indent=2, sort_keys=True).encode()


def download_answer(request: SubjectAccessRequest, *, by: Membership, kind: str) -> dict[str, Any]:
    """The kept answer, for a download (audited: which file)."""
    if request.status != RequestStatus.ANSWERED or request.answer is None:
        raise ValidationError(_("There is no answer to download yet."))
    with transaction.atomic():
        record(
            request,
            action=actions.RIGHTS_SUBJECT_ACCESS_DOWNLOADED,
            by=by,
            summary={"request": request.pk, "file": kind},
        )
    answer: dict[str, Any] = request.answer
    return answer
