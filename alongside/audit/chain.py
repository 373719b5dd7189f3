"""The chain's arithmetic: each event's hash covers its content and the previous event's hash.

Each event records the chain version it was hashed under (`AuditEvent.chain_version`), and the
version names the hash algorithm (the crypto inventory, docs/security/crypto.md; decision 0030),
so verification recomputes every event with the algorithm it was written with and a new version
can be introduced without rewriting (or failing) the events before it:

- version 1: SHA-256 over the previous hash and the fields below (events written before
  versions were recorded; the migration that added the field marked every earlier event 1);
- version 2: SHA-256, and the payload names its version, so changing an event's recorded
  version breaks its hash as changing any other field does.

A new version adds a row to `VERSIONS` and becomes `CURRENT`; never change an existing row.
(`AuditEvent.hash` holds 64 hex digits: an algorithm with a longer digest needs a wider field.)

Under every version, fields added after events were first written are hashed only when they
hold something (`source_address`, decision 0023): an event written before the field existed
has it empty, so its hash is what it always was and an old chain still verifies; a newer
event's address is covered by its hash, and blanking it is a change `verify` finds.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from alongside.audit.models import AuditEvent

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainVersion:
    number: int
    algorithm: str  # a hashlib name
    names_version: bool  # the hashed payload includes the version number


VERSIONS: dict[int, ChainVersion] = {
    1: ChainVersion(1, "sha256", names_version=False),
    2: ChainVersion(2, "sha256", names_version=True),
}
CURRENT = 2


def event_hash(*, previous_hash: str, fields: dict[str, Any], version: int = CURRENT) -> str:
    """The hash of an event with `fields` after `previous_hash`, under chain `version`.
    Raises KeyError for a version this code does not know."""
    chain_version = VERSIONS[version]
    if chain_version.names_version:
        fields = {**fields, "chain_version": chain_version.number}
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.new(chain_version.algorithm, f"{previous_hash}|{payload}".encode()).hexdigest()


def hash_of(event: AuditEvent) -> str:
    """What `event`'s hash should be, under the version it records ("" for an unknown version,
    which matches no stored hash: the event reads as changed)."""
    if event.chain_version not in VERSIONS:
        return ""
    return event_hash(
        previous_hash=event.previous_hash, fields=hashed_fields(event), version=event.chain_version
    )


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
