"""Walking the audit chain: find the first event whose content, order or presence is wrong.

The chain alone finds an event changed, deleted or moved in the middle. It cannot find events
cut off the end, or a chain recomputed after an edit: for those, the chain is compared with the
signed checkpoints (`checkpoints.py`): at each checkpoint's position the event must be the one it
names, with the hash it recorded, and so must every event in its trail.
"""

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from alongside.audit.chain import GENESIS, hash_of
from alongside.audit.checkpoints import (
    BadCheckpoint,
    Checkpoint,
    audit_key,
    checkpoint_folder,
    read_all,
)
from alongside.audit.models import AuditEvent

BATCH = 2000


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    first_problem: str | None  # None when the chain is intact
    event_id: int | None = None
    checkpoints: int = 0  # how many checkpoints the chain was compared with
    latest: Checkpoint | None = None  # the newest of them, by the time it was taken


@dataclass(frozen=True, slots=True)
class _Expected:
    event_id: int
    hash: str  # the full hash at a checkpoint's head, a fingerprint (prefix) in a trail
    checkpoint: Checkpoint


def _when(checkpoint: Checkpoint) -> str:
    return f"the checkpoint taken {checkpoint.taken_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def verify_chain(folder: Path | None = None) -> ChainReport:
    """Recompute every hash in id order, and compare the chain with every checkpoint.

    - edited: an event's stored hash no longer matches its content;
    - deleted or reordered: an event's `previous_hash` is not the hash of the event before it;
    - recomputed after an edit, or events deleted and the chain re-linked: the event at a
      checkpoint's position (or in its trail) is not the one it recorded;
    - cut off the end: the log holds fewer events than a checkpoint recorded;
    - a checkpoint whose signature fails is itself the first problem.

    Reads the checkpoints from `folder` (default `ALONGSIDE_AUDIT_CHECKPOINTS`); with no
    checkpoint files it needs no key. Raises `CheckpointError` when files exist but no key does.
    """
    found = list(_checkpoints(checkpoint_folder(folder)))
    bad = [c for c in found if isinstance(c, BadCheckpoint)]
    good = [c for c in found if isinstance(c, Checkpoint)]
    latest = max(good, key=lambda c: c.taken_at) if good else None
    if bad:
        return ChainReport(
            0, f"checkpoint {bad[0].path.name} is not to be trusted: {bad[0].why}", None, len(good)
        )
    expected = _expectations(good)
    previous, count, last_id = GENESIS, 0, 0
    vouched: int | None = None  # the last event a checkpoint vouched for
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
                    len(good),
                    latest,
                )
            computed = hash_of(event)
            if event.hash != computed:
                return ChainReport(
                    count,
                    f"event {event.pk} was changed after it was written",
                    event.pk,
                    len(good),
                    latest,
                )
            want = expected.get(count)
            if want is not None:
                if want.event_id != event.pk or not event.hash.startswith(want.hash):
                    since = f" (event {vouched} and those before it match)" if vouched else ""
                    return ChainReport(
                        count,
                        f"event {event.pk} is not the event number {count} that {_when(want.checkpoint)} "
                        f"recorded (event {want.event_id}): events were changed, deleted or moved "
                        f"and the chain recomputed{since}",
                        event.pk,
                        len(good),
                        latest,
                    )
                vouched = event.pk
            previous = event.hash
        last_id = batch[-1].pk
    longest = max(good, key=lambda c: c.count) if good else None
    if longest is not None and longest.count > count:
        missing = expected.get(count + 1)
        which = f"event {missing.event_id}" if missing else f"event number {count + 1}"
        return ChainReport(
            count,
            f"{which} is missing: the log holds {count} events but {_when(longest)} recorded "
            f"{longest.count} (up to event {longest.head_id}): events were cut off the end",
            missing.event_id if missing else None,
            len(good),
            latest,
        )
    return ChainReport(count, None, None, len(good), latest)


def _checkpoints(folder: Path) -> list[Checkpoint | BadCheckpoint]:
    files = (
        [p for p in folder.glob("*.json") if not p.name.startswith(".")] if folder.is_dir() else []
    )
    if not files:
        return []
    return list(read_all(folder, audit_key()))


def _expectations(checkpoints: list[Checkpoint]) -> dict[int, _Expected]:
    """Position -> the event a checkpoint says is there. Heads (full hashes) win over trails."""
    expected: dict[int, _Expected] = {}
    for checkpoint in sorted(checkpoints, key=lambda c: c.taken_at):
        for offset, (event_id, fingerprint) in enumerate(checkpoint.trail):
            expected.setdefault(
                checkpoint.trail_from + offset, _Expected(event_id, fingerprint, checkpoint)
            )
    for checkpoint in checkpoints:
        if checkpoint.count and checkpoint.head_id is not None:
            expected[checkpoint.count] = _Expected(
                checkpoint.head_id, checkpoint.head_hash, checkpoint
            )
    return expected
