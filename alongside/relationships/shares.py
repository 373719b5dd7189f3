"""The named-worker share over a window, read from the continuity summary's finished rows
(decision 0130), for the figures that need only that share, the people and their workers: the
learning report's continuity section and its trend, and the outcome figures' associations.

A person's named-worker share over a window is `named_matched / named_considered`, both summed
over the window (`continuity.from_tallies`), so it needs no per-worker tally: the finished
quarter rows (`ContinuityQuarter`, one per person and quarter) give the whole quarters inside the
window, the finished month rows (`ContinuityMonth`) the whole months outside them and the day
rows (`ContinuityDay`) the days left at either end, the window `continuity_over_days` reads
(`queries._parts`). Only the number of different workers each person saw needs the rows per
worker. `continuity_summary` and `continuity_by_quarter`, which average every index, are the
reference these are tested against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from alongside.relationships.continuity import (
    month_start,
    next_month,
    next_quarter,
    quarter_start,
)
from alongside.relationships.models import ContinuityDay, ContinuityMonth, ContinuityQuarter
from alongside.relationships.queries import _parts, _where


def _date(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def shares_sql(
    organisation_id: int,
    start: date,
    end: date,
    *,
    everyone: bool = False,
    people: tuple[str, list[Any]] | None = None,
) -> tuple[str, list[Any]]:
    """Per person on the local days [start, end): `person_id`, `matched`, `considered` and
    `contacts`, summed from the finished quarter rows of the whole quarters inside, the finished
    month rows of the whole months outside them and the day rows of the days left at either end.
    Only the people with a named worker considered, unless `everyone`; only the people `people`
    names (a subquery's SQL and parameters, one column of person ids), when given: each part
    then reads those people's rows from its `(person, day)` index, not the organisation's."""
    parts: list[str] = []
    params: list[Any] = []
    considered = "" if everyone else " AND named_considered > 0"
    if people is not None:
        considered += f" AND person_id IN ({people[0]})"

    def add(model: Any, column: str, low: date, high: date) -> None:
        if low >= high:
            return
        parts.append(
            "SELECT person_id, named_matched, named_considered, contacts"  # noqa: S608 - names and whole numbers from the code; values are parameters
            f" FROM {model._meta.db_table}"
            f" WHERE organisation_id = {int(organisation_id)} AND {column} >= %s"
            f" AND {column} < %s{considered}"
        )
        params.extend([_date(low), _date(high), *(people[1] if people is not None else [])])

    def by_month(low: date, high: date) -> None:
        first = low if low == month_start(low) else next_month(low)
        last = month_start(high)
        if last <= first:  # no whole month inside: day rows only
            add(ContinuityDay, "day", low, high)
            return
        add(ContinuityDay, "day", low, first)
        add(ContinuityMonth, "month", first, last)
        add(ContinuityDay, "day", last, high)

    first = start if start == quarter_start(start) else next_quarter(start)
    last = quarter_start(end)
    if last <= first:  # no whole quarter inside
        by_month(start, end)
    else:
        by_month(start, first)
        add(ContinuityQuarter, "quarter", first, last)
        by_month(last, end)
    if not parts:  # an empty window: no rows
        parts.append(
            "SELECT person_id, named_matched, named_considered, contacts"  # noqa: S608 - a table name
            f" FROM {ContinuityDay._meta.db_table} WHERE 0 = 1"
        )
    sql = (
        "SELECT person_id, SUM(named_matched) AS matched, SUM(named_considered) AS considered,"  # noqa: S608
        f" SUM(contacts) AS contacts FROM ({' UNION ALL '.join(parts)}) AS share_rows"
        " GROUP BY person_id"
    )
    return sql, params


@dataclass(frozen=True, slots=True)
class NamedShares:
    """Over the people with contacts in a window: how many, the different workers each saw
    summed over them (0 unless asked for), and the mean of the named-worker shares of those with
    a named worker considered (None when none had), as `aggregate` gives `people`, `workers`
    and `person_weighted["named_share"]`."""

    people: int
    workers: int
    share: float | None


_SHARE = "CAST(matched AS DOUBLE PRECISION) / considered"
_MEAN_SQL = (
    "COUNT(*), SUM(workers),"
    f" SUM(CASE WHEN considered > 0 THEN {_SHARE} END),"
    " SUM(CASE WHEN considered > 0 THEN 1 ELSE 0 END)"
)


def _of(row: Any) -> NamedShares:
    people, workers, total, count = row
    return NamedShares(
        int(people or 0), int(workers or 0), float(total) / int(count) if count else None
    )


def named_shares(
    organisation_id: int, *, start: date, end: date, workers: bool = False
) -> NamedShares:
    """`NamedShares` over the local days [start, end), in one query: from the finished rows, or,
    when `workers` is asked for, from the rows per worker (`continuity_over_days`'s parts) grouped
    once per person."""
    if workers:
        parts, params = [], []
        for model, column, _first_day, low, high in _parts(start, end):
            where, found = _where(organisation_id, column, low, high, None)
            parts.append(
                "SELECT person_id, worker_id, contacts, named_considered, named_matched"  # noqa: S608 - see `_where`
                f" FROM {model._meta.db_table} WHERE {where}"
            )
            params.extend(found)
        people = (
            "SELECT COUNT(DISTINCT worker_id) AS workers, SUM(named_matched) AS matched,"  # noqa: S608
            " SUM(named_considered) AS considered, SUM(contacts) AS contacts"
            f" FROM ({' UNION ALL '.join(parts)}) AS window_rows GROUP BY person_id"
        )
    else:
        shares, params = shares_sql(organisation_id, start, end, everyone=True)
        people = f"SELECT 0 AS workers, matched, considered, contacts FROM ({shares}) AS shares"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_MEAN_SQL} FROM ({people}) AS people WHERE contacts > 0",  # noqa: S608
            params,
        )
        return _of(cursor.fetchone())


def named_shares_by_quarter(
    organisation_id: int, *, first: date, last: date
) -> dict[date, NamedShares]:
    """`NamedShares` (without workers) of each calendar quarter from `first` up to (not
    including) the quarter starting `last`, from the finished quarter rows in one grouped query.
    Quarters without contacts are absent."""
    where, params = _where(organisation_id, "quarter", first, last, None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT quarter, {_MEAN_SQL} FROM (SELECT quarter, 0 AS workers,"  # noqa: S608 - see `_where`
            " named_matched AS matched, named_considered AS considered"
            f" FROM {ContinuityQuarter._meta.db_table} WHERE {where} AND contacts > 0)"
            " AS people GROUP BY quarter",
            params,
        )
        return {
            row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0])): _of(row[1:])
            for row in cursor.fetchall()
        }
