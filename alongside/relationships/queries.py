"""Reads about relationships: my people, timelines and continuity. A fixed number of queries each."""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.people.models import Person
from alongside.relationships.continuity import (
    INDEX_NAMES,
    Aggregate,
    Continuity,
    Tallies,
    from_tallies,
    measure,
    month_start,
    next_month,
    next_quarter,
    quarter_start,
)
from alongside.relationships.models import (
    Allocation,
    Contact,
    ContinuityDay,
    ContinuityFromDay,
    ContinuityMonth,
    ContinuityMonthWorker,
    ContinuityQuarter,
    ContinuityQuarterWorker,
    Handover,
    LegitimateRelationship,
    NamedWorkerSpell,
    WorkerRequest,
)
from alongside.visibility.people import legitimate_in_force_q
from alongside.visibility.roles import HISTORY_REVIEWERS

CONTINUITY_WINDOW_DAYS = 365
RECENT_CHANGE_DAYS = 28
DEFAULT_USUAL_GAP_DAYS = 28
MIN_USUAL_GAP_DAYS = 7
LONGER_THAN_USUAL = 1.5


def _id_filter(person_ids: Iterable[int] | QuerySet[Any]) -> list[int] | QuerySet[Any]:
    """A list of ids, or a `values("pk")` queryset used as a subquery (no variable limits)."""
    return person_ids if isinstance(person_ids, QuerySet) else list(person_ids)


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """The shared facts of one contact that continuity and priorities need."""

    person_id: int
    worker_id: int
    at: datetime
    follow_up_on: date | None


def contact_points(
    person_ids: Iterable[int] | QuerySet[Any], *, since: datetime, until: datetime | None = None
) -> dict[int, list[ContactPoint]]:
    """Each person's contacts in the window, oldest first (one query)."""
    rows = Contact.objects.filter(person_id__in=_id_filter(person_ids), at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    points: dict[int, list[ContactPoint]] = defaultdict(list)
    for person_id, worker_id, at, follow_up_on in rows.order_by(
        "person_id", "at", "id"
    ).values_list("person_id", "worker_id", "at", "follow_up_on"):
        points[person_id].append(ContactPoint(person_id, worker_id, at, follow_up_on))
    return points


@dataclass(slots=True)
class SpellHistory:
    """A person's named-worker spells, to ask who was named worker on a given day."""

    starts: list[date] = field(default_factory=list)
    spans: list[tuple[date, date | None, int]] = field(default_factory=list)

    def add(self, started_on: date, ended_on: date | None, worker_id: int) -> None:
        self.starts.append(started_on)
        self.spans.append((started_on, ended_on, worker_id))

    def named_on(self, day: date) -> int | None:
        index = bisect_right(self.starts, day) - 1
        if index < 0:
            return None
        _, ended_on, worker_id = self.spans[index]
        return worker_id if ended_on is None or day <= ended_on else None


def spell_histories(
    person_ids: Iterable[int] | QuerySet[Any], *, since: date
) -> dict[int, SpellHistory]:
    """Named-worker spells overlapping the window, by person (one query)."""
    histories: dict[int, SpellHistory] = defaultdict(SpellHistory)
    rows = (
        NamedWorkerSpell.objects.filter(person_id__in=_id_filter(person_ids))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .order_by("person_id", "started_on", "id")
        .values_list("person_id", "started_on", "ended_on", "worker_id")
    )
    for person_id, started_on, ended_on, worker_id in rows:
        histories[person_id].add(started_on, ended_on, worker_id)
    return histories


def spell_history_of(spells: Iterable[NamedWorkerSpell], *, since: date) -> SpellHistory:
    """One person's `spell_histories` entry from spells already read (the person page's
    timeline has them all): the same spells, in the same order, without a query."""
    history = SpellHistory()
    for spell in sorted(spells, key=lambda spell: (spell.started_on, spell.pk)):
        if spell.ended_on is None or spell.ended_on >= since:
            history.add(spell.started_on, spell.ended_on, spell.worker_id)
    return history


def continuity_of(points: Sequence[ContactPoint], history: SpellHistory | None) -> Continuity:
    workers = [point.worker_id for point in points]
    named = [history.named_on(timezone.localdate(p.at)) if history else None for p in points]
    return measure(workers, named)


def continuity_for_people(
    person_ids: Iterable[int], *, since: datetime, until: datetime | None = None
) -> dict[int, Continuity]:
    """Continuity of each person over the window (two queries)."""
    ids = list(person_ids)
    points = contact_points(ids, since=since, until=until)
    histories = spell_histories(ids, since=since.date())
    return {pid: continuity_of(points.get(pid, []), histories.get(pid)) for pid in ids}


def local_date_of() -> Callable[[datetime], date]:
    """A function giving the local date (the current time zone) of an aware instant: the same
    answer as `timezone.localdate(at)`, about ten times faster, for passes over many contacts.
    Each instant is converted with its own offset, so days either side of a clock change are
    right."""
    zone = timezone.get_current_timezone()

    def local_date(at: datetime) -> date:
        return at.astimezone(zone).date()

    return local_date


@dataclass(slots=True)
class ContactSeries:
    """One person's contacts in time order, as parallel lists: the instant, the worker and the
    named worker in force on the contact's local date (None when there was none)."""

    ats: list[datetime] = field(default_factory=list)
    workers: list[int] = field(default_factory=list)
    named: list[int | None] = field(default_factory=list)

    def between(self, start: datetime | None, end: datetime | None) -> Continuity:
        """Continuity of the contacts in [start, end) (a missing bound leaves that side open):
        the same as `continuity_of` over those contacts."""
        low = 0 if start is None else bisect_left(self.ats, start)
        high = len(self.ats) if end is None else bisect_left(self.ats, end)
        if low == 0 and high == len(self.ats):
            return measure(self.workers, self.named)
        return measure(self.workers[low:high], self.named[low:high])

    def workers_since(self, start: datetime) -> set[int]:
        return set(self.workers[bisect_left(self.ats, start) :])


NO_CONTACTS = measure([], [])

# Per person and worker, then per person. SECON's correction for the window's first contact:
# the smallest "day + flag" key of the person's rows ends in 0 only when the first day's first
# contact followed a contact with the same worker (only that row can carry the flag). The rows
# are quarter rows (their first day and its flag) for the window's whole quarters (decision
# 0096), month rows for the whole months outside them (decision 0119), and day rows for the rest.
_TALLIES_SQL = """
SELECT person_id, SUM(n) AS contacts, COUNT(*) AS workers, SUM(n * n) AS squares,
       MAX(n) AS most,
       SUM(same) - CASE WHEN SUBSTR(MIN(first_key), 11, 1) = '0' THEN 1 ELSE 0 END AS same_pairs,
       SUM(considered) AS named_considered, SUM(matched) AS named_matched
FROM (
    SELECT person_id, SUM(contacts) AS n, SUM(follows_same) AS same,
           MIN(CAST(first_day AS VARCHAR(10)) || CASE WHEN opens_day_same THEN '0' ELSE '1' END)
               AS first_key,
           SUM(named_considered) AS considered, SUM(named_matched) AS matched
    FROM ({rows}) AS window_rows
    GROUP BY person_id, worker_id
) AS per_worker
GROUP BY person_id
"""
_ROWS_SQL = """
SELECT person_id, worker_id, {first_day} AS first_day, contacts, follows_same, opens_day_same,
       named_considered, named_matched
FROM {table} WHERE {where}
"""
_FINISHED_SQL = """
SELECT person_id, {key}contacts, workers, squares, most, same_pairs, named_considered,
       named_matched
FROM {table} WHERE {where}
"""
# A window with no end (decision 0129): each person's row of finished tallies from their first
# contact day in the window on. Driven by the people, each found by two seeks of the (person,
# day) index: the first day, then its row.
_FROM_DAY_SQL = """
SELECT from_day.person_id, from_day.contacts, from_day.workers, from_day.squares, from_day.most,
       from_day.same_pairs, from_day.named_considered, from_day.named_matched
FROM {person} AS person
JOIN {table} AS from_day ON from_day.person_id = person.id AND from_day.day = (
    SELECT MIN(later.day) FROM {table} AS later WHERE later.person_id = person.id{since}
)
WHERE {where}
"""
# The same on PostgreSQL, as a LATERAL join: its planner cannot seek the row by a subquery's
# value, and hashed every from-day row of the organisation instead (1.8 s for a team on the
# 100,000-person demo, against 0.24 s this way). SQLite has no LATERAL.
_FROM_DAY_LATERAL_SQL = """
SELECT from_day.person_id, from_day.contacts, from_day.workers, from_day.squares, from_day.most,
       from_day.same_pairs, from_day.named_considered, from_day.named_matched
FROM {person} AS person
CROSS JOIN LATERAL (
    SELECT * FROM {table} AS later WHERE later.person_id = person.id{since}
    ORDER BY later.day LIMIT 1
) AS from_day
WHERE {where}
"""


def _date(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _where(
    organisation_id: int,
    column: str,
    start: date | None,
    end: date | None,
    people: tuple[str, tuple[Any, ...]] | None,
) -> tuple[str, list[Any]]:
    """`organisation_id = … AND start <= column < end AND person_id IN (people)`, with params."""
    where = [f"organisation_id = {int(organisation_id)}"]
    params: list[Any] = []
    if start is not None:
        where.append(f"{column} >= %s")
        params.append(_date(start))
    if end is not None:
        where.append(f"{column} < %s")
        params.append(_date(end))
    if people is not None:
        where.append(f"person_id IN ({people[0]})")
        params.extend(people[1])
    return " AND ".join(where), params


def _subquery(people: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SQL of a `values("pk")` queryset for `person_id IN (...)`, its ordering dropped (a
    model's default ordering would sort every person again inside each part of the query)."""
    sql, params = people.order_by().query.sql_with_params()
    return sql, tuple(params)


def _whole_quarters(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """The whole quarters inside the local days [start, end) (a missing bound: open on that
    side), as [first, last) quarter starts; (x, x) when there is none."""
    first = start if start is None or start == quarter_start(start) else next_quarter(start)
    last = None if end is None else quarter_start(end)
    if first is not None and last is not None and last < first:
        return first, first
    return first, last


def _whole_months(start: date, end: date) -> tuple[date, date]:
    """The whole months inside the local days [start, end), as [first, last) month starts;
    (x, x) when there is none."""
    first = start if start == month_start(start) else next_month(start)
    last = month_start(end)
    return (first, first) if last < first else (first, last)


_Part = tuple[Any, str, str, date | None, date | None]
"""A part of a window: (model, its period column, its first-day column, from, until)."""


def _parts(start: date | None, end: date | None) -> list[_Part]:
    """The summary rows that make up the local days [start, end): whole quarters from the
    per-worker quarter rows, whole months outside them from the per-worker month rows, and the
    days left at either end (under a month each) from the day rows (decisions 0096, 0119)."""
    day = (ContinuityDay, "day", "day")
    month = (ContinuityMonthWorker, "month", "first_day")
    quarter = (ContinuityQuarterWorker, "quarter", "first_day")

    def bounded(low: date, high: date) -> list[_Part]:
        if low >= high:
            return []
        first, last = _whole_months(low, high)
        if first == last:
            return [(*day, low, high)]
        before = [(*day, low, first)] if low != first else []
        after = [(*day, last, high)] if last != high else []
        return [*before, (*month, first, last), *after]

    first, last = _whole_quarters(start, end)
    if first is not None and first == last:  # no whole quarter inside: both bounds are dates
        assert start is not None and end is not None
        return bounded(start, end) or [(*day, start, end)]  # an empty window reads nothing
    before = bounded(start, first) if start is not None and first is not None else []
    after = bounded(last, end) if last is not None and end is not None else []
    return [*before, (*quarter, first, last), *after]


def _window_sql(
    organisation_id: int,
    start: date | None,
    end: date | None,
    people: QuerySet[Any] | None,
) -> tuple[str, list[Any]]:
    """The SQL giving each person's tallies over the local days [start, end) (columns as in
    `_FINISHED_SQL`), and its parameters: see `continuity_over_days`."""
    narrowed = None if people is None else _subquery(people)
    if end is None:
        return _from_day_sql(organisation_id, start, narrowed)
    for finished, column, period_start, following in (
        (ContinuityQuarter, "quarter", quarter_start, next_quarter),
        (ContinuityMonth, "month", month_start, next_month),
    ):
        if start is not None and start == period_start(start) and end == following(start):
            where, params = _where(organisation_id, column, start, end, narrowed)
            return _FINISHED_SQL.format(key="", table=finished._meta.db_table, where=where), params
    parts: list[str] = []
    params = []
    for model, column, first_day, low, high in _parts(start, end):
        where, found = _where(organisation_id, column, low, high, narrowed)
        parts.append(_ROWS_SQL.format(first_day=first_day, table=model._meta.db_table, where=where))
        params.extend(found)
    return _TALLIES_SQL.format(rows=" UNION ALL ".join(parts)), params


def _from_day_sql(
    organisation_id: int, start: date | None, narrowed: tuple[str, tuple[Any, ...]] | None
) -> tuple[str, list[Any]]:
    """Each person's tallies from `start` on (every contact when None) from their from-day row
    (`_FROM_DAY_SQL`), with its parameters."""
    params: list[Any] = []
    since = ""
    if start is not None:
        since = " AND later.day >= %s"
        params.append(_date(start))
    where = [f"person.organisation_id = {int(organisation_id)}"]
    lateral = connection.vendor == "postgresql"
    if not lateral:
        # The unary plus keeps SQLite off the organisation's index of from-day rows (it would
        # walk every row of the organisation and seek the first day for each, 8× slower on
        # the 10,000-person demo) so that the people drive the query. (A person's rows are
        # their organisation's; the condition only names the organisation's rows.)
        where.append(f"+from_day.organisation_id = {int(organisation_id)}")
    if narrowed is not None:
        where.append(f"person.id IN ({narrowed[0]})")
        params.extend(narrowed[1])
    query = (_FROM_DAY_LATERAL_SQL if lateral else _FROM_DAY_SQL).format(
        person=Person._meta.db_table,
        table=ContinuityFromDay._meta.db_table,
        since=since,
        where=" AND ".join(where),
    )
    return query, params


def continuity_over_days(
    organisation_id: int,
    *,
    start: date | None,
    end: date | None,
    people: QuerySet[Any] | None = None,
) -> dict[int, Continuity]:
    """Continuity of each person with contacts on the local days [start, end) (a missing bound
    leaves that side open), from the maintained summary in one query: the same as
    `contact_series(...).between(_aware(start), _aware(end))`, without reading a contact.
    A window with no end (the team page's last 365 days) reads one row per person: their
    finished tallies from their first contact day in it on (`ContinuityFromDay`, decision 0129).
    A window that is exactly one calendar quarter or month reads its finished tallies
    (`ContinuityQuarter` or `ContinuityMonth`, one row per person); any other reads the rows per
    worker of the whole quarters inside it (`ContinuityQuarterWorker`, decision 0096), of the
    whole months outside them (`ContinuityMonthWorker`, decision 0119), and day rows
    (`ContinuityDay`, decision 0069) only for the days left at its ends, under a month each.
    `people` (a `values("pk")` queryset) narrows it, for example to a team or to the people one
    page shows. For figures over many people, `continuity_summary` averages in the database."""
    query, params = _window_sql(organisation_id, start, end, people)
    return _run(query, params)


def _run(query: str, params: list[Any]) -> dict[int, Continuity]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {
            row[0]: from_tallies(Tallies(*(int(value) for value in row[1:])))
            for row in cursor.fetchall()
        }


# Each person's indices from their tallies with the arithmetic of `from_tallies` (whole numbers
# turned into doubles, then one division), so each person's figures are the same floats; then
# the sums that `aggregate` makes over them (decision 0106). PostgreSQL's SUM of a bigint is a
# numeric, so every division casts its numerator to a double first. Per index: the sum and count
# of the people for whom it is defined (the person-weighted mean), and the sum of value ×
# contacts and of their contacts (the contact-weighted mean), each written so that the database
# evaluates as little as it can per person: value × contacts simplified (UPC × N is the largest
# count, HHI × N is squares / N), an index defined for everyone with contacts counted by COUNT(*).
_DOUBLE = "CAST({} AS DOUBLE PRECISION)"
_TENTH = _DOUBLE.format("0.1")
_MMCI = (
    f"({_DOUBLE.format('contacts - workers')} + {_TENTH})"
    f" / ({_DOUBLE.format('contacts - 1')} + {_TENTH})"
)
# name: (the index, when it is defined (None: whenever there are contacts), index × contacts)
_INDEX_SQL: dict[str, tuple[str, str | None, str]] = {
    "upc": (f"{_DOUBLE.format('most')} / contacts", None, "most"),
    "coc": (
        f"{_DOUBLE.format('squares - contacts')} / (contacts * (contacts - 1))",
        "contacts > 1",
        f"{_DOUBLE.format('squares - contacts')} / (contacts - 1)",
    ),
    "secon": (
        f"{_DOUBLE.format('same_pairs')} / (contacts - 1)",
        "contacts > 1",
        f"{_DOUBLE.format('same_pairs * contacts')} / (contacts - 1)",
    ),
    "mmci": (_MMCI, None, f"{_MMCI} * contacts"),
    "hhi": (
        f"{_DOUBLE.format('squares')} / (contacts * contacts)",
        None,
        f"{_DOUBLE.format('squares')} / contacts",
    ),
    "named_share": (
        f"{_DOUBLE.format('named_matched')} / named_considered",
        "named_considered > 0",
        f"{_DOUBLE.format('named_matched * contacts')} / named_considered",
    ),
}
assert tuple(_INDEX_SQL) == INDEX_NAMES


def _sums(value: str, defined: str | None, weighted: str) -> str:
    if defined is None:
        return f"SUM({value}), COUNT(*), SUM({weighted}), SUM(contacts)"
    return (
        f"SUM(CASE WHEN {defined} THEN {value} END),"
        f" SUM(CASE WHEN {defined} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {defined} THEN {weighted} END),"
        f" SUM(CASE WHEN {defined} THEN contacts ELSE 0 END)"
    )


_SUMS_SQL = ", ".join(_sums(*parts) for parts in _INDEX_SQL.values())
_SUMMARY_SQL = """
SELECT {key}COUNT(*), SUM(contacts), SUM(workers), {sums}{bins}
FROM ({tallies}) AS person_tallies WHERE contacts > 0
{group}
"""
_SHARE = _INDEX_SQL["named_share"][0]
_BIN_SQL = (
    f", SUM(CASE WHEN named_considered > 0 AND {_SHARE} >= %s AND {_SHARE} < %s THEN 1 ELSE 0 END)"
)
_WITHOUT_SHARE_SQL = ", SUM(CASE WHEN named_considered = 0 THEN 1 ELSE 0 END)"
_PER_INDEX = 4


def _summary_sql(tallies: str, *, key: str = "", bins: int = 0) -> str:
    return _SUMMARY_SQL.format(
        key=f"{key}, " if key else "",
        sums=_SUMS_SQL,
        bins=_BIN_SQL * bins + _WITHOUT_SHARE_SQL,
        tallies=tallies,
        group=f"GROUP BY {key}" if key else "",
    )


def _aggregate_of(row: Sequence[Any]) -> Aggregate:
    """An `Aggregate` from `_SUMMARY_SQL`'s columns (after the key): the means `aggregate`
    gives, from the database's sums."""
    person_weighted: dict[str, float | None] = {}
    contact_weighted: dict[str, float | None] = {}
    for index, name in enumerate(INDEX_NAMES):
        at = 3 + _PER_INDEX * index
        total, count, weighted, weight = row[at : at + _PER_INDEX]
        person_weighted[name] = float(total) / int(count) if count else None
        contact_weighted[name] = float(weighted) / int(weight) if weight else None
    return Aggregate(
        people=int(row[0]),
        contacts=int(row[1] or 0),
        person_weighted=person_weighted,
        contact_weighted=contact_weighted,
        workers=int(row[2] or 0),
    )


@dataclass(frozen=True, slots=True)
class ContinuitySummary:
    """Continuity over the people with contacts in a window, averaged in the database."""

    summary: Aggregate
    """What `aggregate` gives over each person's `Continuity` in the window."""
    shares: tuple[int, ...]
    """How many people's named-worker share falls in each [low, high) of the `share_bins`
    asked for."""
    without_named_share: int
    """People with contacts in the window, none of them with a named worker in force."""


def continuity_summary(
    organisation_id: int,
    *,
    start: date | None,
    end: date | None,
    people: QuerySet[Any] | None = None,
    share_bins: Sequence[tuple[float, float]] = (),
) -> ContinuitySummary:
    """`aggregate` over `continuity_over_days(...)`'s people, and how their named-worker shares
    spread over `share_bins`, in one query that returns one row (decision 0106): each person's
    indices are worked out in the database from the same tallies, never as Python objects."""
    tallies, params = _window_sql(organisation_id, start, end, people)
    query = _summary_sql(tallies, bins=len(share_bins))
    bounds = [float(bound) for pair in share_bins for bound in pair]
    with connection.cursor() as cursor:
        cursor.execute(query, [*bounds, *params])
        row = cursor.fetchone()
    assert row is not None
    extra = 3 + _PER_INDEX * len(INDEX_NAMES)
    counts = [int(value or 0) for value in row[extra:]]
    return ContinuitySummary(_aggregate_of(row), tuple(counts[:-1]), counts[-1])


# The few figures a scorecard shows of a window, per person then summed, from the per-worker rows
# of the window's parts (`_parts`) with their minutes: no finished-row shortcut (those rows carry
# no minutes) and none of the tallies the other indices need (decision 0127).
_WINDOW_ROWS_SQL = """
SELECT person_id, worker_id, contacts, minutes, named_considered, named_matched
FROM {table} WHERE {where}
"""
_WINDOW_TOTALS_SQL = """
SELECT COUNT(*), SUM(workers), SUM(minutes),
       SUM(CASE WHEN considered > 0 THEN CAST(matched AS DOUBLE PRECISION) / considered END),
       SUM(CASE WHEN considered > 0 THEN 1 ELSE 0 END)
FROM (
    SELECT person_id, COUNT(*) AS workers, SUM(n) AS contacts, SUM(minutes) AS minutes,
           SUM(considered) AS considered, SUM(matched) AS matched
    FROM (
        SELECT person_id, SUM(contacts) AS n, SUM(minutes) AS minutes,
               SUM(named_considered) AS considered, SUM(named_matched) AS matched
        FROM ({rows}) AS window_rows
        GROUP BY person_id, worker_id
    ) AS per_worker
    GROUP BY person_id
) AS per_person WHERE contacts > 0
"""


@dataclass(frozen=True, slots=True)
class WindowTotals:
    """The people with contacts in a window, the different workers each saw added up, their
    contacts' minutes, and the person-weighted mean of their named-worker shares (None when no
    one had a named worker in force): what `aggregate` gives as `people`, `workers` and
    `person_weighted["named_share"]`, and the sum of the contacts' minutes."""

    people: int
    workers: int
    minutes: int
    named_share: float | None


def window_totals(
    organisation_id: int, *, start: date, end: date, people: QuerySet[Any] | None = None
) -> WindowTotals:
    """`WindowTotals` over the local days [start, end), one query of sums over the maintained
    summary (whole quarters, whole months, then days: `_parts`), so its cost is the window's
    rows, never its contacts; `people` (a `values("pk")` queryset) narrows it."""
    narrowed = None if people is None else _subquery(people)
    parts: list[str] = []
    params: list[Any] = []
    for model, column, _first_day, low, high in _parts(start, end):
        where, found = _where(organisation_id, column, low, high, narrowed)
        parts.append(_WINDOW_ROWS_SQL.format(table=model._meta.db_table, where=where))
        params.extend(found)
    with connection.cursor() as cursor:
        cursor.execute(_WINDOW_TOTALS_SQL.format(rows=" UNION ALL ".join(parts)), params)
        row = cursor.fetchone()
    assert row is not None
    people_found, workers, minutes, shares, with_share = row
    return WindowTotals(
        people=int(people_found),
        workers=int(workers or 0),
        minutes=int(minutes or 0),
        named_share=float(shares) / int(with_share) if with_share else None,
    )


def continuity_by_quarter(
    organisation_id: int,
    *,
    first: date,
    last: date,
    people: QuerySet[Any] | None = None,
) -> dict[date, Aggregate]:
    """`aggregate` over each calendar quarter's people from `first` up to (not including) the
    quarter starting `last`, from the finished quarter rows (`ContinuityQuarter`) in one query
    grouped by quarter: for each quarter start q, what `aggregate(continuity_over_days(...,
    start=q, end=next_quarter(q)).values())` gives. Quarters without contacts are absent."""
    narrowed = None if people is None else _subquery(people)
    where, params = _where(organisation_id, "quarter", first, last, narrowed)
    tallies = _FINISHED_SQL.format(
        key="quarter, ", table=ContinuityQuarter._meta.db_table, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(_summary_sql(tallies, key="quarter"), params)
        rows = cursor.fetchall()
    return {_as_date(row[0]): _aggregate_of(row[1:]) for row in rows}


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    """A quarter's people and contacts and the person-weighted means of the indices asked for:
    what a trend shows (`quarter_figures`)."""

    people: int
    contacts: int
    person_weighted: dict[str, float | None]


def _person_weighted_sql(name: str) -> str:
    """The sum and count of one index over the people for whom it is defined (`_sums`' first
    two)."""
    value, defined, _weighted = _INDEX_SQL[name]
    if defined is None:
        return f"SUM({value}), COUNT(*)"
    return f"SUM(CASE WHEN {defined} THEN {value} END), SUM(CASE WHEN {defined} THEN 1 ELSE 0 END)"


def quarter_figures(
    organisation_id: int,
    *,
    first: date,
    last: date,
    people: QuerySet[Any] | None = None,
    indices: Sequence[str] = INDEX_NAMES,
) -> dict[date, QuarterFigures]:
    """`continuity_by_quarter` cut to what a trend shows (decision 0129): each quarter's people,
    contacts and the person-weighted means of `indices` only, from the same finished quarter
    rows in one query grouped by quarter. Each index costs the database two sums a row instead
    of four (no contact-weighted mean, no workers): on the team page's three indices, 8 sums a
    row instead of 27, about half the trend's CPU. Quarters without contacts are absent."""
    narrowed = None if people is None else _subquery(people)
    where, params = _where(organisation_id, "quarter", first, last, narrowed)
    tallies = _FINISHED_SQL.format(
        key="quarter, ", table=ContinuityQuarter._meta.db_table, where=where
    )
    sums = ", ".join(_person_weighted_sql(name) for name in indices)
    query = (
        f"SELECT quarter, COUNT(*), SUM(contacts), {sums}"  # noqa: S608 (our own SQL)
        f" FROM ({tallies}) AS person_tallies WHERE contacts > 0 GROUP BY quarter"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        means: dict[str, float | None] = {}
        for at, name in enumerate(indices):
            total, count = row[3 + 2 * at : 5 + 2 * at]
            means[name] = float(total) / int(count) if count else None
        found[_as_date(row[0])] = QuarterFigures(int(row[1]), int(row[2] or 0), means)
    return found


def _as_date(value: Any) -> date:
    """A date column's value (SQLite hands back text in raw SQL)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def people_seeing_many_workers(
    organisation_id: int, *, quarter: date, at_least: int
) -> QuerySet[Any]:
    """(person id, number of workers) of the people who saw at least `at_least` different
    workers in the calendar quarter starting `quarter`, from the finished quarter rows: a
    queryset, to narrow (`person_id__in=`) and read, or to use as a subquery
    (`.values("person_id")`)."""
    return ContinuityQuarter.objects.filter(
        organisation_id=organisation_id, quarter=quarter, workers__gte=at_least
    ).values_list("person_id", "workers")


def people_seen_before(person_ids: QuerySet[Any], *, since: datetime) -> QuerySet[Any]:
    """The people among `person_ids` (a `values("person_id")` or `values("pk")` subquery) with
    a contact before `since`: each person once (`Contact.Meta.ordering` cleared, or DISTINCT
    would keep one row per contact)."""
    return (
        Contact.objects.filter(person_id__in=person_ids, at__lt=since)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def contact_series(
    person_ids: Iterable[int] | QuerySet[Any],
    *,
    since: datetime,
    until: datetime | None = None,
    spells_since: date,
) -> dict[int, ContactSeries]:
    """Each person's contacts in [since, until) with the named worker at each (two queries), in
    one pass: every contact's local date worked out once, however many windows the caller then
    measures with `ContactSeries.between`. Spells are those overlapping `spells_since` on, as in
    `spell_histories`. People without contacts in the window are absent."""
    histories = spell_histories(person_ids, since=spells_since)
    rows = Contact.objects.filter(person_id__in=_id_filter(person_ids), at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return series_from_rows(
        rows.order_by("person_id", "at", "id").values_list("person_id", "worker_id", "at"),
        histories,
        local_date_of(),
    )


def series_from_rows(
    rows: Iterable[tuple[int, int, datetime]],
    histories: Mapping[int, SpellHistory],
    local_date: Callable[[datetime], date],
) -> dict[int, ContactSeries]:
    """Group (person, worker, at) rows, sorted by person then time, into each person's series,
    with the named worker on each contact's local date (pure: `contact_series` gives it rows)."""
    found: dict[int, ContactSeries] = {}
    series = ContactSeries()
    current: int | None = None
    history: SpellHistory | None = None
    for person_id, worker_id, at in rows:
        if person_id != current:
            current = person_id
            series = found[person_id] = ContactSeries()
            history = histories.get(person_id)
        series.ats.append(at)
        series.workers.append(worker_id)
        series.named.append(history.named_on(local_date(at)) if history else None)
    return found


class Priority:
    FOLLOW_UP_OVERDUE = 0
    LONGER_THAN_USUAL = 1
    NEW_WORKER = 2
    FOLLOW_UP_SOON = 3
    ROUTINE = 4


@dataclass(frozen=True, slots=True)
class MyPersonRow:
    person: Person
    spell: NamedWorkerSpell
    last_contact_at: datetime | None
    usual_gap_days: int
    follow_up_on: date | None
    continuity: Continuity
    priority: int
    sort_key: tuple[Any, ...]

    @property
    def days_since_contact(self) -> int | None:
        if self.last_contact_at is None:
            return None
        return (timezone.localdate() - timezone.localdate(self.last_contact_at)).days


def _usual_gap(points: Sequence[ContactPoint]) -> int:
    if len(points) < 3:
        return DEFAULT_USUAL_GAP_DAYS
    gaps = [(b.at - a.at).days for a, b in zip(points, points[1:], strict=False)]
    return max(MIN_USUAL_GAP_DAYS, round(median(gaps)))


def my_people(
    membership: Membership, *, today: date | None = None, include_closed: bool = False
) -> list[MyPersonRow]:
    """The people this worker is named worker for, who needs contact first. Three queries.
    People whose involvement is closed (their need met) are left out unless `include_closed`."""
    today = today or timezone.localdate()
    spells_qs = NamedWorkerSpell.objects.filter(
        worker_id=membership.user_id,
        organisation_id=membership.organisation_id,
        ended_on__isnull=True,
    )
    if not include_closed:
        spells_qs = spells_qs.filter(person__closed_on__isnull=True)
    spells = list(spells_qs.select_related("person"))
    ids = [spell.person_id for spell in spells]
    since = timezone.now() - timedelta(days=CONTINUITY_WINDOW_DAYS)
    points = contact_points(ids, since=since)
    histories = spell_histories(ids, since=since.date())
    rows = []
    for spell in spells:
        person_points = points.get(spell.person_id, [])
        last = person_points[-1] if person_points else None
        usual = _usual_gap(person_points)
        follow_up = last.follow_up_on if last else None
        days_since = (today - timezone.localdate(last.at)).days if last else None
        if follow_up is not None and follow_up < today:
            priority, key = Priority.FOLLOW_UP_OVERDUE, float(follow_up.toordinal())
        elif days_since is None or days_since > usual * LONGER_THAN_USUAL:
            ratio = float("inf") if days_since is None else days_since / usual
            priority, key = Priority.LONGER_THAN_USUAL, -ratio
        elif (today - spell.started_on).days <= RECENT_CHANGE_DAYS:
            priority, key = Priority.NEW_WORKER, float(spell.started_on.toordinal())
        elif follow_up is not None and follow_up <= today + timedelta(days=7):
            priority, key = Priority.FOLLOW_UP_SOON, float(follow_up.toordinal())
        else:
            priority, key = Priority.ROUTINE, float(-(days_since or 0))
        rows.append(
            MyPersonRow(
                person=spell.person,
                spell=spell,
                last_contact_at=last.at if last else None,
                usual_gap_days=usual,
                follow_up_on=follow_up,
                continuity=continuity_of(person_points, histories.get(spell.person_id)),
                priority=priority,
                sort_key=(priority, key, spell.person.display_name, spell.person_id),
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    return rows


def current_spell(person: Person) -> NamedWorkerSpell | None:
    return (
        NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True)
        .select_related("worker")
        .first()
    )


def planned_handover(person: Person) -> Handover | None:
    return (
        Handover.objects.filter(person=person, status=Handover.Status.PLANNED)
        .select_related("from_worker", "to_worker")
        .first()
    )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: str  # "contact", "removed" (a contact removed, decision 0049), "spell", "handover",
    # "request"; others come from other apps (with `template`)
    on: datetime
    item: Any
    # An entry another app adds (`people.panels.register_timeline_source`) names its template.
    template: str = ""


TIMELINE_CONTACTS = 20
TIMELINE_ALL = 1000


@dataclass(frozen=True, slots=True)
class Timeline:
    entries: list[TimelineEntry]
    complete: bool  # False when older contacts (and what happened then) were left out
    # Every spell, handover and worker request of the person (newest first), also those older
    # than the entries shown: the person page reads the current ones from here, not again.
    spells: list[NamedWorkerSpell]
    handovers: list[Handover]
    requests: list[WorkerRequest]

    @property
    def current_spell(self) -> NamedWorkerSpell | None:
        """What `current_spell(person)` answers, without asking the database again."""
        return next((spell for spell in self.spells if spell.ended_on is None), None)

    @property
    def planned_handover(self) -> Handover | None:
        """What `planned_handover(person)` answers, without asking the database again."""
        planned = Handover.Status.PLANNED
        return next((h for h in self.handovers if h.status == planned), None)

    @property
    def open_requests(self) -> list[WorkerRequest]:
        return [r for r in self.requests if r.status == WorkerRequest.Status.OPEN]

    def points_since(self, person_id: int, since: datetime) -> list[ContactPoint]:
        """What `contact_points([person_id], since=since)` answers for this person: from the
        contacts shown when they hold every contact since then (the timeline is complete, or
        reaches back before `since`), else in one query."""
        shown = [entry.item for entry in self.entries if entry.kind == "contact"]
        if not (self.complete or (shown and shown[-1].at < since)):
            return contact_points([person_id], since=since).get(person_id, [])
        return [
            ContactPoint(person_id, contact.worker_id, contact.at, contact.follow_up_on)
            for contact in sorted(shown, key=lambda contact: (contact.at, contact.pk))
            if contact.at >= since
        ]


def timeline(person: Person, *, contacts_shown: int = TIMELINE_CONTACTS) -> Timeline:
    """Contacts, worker changes, handovers and worker requests, newest first (five queries).

    Shows the latest `contacts_shown` contacts and everything else from that period; the page
    offers the rest on request. Support notes are not included: callers add them with
    support.queries, naming the viewer.
    """
    tz = timezone.get_current_timezone()

    def start_of(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=tz)

    entries: list[TimelineEntry] = []
    contacts: list[Contact] = list(
        Contact.objects.filter(person=person)
        .select_related("worker", "handover")
        .prefetch_related("also_present")
        .order_by("-at", "-id")[: contacts_shown + 1]
    )
    complete = len(contacts) <= contacts_shown
    contacts = contacts[:contacts_shown]
    entries += [TimelineEntry("contact", c.at, c) for c in contacts]
    spells = list(NamedWorkerSpell.objects.filter(person=person).select_related("worker"))
    entries += [TimelineEntry("spell", start_of(s.started_on), s) for s in spells]
    handovers = list(
        Handover.objects.filter(person=person).select_related("from_worker", "to_worker")
    )
    entries += [TimelineEntry("handover", h.created_at, h) for h in handovers]
    requests = list(WorkerRequest.objects.filter(person=person).select_related("requested_worker"))
    entries += [TimelineEntry("request", start_of(r.requested_on), r) for r in requests]
    removed = Contact.with_removed.filter(person=person, removed_at__isnull=False).select_related(
        "person", "removed_by"
    )
    entries += [TimelineEntry("removed", c.removed_at, c) for c in removed if c.removed_at]
    entries.sort(key=lambda entry: entry.on, reverse=True)
    if not complete:
        oldest = contacts[-1].at
        entries = [entry for entry in entries if entry.on >= oldest]
    return Timeline(entries, complete, spells, handovers, requests)


def contacts_of(person: Person) -> QuerySet[Contact]:
    return Contact.objects.filter(person=person)


# Confirmed relationships: allocations and legitimate-relationship requests ---------------------


def open_allocations(person: Person) -> list[Allocation]:
    """The workers a coordinator allocated to the person, still allocated (one query)."""
    return list(
        Allocation.objects.filter(person=person, ended_at__isnull=True)
        .select_related("worker")
        .order_by("allocated_at", "pk")
    )


def history_access_in_force(
    membership: Membership, person: Person, *, now: datetime | None = None
) -> LegitimateRelationship | None:
    """This worker's own legitimate-relationship request for the person, in force (one query)."""
    return (
        LegitimateRelationship.objects.filter(
            legitimate_in_force_q(now), worker_id=membership.user_id, person_id=person.pk
        )
        .order_by("-expires_at")
        .first()
    )


def may_review_history(membership: Membership, person: Person) -> bool:
    """A reviewer of legitimate-relationship requests about this person: an active coordinator of
    their team (any, without a team), safeguarding lead or data lead of their organisation."""
    if not membership.is_active or membership.organisation_id != person.organisation_id:
        return False
    if membership.role == Role.COORDINATOR:
        return membership.team_id is None or membership.team_id == person.team_id
    return membership.role in HISTORY_REVIEWERS


def _reviewable(membership: Membership) -> QuerySet[LegitimateRelationship]:
    requests = LegitimateRelationship.objects.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.COORDINATOR and membership.team_id is not None:
        requests = requests.filter(person__team_id=membership.team_id)
    return requests


def history_requests_waiting_count(membership: Membership | None) -> int:
    """How many legitimate-relationship requests wait for a review this membership could give."""
    if membership is None or membership.role not in HISTORY_REVIEWERS or not membership.is_active:
        return 0
    return (
        _reviewable(membership)
        .filter(reviewed_at__isnull=True)
        .exclude(worker_id=membership.user_id)
        .count()
    )


def history_requests_to_review(
    membership: Membership, *, limit: int = 200
) -> list[LegitimateRelationship]:
    """Legitimate-relationship requests a reviewer looks at: waiting for review first, then the
    most recent. Coordinators see their team's people (everyone, without a team); safeguarding
    and data leads the organisation's. Empty for anyone else (one query)."""
    if membership.role not in HISTORY_REVIEWERS or not membership.is_active:
        return []
    return list(
        _reviewable(membership)
        .select_related("person", "worker", "ended_by", "reviewed_by")
        .order_by(F("reviewed_at").desc(nulls_first=True), "-started_at", "-pk")[:limit]
    )
