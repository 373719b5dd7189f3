"""Walking the audit chain: find the first event whose content, order or presence is wrong."""

from dataclasses import dataclass

from alongside.audit.models import AuditEvent
from alongside.audit.services import GENESIS, event_hash, hashed_fields

BATCH = 2000


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    first_problem: str | None  # None when the chain is intact
    event_id: int | None = None


def verify_chain() -> ChainReport:
    """Recompute every hash in id order.

    - edited: an event's stored hash no longer matches its content;
    - deleted or reordered: an event's `previous_hash` is not the hash of the event before it.
    """
    previous = GENESIS
    count = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            break
        for event in batch:
            count += 1
            if event.previous_hash != previous:
                return ChainReport(
                    count,
                    f"event {event.pk} does not follow the event before it: one was deleted, "
                    "inserted or moved",
                    event.pk,
                )
            expected = event_hash(previous_hash=event.previous_hash, fields=hashed_fields(event))
            if event.hash != expected:
                return ChainReport(
                    count, f"event {event.pk} was changed after it was written", event.pk
                )
            previous = event.hash
        last_id = batch[-1].pk
    return ChainReport(count, None)
