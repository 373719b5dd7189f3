"""The chain's arithmetic: each event's hash covers its content and the previous event's hash.

Fields added after events were first written are hashed only when they hold something
(`source_address`, decision 0023): an event written before the field existed has it empty, so
its hash is what it always was and an old chain still verifies; a newer event's address is
covered by its hash, and blanking it is a change `verify` finds.
"""

import hashlib
import json
from typing import Any

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
    } | ({"source_address": event.source_address} if event.source_address else {})
