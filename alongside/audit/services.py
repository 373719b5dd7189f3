"""Writing audit events. Call `record` inside the same transaction as the change it describes."""

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from alongside.audit.models import AuditEvent

GENESIS = "0" * 64


def event_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{payload}".encode()).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "organisation": event.organisation_id,
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": str(event.subject_id),
        "person": event.person_id,
        "sphere": event.sphere,
        "summary": event.summary,
        "request_id": event.request_id,
        "at": event.at.isoformat(),
    }


def record(
    subject: models.Model,
    *,
    action: str,
    actor: Any,
    organisation_id: int,
    person_id: int | None = None,
    summary: dict[str, Any] | None = None,
    request_id: str = "",
) -> AuditEvent:
    """Append one event about a change to `subject`. Must run inside the caller's transaction.

    `summary` never holds sensitive free text: field names and ids only.
    Side effects: one AuditEvent row; locks the chain's tail until the transaction ends.
    """
    return _append(
        action=action,
        actor=actor,
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        person_id=person_id,
        sphere=str(getattr(subject, "SPHERE", "shared")),
        summary=summary or {},
        request_id=request_id,
    )


def _append(
    *,
    action: str,
    actor: Any,
    organisation_id: int,
    subject_type: str,
    subject_id: str,
    person_id: int | None,
    sphere: str,
    summary: dict[str, Any],
    request_id: str,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "audit events must be written inside the transaction that makes the change"
        )
    tail = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
    event = AuditEvent(
        organisation_id=organisation_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        person_id=person_id,
        sphere=sphere,
        summary=summary,
        request_id=request_id,
        at=timezone.now(),
        previous_hash=tail.hash if tail else GENESIS,
    )
    event.hash = event_hash(previous_hash=event.previous_hash, fields=hashed_fields(event))
    event.save(force_insert=True)
    return event


def record_read(
    model: type[models.Model],
    ids: list[int],
    *,
    actor: Any,
    organisation_id: int,
    person_id: int | None,
    request_id: str = "",
) -> AuditEvent | None:
    """Audit that `actor` read these support or safeguarding records: one event per page, not per row.

    Action `<app>.<model>.viewed`; summary holds the ids, never the text. Opens its own
    transaction (a read has none). Side effects: one AuditEvent when `ids` is not empty.
    """
    if not ids:
        return None
    label = model._meta.label_lower
    with transaction.atomic():
        return _append(
            action=f"{label}.viewed",
            actor=actor,
            organisation_id=organisation_id,
            subject_type=label,
            subject_id=str(person_id if person_id is not None else ids[0]),
            person_id=person_id,
            sphere=str(getattr(model, "SPHERE", "shared")),
            summary={"ids": sorted(ids)},
            request_id=request_id,
        )
