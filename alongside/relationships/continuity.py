"""Continuity of relationship: how much a person keeps seeing the same workers.

Pure: plain data in, plain data out, standard library only (no Django), so the app's pages, the
`alongside continuity` command and the benchmark all share these functions.

For one person with N contacts in time order, M distinct workers and n_i contacts with worker i:

- `upc`, the Usual Provider of Care index: the share of contacts with the worker seen most,
  max n_i / N. 1 means every contact was with one worker.
- `coc`, the Bice-Boxerman Continuity of Care index: (sum n_i^2 - N) / (N (N - 1)), the chance
  that two different contacts picked at random were with the same worker. 1 means one worker
  throughout, 0 means a different worker every time. Needs N >= 2.
- `secon`, SEquential CONtinuity: the share of the N - 1 back-to-back pairs of contacts that were
  with the same worker. The only index here that depends on the order of contacts. Needs N >= 2.
- `mmci`, the Modified Modified Continuity Index: (1 - M/(N + 0.1)) / (1 - 1/(N + 0.1)), which
  is (N - M + 0.1) / (N - 0.9). 1 means one worker; it falls as more different workers appear,
  and with a different worker every time it is 0.1 / (N - 0.9).
- `hhi`, the Herfindahl-Hirschman index: sum (n_i / N)^2, how concentrated contacts are on few
  workers. 1 means one worker, 1/M means contacts spread evenly over M workers.
- `named_share`, the St Leonard's index: the share of contacts that were with the person's named
  worker in force at the time. Contacts with no named worker in force are left out; it is
  undefined when no contact had one.

An index that cannot be computed (for example `coc` from a single contact) is None, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from operator import eq, mul

__all__ = [
    "INDEX_NAMES",
    "Aggregate",
    "Continuity",
    "Tallies",
    "aggregate",
    "from_tallies",
    "in_window",
    "measure",
    "next_quarter",
    "quarter_start",
    "tallies_of",
]

INDEX_NAMES: tuple[str, ...] = ("upc", "coc", "secon", "mmci", "hhi", "named_share")


@dataclass(frozen=True, slots=True)
class Continuity:
    """The continuity indices of one person's contacts (see the module docstring)."""

    contacts: int
    """N, the number of contacts."""
    workers: int
    """M, the number of distinct workers seen."""
    upc: float | None
    """Usual Provider of Care: share of contacts with the worker seen most. None when N == 0."""
    coc: float | None
    """Bice-Boxerman Continuity of Care: chance two contacts were with the same worker.
    None when N < 2."""
    secon: float | None
    """Sequential continuity: share of back-to-back contacts with the same worker.
    None when N < 2."""
    mmci: float | None
    """Modified Modified Continuity Index: 1 for one worker, lower with more workers.
    None when N == 0."""
    hhi: float | None
    """Herfindahl-Hirschman index: how concentrated contacts are on few workers.
    None when N == 0."""
    named_share: float | None
    """St Leonard's index: share of contacts with the named worker in force at the time.
    None when no contact had a named worker."""

    def index(self, name: str) -> float | None:
        """The index called `name` (one of INDEX_NAMES)."""
        if name not in INDEX_NAMES:
            raise KeyError(name)
        value: float | None = getattr(self, name)
        return value


def measure(
    workers: Sequence[Hashable], named: Sequence[Hashable | None] | None = None
) -> Continuity:
    """Continuity of one person's contacts.

    `workers` holds the worker of each contact, in time order. `named`, when given, runs
    parallel to it: the person's named worker in force at each contact, or None when there was
    none; contacts with None are left out of `named_share`.
    """
    total = len(workers)
    if named is not None and len(named) != total:
        raise ValueError(f"named has {len(named)} items but workers has {total}")
    counts: dict[Hashable, int] = {}
    get = counts.get
    for worker in workers:
        counts[worker] = get(worker, 0) + 1
    named_share = _named_share(workers, named, counts) if named is not None else None
    if total == 0:
        return Continuity(0, 0, None, None, None, None, None, named_share)
    tallies = list(counts.values())
    squares = sum(map(mul, tallies, tallies))
    distinct = len(tallies)
    if total > 1:
        coc: float | None = (squares - total) / (total * (total - 1))
        secon: float | None = sum(map(eq, workers, islice(workers, 1, None))) / (total - 1)
    else:
        coc = secon = None
    return Continuity(
        contacts=total,
        workers=distinct,
        upc=max(tallies) / total,
        coc=coc,
        secon=secon,
        # (1 - M/(N + 0.1)) / (1 - 1/(N + 0.1)) with top and bottom multiplied by N + 0.1: no
        # cancellation, exactly 1 for one worker and never above it, and 0.1 / (N - 0.9) (to
        # rounding) for a new worker every time.
        mmci=(total - distinct + 0.1) / (total - 1 + 0.1),
        hhi=squares / (total * total),
        named_share=named_share,
    )


@dataclass(frozen=True, slots=True)
class Tallies:
    """The whole numbers every index is made from, additive over workers and days (so they can be
    kept in summary rows and added up in SQL): N, M, sum of n_i^2, max n_i, the back-to-back
    pairs with the same worker, and the contacts with a named worker in force and of those the
    ones with that worker."""

    contacts: int
    workers: int
    squares: int
    most: int
    same_pairs: int
    named_considered: int
    named_matched: int


def from_tallies(t: Tallies) -> Continuity:
    """The indices from their tallies: the same arithmetic as `measure`, so the same floats."""
    total, distinct = t.contacts, t.workers
    named_share = t.named_matched / t.named_considered if t.named_considered else None
    if total == 0:
        return Continuity(0, 0, None, None, None, None, None, named_share)
    if total > 1:
        coc: float | None = (t.squares - total) / (total * (total - 1))
        secon: float | None = t.same_pairs / (total - 1)
    else:
        coc = secon = None
    return Continuity(
        contacts=total,
        workers=distinct,
        upc=t.most / total,
        coc=coc,
        secon=secon,
        mmci=(total - distinct + 0.1) / (total - 1 + 0.1),
        hhi=t.squares / (total * total),
        named_share=named_share,
    )


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter holding `day`."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(start: date) -> date:
    """The first day of the quarter after the one starting on (or holding) `start`."""
    first = quarter_start(start)
    return date(first.year + 1, 1, 1) if first.month == 10 else date(first.year, first.month + 3, 1)


def month_start(day: date) -> date:
    """The first day of the calendar month holding `day`."""
    return day.replace(day=1)


def next_month(start: date) -> date:
    """The first day of the month after the one starting on (or holding) `start`."""
    return date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)


def tallies_of(workers: Sequence[Hashable], named: Sequence[Hashable | None]) -> Tallies:
    """The tallies of one person's contacts (`workers` in time order, `named` parallel to it, as
    for `measure`); `from_tallies(tallies_of(w, n)) == measure(w, n)`."""
    counts: dict[Hashable, int] = {}
    for worker in workers:
        counts[worker] = counts.get(worker, 0) + 1
    tallies = list(counts.values())
    considered = [(w, own) for w, own in zip(workers, named, strict=True) if own is not None]
    return Tallies(
        contacts=len(workers),
        workers=len(tallies),
        squares=sum(n * n for n in tallies),
        most=max(tallies, default=0),
        same_pairs=sum(map(eq, workers, islice(workers, 1, None))),
        named_considered=len(considered),
        named_matched=sum(1 for w, own in considered if w == own),
    )


def _named_share(
    workers: Sequence[Hashable],
    named: Sequence[Hashable | None],
    counts: dict[Hashable, int],
) -> float | None:
    considered = len(named) - named.count(None)
    if considered == 0:
        return None
    if None in counts:
        # A worker of None must not count as matching "no named worker".
        matched = sum(
            1
            for worker, own in zip(workers, named, strict=True)
            if own is not None and worker == own
        )
    else:
        matched = sum(map(eq, workers, named))
    return matched / considered


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Continuity over many people.

    `person_weighted` gives each index's mean over the people for whom it is defined (every
    person counts once); `contact_weighted` weights each person's index by their number of
    contacts, so people seen often count for more. An index defined for nobody is None.
    `workers` adds up each person's number of distinct workers (their mean is workers / people).
    """

    people: int
    contacts: int
    person_weighted: dict[str, float | None]
    contact_weighted: dict[str, float | None]
    workers: int = 0


def aggregate(results: Iterable[Continuity]) -> Aggregate:
    """Person-weighted and contact-weighted means of each index over `results`."""
    people = 0
    contacts = 0
    workers = 0
    values: dict[str, list[float]] = {name: [] for name in INDEX_NAMES}
    weighted: dict[str, list[float]] = {name: [] for name in INDEX_NAMES}
    weights: dict[str, int] = dict.fromkeys(INDEX_NAMES, 0)
    for result in results:
        people += 1
        contacts += result.contacts
        workers += result.workers
        for name in INDEX_NAMES:
            value: float | None = getattr(result, name)
            if value is not None:
                values[name].append(value)
                weighted[name].append(value * result.contacts)
                weights[name] += result.contacts
    return Aggregate(
        people=people,
        contacts=contacts,
        person_weighted={
            name: math.fsum(values[name]) / len(values[name]) if values[name] else None
            for name in INDEX_NAMES
        },
        contact_weighted={
            name: math.fsum(weighted[name]) / weights[name] if weights[name] else None
            for name in INDEX_NAMES
        },
        workers=workers,
    )


def in_window[T](
    items: Iterable[T],
    *,
    at: Callable[[T], datetime],
    start: datetime | None,
    end: datetime | None,
) -> list[T]:
    """The items whose `at(item)` falls in [start, end): start inclusive, end exclusive.

    A missing bound leaves that side open. Order is kept.
    """
    return [
        item
        for item in items
        if (start is None or at(item) >= start) and (end is None or at(item) < end)
    ]
