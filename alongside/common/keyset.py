"""Keyset pagination: a long list read a page at a time from where the last page ended
(decision 0114).

A page is asked for with a cursor: the ordering key of the row it starts after (or, going back,
before) and the direction. The database seeks to that key in the index that matches the list's
ordering and reads one page, so the thousandth page costs what the first does; OFFSET would read
and throw away every row before it.

The cursor is opaque and tamper-checked: a Fernet token (AES with HMAC-SHA256) under a key
derived from Django's secret key, holding the key values, the direction and the list it belongs
to (`scope`). A name in the key never shows in an address or a log, and a cursor changed by
hand, cut short or taken from another list is refused with `BadCursor`, which the pages and the
API answer with a plain-English 400.

The list's ordering is the query set's `order_by`: field names (with `-` for descending, related
fields with `__`, or annotations by name), every one NOT NULL, ending with the primary key so
that the key is unique. Each list needs an index that starts with its filter and follows that
ordering; the plan tests check it (`testing/plans.py`).
"""

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, overload

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

KEY_SALT = "alongside.common.keyset"
MAX_CURSOR_LENGTH = 600  # a Fernet token of a few key values is under 300 characters
AFTER, BEFORE = "a", "b"


class BadCursor(ValueError):
    """A cursor that was not made by this list: changed, cut short or from another list."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This link to a page of the list is not valid: it was changed, cut short or "
                "belongs to another list. Start again from the first page."
            )
        )


@dataclass(frozen=True, slots=True)
class Order:
    """One term of a list's ordering: a field path or annotation, and its direction."""

    name: str
    descending: bool

    @classmethod
    def read(cls, term: object) -> "Order":
        if not isinstance(term, str) or term.startswith("?"):
            raise TypeError(f"keyset ordering must be field names, not {term!r}")
        return cls(term.lstrip("-"), term.startswith("-"))

    def value_of(self, row: Model) -> object:
        value: Any = row
        for part in self.name.split("__"):
            value = value.pk if part == "pk" else getattr(value, part)
        if value is None:
            raise ValueError(f"keyset ordering needs NOT NULL values; {self.name} is null")
        return value


def ordering_of(rows: QuerySet[Any]) -> tuple[Order, ...]:
    order = tuple(Order.read(term) for term in rows.query.order_by)
    if not order or order[-1].name not in ("pk", "id"):
        raise TypeError("a keyset list is ordered explicitly and ends with its primary key")
    return order


def _fernet() -> Fernet:
    digest = salted_hmac(KEY_SALT, "cursor", settings.SECRET_KEY, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _plain(value: object) -> list[object]:
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a keyset value must be text, a number, a date or a time: {value!r}")
    return ["v", value]


def _typed(cell: object) -> object:
    if not isinstance(cell, list) or len(cell) != 2:
        raise ValueError(cell)
    kind, value = cell
    if kind == "t" and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind == "d" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "v" and isinstance(value, int | str) and not isinstance(value, bool):
        return value
    raise ValueError(cell)


def make_cursor(scope: str, direction: str, key: Sequence[object]) -> str:
    payload = {"s": scope, "d": direction, "k": [_plain(value) for value in key]}
    token = _fernet().encrypt(json.dumps(payload, separators=(",", ":")).encode())
    return token.decode("ascii").rstrip("=")  # no padding: nothing to escape in an address


def read_cursor(scope: str, cursor: str, width: int) -> tuple[str, tuple[object, ...]]:
    """The direction and key a cursor holds, or `BadCursor`."""
    if len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        raise BadCursor
    try:
        token = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(_fernet().decrypt(token.encode("ascii")))
        if payload["s"] != scope or payload["d"] not in (AFTER, BEFORE):
            raise ValueError(payload)
        key = tuple(_typed(cell) for cell in payload["k"])
    except (InvalidToken, ValueError, KeyError, TypeError):
        raise BadCursor from None
    if len(key) != width:
        raise BadCursor
    return payload["d"], key


def beyond(order: Sequence[Order], key: Sequence[object], *, backwards: bool = False) -> Q:
    """Rows strictly after `key` in `order` (before it when `backwards`).

    The expanded form (a > x) OR (a = x AND b > y) OR ..., with the first column's bound
    (a >= x) as well, which both engines use as the index's range condition."""

    def past(term: Order) -> str:
        return "lt" if term.descending != backwards else "gt"

    first = order[0]
    within = Q(**{f"{first.name}__{past(first)}e": key[0]})
    either = Q()
    for i, term in enumerate(order):
        same = {earlier.name: value for earlier, value in zip(order[:i], key[:i], strict=True)}
        either |= Q(**same, **{f"{term.name}__{past(term)}": key[i]})
    return within & either


class KeysetPage[T](Sequence[T]):
    """One page of a keyset list: its rows, and the cursors of the pages either side (None at
    either end). Iterate it as a list."""

    def __init__(self, items: list[T], next_cursor: str | None, previous_cursor: str | None):
        self.items = items
        self.next_cursor = next_cursor
        self.previous_cursor = previous_cursor

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)


def keyset_page[T: Model](
    rows: QuerySet[T], cursor: str | None, *, size: int, scope: str
) -> KeysetPage[T]:
    """The page of `rows` (ordered as `ordering_of` needs) that `cursor` names, or the first page
    when it is empty. One query: `size + 1` rows from the index, the extra one telling whether
    there is more. `scope` names the list (and whatever narrows it, such as the person whose
    contacts they are) so a cursor from one list is refused by another."""
    order = ordering_of(rows)
    direction, key = read_cursor(scope, cursor, len(order)) if cursor else (AFTER, ())
    backwards = direction == BEFORE
    wanted = rows.filter(beyond(order, key, backwards=backwards)) if key else rows
    found = list((wanted.reverse() if backwards else wanted)[: size + 1])
    if backwards and not found:  # nothing before it any more: the first page
        return keyset_page(rows, None, size=size, scope=scope)
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    if not found:
        # Past the end (the rows after the key went away): the way back only.
        return KeysetPage([], None, make_cursor(scope, BEFORE, key) if key else None)
    page = keyset_around(rows, found, scope=scope, first=not (more if backwards else bool(key)))
    if not backwards and not more:
        page.next_cursor = None
    return page


def keyset_around[T: Model](
    rows: QuerySet[T], found: list[T], *, scope: str, first: bool
) -> KeysetPage[T]:
    """`found`, a page of `rows` however it was read, with the cursors after its last row and,
    unless it is the `first` page, before its first row."""
    if not found:
        return KeysetPage([], None, None)
    order = ordering_of(rows)

    def at(row: T, towards: str) -> str:
        return make_cursor(scope, towards, [term.value_of(row) for term in order])

    return KeysetPage(found, at(found[-1], AFTER), None if first else at(found[0], BEFORE))


def position_page[T](
    rows: Sequence[T], cursor: str | None, *, size: int, scope: str
) -> KeysetPage[Any]:
    """A page of a short list ranked in Python (search results, at most a few hundred): the
    same cursors and page, holding a position instead of a key."""
    scope = f"{scope}:position"
    direction, key = read_cursor(scope, cursor, 1) if cursor else (AFTER, (0,))
    (at,) = key
    if not isinstance(at, int) or at < 0:
        raise BadCursor
    start = at if direction == AFTER else max(0, at - size)
    found = list(rows[start : start + size])
    end = start + len(found)
    return KeysetPage(
        found,
        make_cursor(scope, AFTER, [end]) if found and end < len(rows) else None,
        make_cursor(scope, BEFORE, [start]) if start > 0 else None,
    )


def runs_page[T: Model](
    runs: Sequence[QuerySet[T]], cursor: str | None, *, size: int, scope: str
) -> KeysetPage[T]:
    """A page of several keyset lists read one after another, as one list: the first run's
    rows, then the second's, ... (a list ranked by a few values, such as the safeguarding
    concerns, open ones first: a run per value, each on its index; decision 0128).

    Every run has the same ordering (as `keyset_page` needs). The cursor holds the run and the
    key within it. A page reads the run it starts in from the key and, when that run ends
    before the page is full, the next runs from their start: one query, or one per run the
    page reaches into, each a range of `size + 1` rows at most on the run's index."""
    scope = f"{scope}:runs"
    order = ordering_of(runs[0])
    for run in runs[1:]:
        if ordering_of(run) != order:
            raise TypeError("the runs of a keyset list share one ordering")
    if cursor:
        direction, held = read_cursor(scope, cursor, len(order) + 1)
        at, *rest = held
        if not isinstance(at, int) or not 0 <= at < len(runs):
            raise BadCursor
        key: tuple[object, ...] = tuple(rest)
    else:
        direction, held, at, key = AFTER, (), 0, ()
    backwards = direction == BEFORE
    found: list[tuple[int, T]] = []
    index = at
    while 0 <= index < len(runs) and len(found) <= size:
        rows = runs[index]
        wanted = rows.filter(beyond(order, key, backwards=backwards)) if key else rows
        wanted = wanted.reverse() if backwards else wanted
        found += [(index, row) for row in wanted[: size + 1 - len(found)]]
        index += -1 if backwards else 1
        key = ()
    more = len(found) > size
    if backwards and not more:  # fewer than a page before it: the first page
        return runs_page(runs, None, size=size, scope=scope.removesuffix(":runs"))
    found = found[:size]
    if backwards:
        found.reverse()
    first_page = not backwards and not cursor

    def at_row(run: int, row: T, towards: str) -> str:
        return make_cursor(scope, towards, [run, *(term.value_of(row) for term in order)])

    if not found:  # past the end (the rows after the key went away): the way back only
        back = None if first_page else make_cursor(scope, BEFORE, held)
        return KeysetPage([], None, back)
    return KeysetPage(
        [row for _, row in found],
        at_row(*found[-1], AFTER) if more or backwards else None,
        None if first_page else at_row(*found[0], BEFORE),
    )
