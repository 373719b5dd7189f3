"""Checkpoints: the chain's head, signed with a key the database does not hold, kept as files.

A checkpoint records how many events the log held (`count`), the last one's id and hash, and the
time, with an HMAC-SHA256 over all of it. The key comes from `ALONGSIDE_AUDIT_KEY` or the file
named by `ALONGSIDE_AUDIT_KEY_FILE` (decision 0011); whoever can change the database cannot make
a checkpoint that verifies without it. Each checkpoint also keeps a short fingerprint of every
event since the one before it (its `trail`, at most `TRAIL_LIMIT` of them), so `verify` can name
the first event of a rewritten chain rather than only the stretch it lies in.

Files are written atomically (a temporary file linked into place) and never overwritten. The
folder is `ALONGSIDE_AUDIT_CHECKPOINTS` (docs/access-and-audit.md, "Checkpoints").
"""

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from alongside.audit.chain import GENESIS, hash_of
from alongside.audit.models import AuditEvent

FORMAT = "alongside-audit-checkpoint/1"
TRAIL_LIMIT = 5000
FINGERPRINT = 16  # hex digits of each event's hash kept in a trail: enough to tell events apart
DEMO_KEY_LABEL = b"alongside audit checkpoints (demo and tests only)"
BATCH = 2000


class CheckpointError(Exception):
    """Something about the set-up is wrong (no key, no folder): the command exits 2."""


class ChainMovedError(Exception):
    """The chain no longer matches the latest checkpoint: refuse to sign over it."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    path: Path
    taken_at: datetime
    count: int
    head_id: int | None
    head_hash: str
    trail_from: int  # the position (1-based) of the trail's first event
    trail: tuple[tuple[int, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class BadCheckpoint:
    path: Path
    why: str


# The key ---------------------------------------------------------------------------------------


def audit_key() -> bytes:
    """The checkpoint key: `ALONGSIDE_AUDIT_KEY`, else the file `ALONGSIDE_AUDIT_KEY_FILE`, else
    (only with DJANGO_DEBUG on: the demo and tests) one derived from the secret key."""
    value: str = getattr(settings, "ALONGSIDE_AUDIT_KEY", "") or ""
    key_file: str = getattr(settings, "ALONGSIDE_AUDIT_KEY_FILE", "") or ""
    if not value and key_file:
        try:
            value = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise CheckpointError(
                f"ALONGSIDE_AUDIT_KEY_FILE={key_file}: cannot read the audit key ({error.strerror})"
            ) from None
        if not value:
            raise CheckpointError(f"ALONGSIDE_AUDIT_KEY_FILE={key_file}: the file is empty")
    if value:
        if len(value) < 32:
            raise CheckpointError(
                "the audit key (ALONGSIDE_AUDIT_KEY or its file) must be at least 32 characters"
            )
        return value.encode()
    if settings.DEBUG:
        return hmac.new(settings.SECRET_KEY.encode(), DEMO_KEY_LABEL, hashlib.sha256).digest()
    raise CheckpointError(
        "no audit key: set ALONGSIDE_AUDIT_KEY, or ALONGSIDE_AUDIT_KEY_FILE to a file holding "
        "it, kept outside the database (see docs/access-and-audit.md, Checkpoints)"
    )


def key_id(key: bytes) -> str:
    """A short name for a key, stored beside each signature, so a wrong key is told apart."""
    return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:12]


def _sign(key: bytes, body: dict[str, Any]) -> str:
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


# The folder ------------------------------------------------------------------------------------


def checkpoint_folder(folder: str | Path | None = None, *, create: bool = False) -> Path:
    """The checkpoint folder (given, or `ALONGSIDE_AUDIT_CHECKPOINTS`)."""
    path = Path(folder if folder is not None else settings.ALONGSIDE_AUDIT_CHECKPOINTS)
    if create and folder is None:
        path.mkdir(parents=True, exist_ok=True, mode=0o750)
    if path.exists() and not path.is_dir():
        raise CheckpointError(f"{path}: the checkpoint folder is not a folder")
    if folder is not None and not path.is_dir():
        raise CheckpointError(f"{path}: no such checkpoint folder")
    return path


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


def read_checkpoint(path: Path, key: bytes) -> Checkpoint | BadCheckpoint:
    """One checkpoint file, checked: its signature, then its fields."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return BadCheckpoint(path, f"it cannot be read as a checkpoint ({error})")
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return BadCheckpoint(path, f"it is not a checkpoint (format is not {FORMAT})")
    mac = body.pop("mac", None)
    if body.get("key_id") != key_id(key):
        return BadCheckpoint(path, "it was signed with a different key, or its key id was changed")
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _sign(key, body)):
        return BadCheckpoint(
            path, "its signature does not match: it was changed after it was written"
        )
    try:
        return Checkpoint(
            path=path,
            taken_at=datetime.fromisoformat(body["taken_at"]),
            count=int(body["count"]),
            head_id=None if body["head_id"] is None else int(body["head_id"]),
            head_hash=str(body["head_hash"]),
            trail_from=int(body["trail_from"]),
            trail=tuple((int(i), str(h)) for i, h in body["trail"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        return BadCheckpoint(path, f"a field is missing or wrong ({error!r})")


def read_all(folder: Path, key: bytes) -> Iterator[Checkpoint | BadCheckpoint]:
    for path in _files(folder):
        yield read_checkpoint(path, key)


def latest(folder: Path, key: bytes) -> Checkpoint | BadCheckpoint | None:
    """The newest checkpoint file (names start with the time taken), checked; None when none."""
    files = _files(folder)
    return read_checkpoint(files[-1], key) if files else None


# Taking one ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taken:
    path: Path | None  # None when nothing was written (the head had not moved)
    count: int
    head_id: int | None


def take(*, folder: Path | None = None, only_if_moved: bool = False) -> Taken:
    """Write a checkpoint of the chain's head now.

    Before signing, checks the events since the latest valid checkpoint follow on from it (so a
    rewritten chain is never signed): raises `ChainMovedError` if not. With `only_if_moved`, writes
    nothing when the head is the latest checkpoint's. Raises `CheckpointError` without a key.
    """
    key = audit_key()
    target = checkpoint_folder(folder, create=folder is None)
    previous = _latest_valid(target, key)
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    head_id = head["id"] if head else None
    if only_if_moved and previous is not None and previous.head_id == head_id:
        return Taken(None, previous.count, head_id)
    count, trail_from, trail = _walk_from(previous, head_id)
    now = timezone.now().astimezone(UTC)
    body: dict[str, Any] = {
        "format": FORMAT,
        "taken_at": now.isoformat(),
        "count": count,
        "head_id": head_id,
        "head_hash": head["hash"] if head else GENESIS,
        "trail_from": trail_from,
        "trail": [list(entry) for entry in trail],
        "key_id": key_id(key),
    }
    body["mac"] = _sign(key, body)
    name = f"{now:%Y%m%dT%H%M%S%fZ}-{count:012d}-{secrets.token_hex(3)}.json"
    _write_new(target / name, json.dumps(body, indent=1, sort_keys=True) + "\n")
    return Taken(target / name, count, head_id)


def _latest_valid(folder: Path, key: bytes) -> Checkpoint | None:
    valid = [c for c in read_all(folder, key) if isinstance(c, Checkpoint)]
    return max(valid, key=lambda c: (c.count, c.taken_at)) if valid else None


def _walk_from(
    previous: Checkpoint | None, head_id: int | None
) -> tuple[int, int, list[tuple[int, str]]]:
    """Check the events after `previous` up to `head_id` follow on from it; return the count,
    the trail's first position and the trail (the last TRAIL_LIMIT events walked)."""
    if head_id is None:
        if previous is not None and previous.count:
            raise ChainMovedError(
                f"the log is empty but checkpoint {previous.path.name} recorded "
                f"{previous.count} events"
            )
        return 0, 1, []
    events = AuditEvent.objects.filter(id__lte=head_id)
    count = events.count()
    after_id, expected, position = 0, GENESIS, 0
    if previous is not None and previous.head_id is not None:
        anchor = events.filter(id=previous.head_id).values_list("hash", flat=True).first()
        if anchor != previous.head_hash or events.filter(id__lte=previous.head_id).count() != (
            previous.count
        ):
            raise ChainMovedError(
                f"the log no longer matches checkpoint {previous.path.name}: "
                "run `alongside audit verify`"
            )
        after_id, expected, position = previous.head_id, previous.head_hash, previous.count
    trail: list[tuple[int, str]] = []
    trail_from = position + 1
    while True:
        batch = list(events.filter(id__gt=after_id).order_by("id")[:BATCH])
        if not batch:
            break
        for event in batch:
            position += 1
            computed = hash_of(event)
            if event.previous_hash != expected or event.hash != computed:
                raise ChainMovedError(
                    f"event {event.pk} does not follow the chain: run `alongside audit verify`"
                )
            expected = event.hash
            trail.append((event.pk, event.hash[:FINGERPRINT]))
        after_id = batch[-1].pk
        if len(trail) > TRAIL_LIMIT:
            trail_from += len(trail) - TRAIL_LIMIT
            trail = trail[-TRAIL_LIMIT:]
    return count, trail_from, trail


def _write_new(path: Path, text: str) -> None:
    """Write `path` atomically and only if it does not exist: a temporary file, synced, linked."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o440)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # FileExistsError rather than overwrite
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def set_aside(reason: str) -> Path | None:
    """Rename the configured folder so checkpoints of a log that was deliberately deleted (the
    demo's `--reset`) are kept but no longer compared. Returns the new name, None when absent."""
    folder = checkpoint_folder()
    if not _files(folder):
        return None
    stamp = f"{timezone.now().astimezone(UTC):%Y%m%dT%H%M%SZ}"
    moved = folder.with_name(f"{folder.name}.set-aside-{reason}-{stamp}")
    folder.rename(moved)
    return moved
