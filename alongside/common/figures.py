"""Figures worked out once and read by many requests (decision 0133).

A coordinator's team pages (the scorecard, the team's learning, team continuity) show aggregates
over a year of a team's contacts, marks and answers: on a national network's data about a
second or more of database work each, the same for every request in the same few minutes. A
function decorated with `keeps` is worked out once per arguments and kept as JSON in
`WorkedOutFigures`; `worked_out` reads the kept figures while they are younger than
`FRESH_FOR`, and once they are older shows them still (with the time they were worked out) while
one background task (`common.tasks.refresh_figures`) works them out again. Figures never kept
before (or kept by an older version of the function) are worked out in the request, as before.

Only figures are kept (counts, shares, labels and dates, no person's words and no model
objects): the function's return type is a dataclass that pydantic reads back from JSON, and the
page checks the reader's permission before it asks, as it did when it worked them out itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, get_type_hints

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from pydantic import TypeAdapter, ValidationError

from alongside.common.models import WorkedOutFigures

log = logging.getLogger(__name__)

T = TypeVar("T")
Argument = int | date | None

FRESH_FOR = timedelta(minutes=10)
"""How long kept figures are shown without asking for new ones."""
KEEP_FOR = timedelta(days=1)
"""Figures no one has asked for in this long (their refresh is what a reader's request queues)
are deleted when the organisation's next figures are worked out: a period asked once is not
kept for ever."""
QUEUE_PATIENCE = timedelta(minutes=10)
"""A refresh queued longer ago than this is taken as lost (a worker stopped) and queued again."""


@dataclass(frozen=True, slots=True)
class Kept[T]:
    figures: T
    worked_out_at: datetime
    refreshing: bool
    """Older than `FRESH_FOR`: newer figures are being worked out in the background."""


@dataclass(frozen=True, slots=True)
class Keeper[T]:
    name: str
    version: int
    compute: Callable[..., T]
    adapter: TypeAdapter[T]


_KEEPERS: dict[str, Keeper[Any]] = {}


def keeps(*, version: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Let `worked_out` keep what the decorated function returns. Its first argument is the
    organisation's id; the rest are ints, dates or None; it returns a dataclass of figures.
    Raise `version` whenever what it returns, or how it is worked out, changes: figures kept by
    another version are not read."""

    def register(compute: Callable[..., T]) -> Callable[..., T]:
        name = f"{compute.__module__}.{compute.__qualname__}"
        adapter: TypeAdapter[T] = TypeAdapter(get_type_hints(compute)["return"])
        _KEEPERS[name] = Keeper(name, version, compute, adapter)
        return compute

    return register


def _keeper[T](compute: Callable[..., T]) -> Keeper[T]:
    keeper = _KEEPERS.get(f"{compute.__module__}.{compute.__qualname__}")
    if keeper is None or keeper.compute is not compute:
        raise TypeError(f"{compute.__qualname__} is not decorated with @keeps")
    return keeper


def _encode(argument: Argument) -> int | str | None:
    if isinstance(argument, date) and not isinstance(argument, datetime):
        return f"date:{argument.isoformat()}"
    if argument is None or (isinstance(argument, int) and not isinstance(argument, bool)):
        return argument
    raise TypeError(f"Figures are kept by ints, dates and None, not {type(argument).__name__}")


def _decode(argument: int | str | None) -> Argument:
    if isinstance(argument, str):
        return date.fromisoformat(argument.removeprefix("date:"))
    return argument


def _key(keeper: Keeper[Any], organisation_id: int, arguments: list[int | str | None]) -> str:
    encoded = json.dumps(arguments, separators=(",", ":"))
    return f"{keeper.name}:v{keeper.version}:{organisation_id}:{encoded}"


def _work_out[T](
    keeper: Keeper[T], organisation_id: int, arguments: list[int | str | None], key: str
) -> tuple[T, datetime]:
    figures = keeper.compute(organisation_id, *(_decode(a) for a in arguments))
    now = timezone.now()
    WorkedOutFigures.objects.filter(
        organisation_id=organisation_id, worked_out_at__lt=now - KEEP_FOR
    ).exclude(key=key).delete()
    WorkedOutFigures.objects.update_or_create(
        key=key,
        defaults={
            "organisation_id": organisation_id,
            "name": keeper.name,
            "arguments": arguments,
            "figures": keeper.adapter.dump_python(figures, mode="json"),
            "worked_out_at": now,
            "queued_at": None,
        },
    )
    return figures, now


def _read[T](keeper: Keeper[T], row: WorkedOutFigures) -> T | None:
    try:
        return keeper.adapter.validate_python(row.figures)
    except ValidationError:
        log.warning("Kept figures %s no longer read back; working them out again", keeper.name)
        return None


def worked_out[T](
    compute: Callable[..., T],
    organisation_id: int,
    *arguments: Argument,
    fresh_for: timedelta = FRESH_FOR,
) -> Kept[T]:
    """`compute(organisation_id, *arguments)`, kept: see the module's docstring."""
    keeper, encoded, key, row = _kept_row(compute, organisation_id, arguments)
    figures = _read(keeper, row) if row is not None else None
    if row is None or figures is None:
        fresh, at = _work_out(keeper, organisation_id, encoded, key)
        return Kept(fresh, at, refreshing=False)
    now = timezone.now()
    if row.worked_out_at >= now - fresh_for:
        return Kept(figures, row.worked_out_at, refreshing=False)
    _queue_refresh(row, now)
    return Kept(figures, row.worked_out_at, refreshing=True)


def _kept_row[T](
    compute: Callable[..., T], organisation_id: int, arguments: tuple[Argument, ...]
) -> tuple[Keeper[T], list[int | str | None], str, WorkedOutFigures | None]:
    keeper = _keeper(compute)
    encoded = [_encode(a) for a in arguments]
    key = _key(keeper, organisation_id, encoded)
    row = WorkedOutFigures.objects.filter(key=key, organisation_id=organisation_id).first()
    return keeper, encoded, key, row


def keep_ahead(compute: Callable[..., Any], organisation_id: int, *arguments: Argument) -> bool:
    """Work out and keep what `worked_out(compute, organisation_id, *arguments)` will read,
    unless figures younger than `FRESH_FOR` are kept already: for a page's first reader, ahead
    of them (`insights.tasks.keep_team_figures`, decision 0138). True when worked out."""
    keeper, encoded, key, row = _kept_row(compute, organisation_id, arguments)
    if (
        row is not None
        and row.worked_out_at >= timezone.now() - FRESH_FOR
        and _read(keeper, row) is not None
    ):
        return False
    _work_out(keeper, organisation_id, encoded, key)
    return True


def _queue_refresh(row: WorkedOutFigures, now: datetime) -> None:
    """Queue one refresh of `row` unless one is already waiting."""
    from alongside.common.tasks import refresh_figures

    waiting = Q(queued_at__isnull=False, queued_at__gte=now - QUEUE_PATIENCE)
    if WorkedOutFigures.objects.filter(pk=row.pk).exclude(waiting).update(queued_at=now):
        key = row.key
        transaction.on_commit(lambda: refresh_figures.enqueue(key))


def refresh(key: str) -> bool:
    """Work the figures kept under `key` out again (the background task's work). False when they
    are gone, or were kept by a function this code no longer has."""
    row = WorkedOutFigures.objects.filter(key=key).first()
    if row is None:
        return False
    if row.name not in _KEEPERS and row.name.startswith("alongside."):
        import_string(row.name)  # registers it
    keeper = _KEEPERS.get(row.name)
    if keeper is None or _key(keeper, row.organisation_id, row.arguments) != key:
        row.delete()
        return False
    _work_out(keeper, row.organisation_id, row.arguments, key)
    return True


def forget(compute: Callable[..., Any], organisation_id: int) -> None:
    """Drop what `compute` kept for the organisation, so the next page works it out: for a write
    the person who made it expects to see at once."""
    WorkedOutFigures.objects.filter(
        organisation_id=organisation_id, name=_keeper(compute).name
    ).delete()
