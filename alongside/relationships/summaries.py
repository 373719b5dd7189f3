"""The maintained continuity summary (`ContinuityDay`, decision 0069, and the quarter and month
rows made from it, `ContinuityQuarterWorker` and `ContinuityQuarter`, decision 0096,
`ContinuityMonthWorker` and `ContinuityMonth`, decision 0119, and the finished tallies from each
contact day on, `ContinuityFromDay`, decision 0129): writes only.

`refresh_people` is the one function that brings a person's summary rows back in line with their
contacts and named-worker spells, and other apps' rows that copy their contact's local day
(`ContactDay`, registered with `keep_contact_day`: the failure demand marks, decision 0110). Every service that records, changes, moves or removes a
contact, or changes a spell, calls it inside its own transaction, so the summary is never seen
out of step. `rebuild` rewrites every row (`alongside summaries rebuild`): after a bulk load (the
demo), a change of `TIME_ZONE`, or to check the incremental rows (the tests compare both).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any, Protocol

from django.db import connection, transaction

from alongside.people.models import Person
from alongside.relationships.continuity import month_start, quarter_start
from alongside.relationships.models import (
    Contact,
    ContinuityDay,
    ContinuityFromDay,
    ContinuityMonth,
    ContinuityMonthWorker,
    ContinuityQuarter,
    ContinuityQuarterWorker,
    NamedWorkerSpell,
)
from alongside.relationships.queries import SpellHistory, local_date_of

BATCH = 5000


@dataclass(frozen=True, slots=True)
class ContactDay:
    """Another app's rows that copy their contact's local day (the current time zone) and
    whether it was removed, so their figures count by day without reading a contact (decision
    0110). `model` has a key to the contact named `contact` and the two fields named here."""

    model: Any
    day: str = "contact_day"
    removed: str = "contact_removed"


_COPIES: list[ContactDay] = []


def keep_contact_day(copy: ContactDay) -> None:
    """Register rows that `refresh_people` and `rebuild` keep in step with their contacts (an
    app's `AppConfig.ready`)."""
    if copy not in _COPIES:
        _COPIES.append(copy)


# Other apps' rows kept per person from the contacts and spells (e.g. the inbox's last contact,
# decision 0126): `keep(person_ids)` after the summary rows; `keep(None)` rewrites every person's.
_PEOPLE: list[Callable[[list[int] | None], object]] = []


def keep_people(keep: Callable[[list[int] | None], object]) -> None:
    """Register rows kept per person that `refresh_people` and `rebuild` bring in step (an app's
    `AppConfig.ready`)."""
    if keep not in _PEOPLE:
        _PEOPLE.append(keep)


def copy_contact_days(copy: ContactDay, person_ids: list[int] | None = None) -> int:
    """Bring the copied day and removal of these people's contacts' rows (None: every row) in
    line with the contacts; returns how many rows changed. A migration passes its historical
    model. Only changed rows are written, a batch at a time."""
    local_date = local_date_of()
    rows = copy.model._base_manager.order_by("pk")
    if person_ids is not None:
        rows = rows.filter(contact__person_id__in=person_ids)
    found = rows.values_list("pk", "contact__at", "contact__removed_at", copy.day, copy.removed)
    table = connection.ops.quote_name(copy.model._meta.db_table)
    day_column = connection.ops.quote_name(copy.model._meta.get_field(copy.day).column)
    removed_column = connection.ops.quote_name(copy.model._meta.get_field(copy.removed).column)
    pk_column = connection.ops.quote_name(copy.model._meta.pk.column)
    # The names are the model's, quoted; the values are parameters.
    update = f"UPDATE {table} SET {day_column} = %s, {removed_column} = %s WHERE {pk_column} = %s"  # noqa: S608, E501
    written, last = 0, 0
    while True:  # a batch at a time by key, each read whole before its rows are written
        batch = list(found.filter(pk__gt=last)[:BATCH])
        if not batch:
            return written
        changed = []
        for pk, at, removed_at, day, removed in batch:
            new_day, new_removed = local_date(at), removed_at is not None
            if (new_day, new_removed) != (day, removed):
                changed.append((connection.ops.adapt_datefield_value(new_day), new_removed, pk))
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(update, changed)
        written, last = written + len(changed), batch[-1][0]


def day_rows(
    organisation_id: int,
    person_id: int,
    contacts: Iterable[tuple[int, datetime, int]],
    history: SpellHistory | None,
    local_date: Callable[[datetime], date],
    day_model: Any = ContinuityDay,
) -> list[ContinuityDay]:
    """One person's summary rows from all their (worker, at, minutes) contacts in time order
    (ties by id),
    with the named worker in force on each contact's local day."""
    rows: dict[tuple[date, int], ContinuityDay] = {}
    previous: int | None = None
    last_day: date | None = None
    for worker_id, at, minutes in contacts:
        day = local_date(at)
        row = rows.get((day, worker_id))
        if row is None:
            row = rows[(day, worker_id)] = day_model(
                organisation_id=organisation_id,
                person_id=person_id,
                worker_id=worker_id,
                day=day,
                contacts=0,
                minutes=0,
                named_considered=0,
                named_matched=0,
                follows_same=0,
                opens_day_same=False,
            )
        row.contacts += 1
        row.minutes += minutes
        named = history.named_on(day) if history is not None else None
        if named is not None:
            row.named_considered += 1
            row.named_matched += named == worker_id
        same = previous == worker_id
        row.follows_same += same
        if day != last_day:
            row.opens_day_same = same
            last_day = day
        previous = worker_id
    return list(rows.values())


class DayRow(Protocol):
    """What `quarter_rows` reads of a day row (a `ContinuityDay`, saved or not)."""

    worker_id: int
    day: date
    contacts: int
    minutes: int
    named_considered: int
    named_matched: int
    follows_same: int
    opens_day_same: bool


@dataclass(slots=True)
class _Day:
    """A day row read back as plain values (`fill_quarters`)."""

    worker_id: int
    day: date
    contacts: int
    minutes: int
    named_considered: int
    named_matched: int
    follows_same: int
    opens_day_same: bool


@dataclass(frozen=True, slots=True)
class SummaryModels:
    """The summary's models: the app's, or a migration's historical ones."""

    day: Any = ContinuityDay
    quarter_worker: Any = ContinuityQuarterWorker
    quarter: Any = ContinuityQuarter
    month_worker: Any = ContinuityMonthWorker
    month: Any = ContinuityMonth
    from_day: Any = ContinuityFromDay

    def every(self) -> tuple[Any, ...]:
        return (
            self.day,
            self.quarter_worker,
            self.quarter,
            self.month_worker,
            self.month,
            self.from_day,
        )


def quarter_rows(
    organisation_id: int,
    person_id: int,
    days: Iterable[DayRow],
    models: SummaryModels = SummaryModels(),  # noqa: B008 (frozen, never changed)
) -> tuple[list[Any], list[Any]]:
    """One person's quarter rows from all their day rows (any order): per worker and quarter,
    the day rows added up; per quarter, the finished tallies (decision 0096)."""
    return period_rows(
        organisation_id,
        person_id,
        days,
        "quarter",
        quarter_start,
        models.quarter_worker,
        models.quarter,
    )


def month_rows(
    organisation_id: int,
    person_id: int,
    days: Iterable[DayRow],
    models: SummaryModels = SummaryModels(),  # noqa: B008 (frozen, never changed)
) -> tuple[list[Any], list[Any]]:
    """One person's month rows from all their day rows, as `quarter_rows` (decision 0119)."""
    return period_rows(
        organisation_id, person_id, days, "month", month_start, models.month_worker, models.month
    )


def period_rows(
    organisation_id: int,
    person_id: int,
    days: Iterable[DayRow],
    key: str,
    period_start: Callable[[date], date],
    worker_model: Any,
    finished_model: Any,
) -> tuple[list[Any], list[Any]]:
    """One person's rows per worker and period (the day rows added up) and finished tallies per
    period, the period's first day stored in the field named `key`."""
    by_worker: dict[tuple[date, int], Any] = {}
    for row in days:
        period = period_start(row.day)
        found = by_worker.get((period, row.worker_id))
        if found is None:
            by_worker[(period, row.worker_id)] = worker_model(
                organisation_id=organisation_id,
                person_id=person_id,
                worker_id=row.worker_id,
                **{key: period},
                first_day=row.day,
                contacts=row.contacts,
                minutes=row.minutes,
                named_considered=row.named_considered,
                named_matched=row.named_matched,
                follows_same=row.follows_same,
                opens_day_same=row.opens_day_same,
            )
            continue
        found.contacts += row.contacts
        found.minutes += row.minutes
        found.named_considered += row.named_considered
        found.named_matched += row.named_matched
        found.follows_same += row.follows_same
        if row.day < found.first_day:
            found.first_day, found.opens_day_same = row.day, row.opens_day_same
    per_period: dict[date, list[Any]] = {}
    for (period, _worker), row in sorted(by_worker.items()):
        per_period.setdefault(period, []).append(row)
    finished = []
    for period, rows in per_period.items():
        first = min(rows, key=lambda row: (row.first_day, not row.opens_day_same))
        counts = [row.contacts for row in rows]
        finished.append(
            finished_model(
                organisation_id=organisation_id,
                person_id=person_id,
                **{key: period},
                contacts=sum(counts),
                workers=len(counts),
                squares=sum(n * n for n in counts),
                most=max(counts),
                # The period's first contact's pair reaches into the period before.
                same_pairs=sum(row.follows_same for row in rows) - first.opens_day_same,
                named_considered=sum(row.named_considered for row in rows),
                named_matched=sum(row.named_matched for row in rows),
            )
        )
    return list(by_worker.values()), finished


def from_day_rows(
    organisation_id: int,
    person_id: int,
    days: Iterable[DayRow],
    model: Any = ContinuityFromDay,
) -> list[Any]:
    """One person's finished tallies from each of their contact days on (decision 0129), from
    all their day rows (any order), in one pass from the last day back: per worker the contacts
    so far, and the sums that `period_rows`' finished rows hold, over every day from this one
    on. A window starting on a day subtracts the pair of that day's first contact reaching into
    the day before, as `_TALLIES_SQL` does (only the day's first contact's row carries the
    flag)."""
    by_day: dict[date, list[DayRow]] = {}
    for row in days:
        by_day.setdefault(row.day, []).append(row)
    counts: dict[int, int] = {}
    contacts = squares = most = follows = considered = matched = 0
    found = []
    for day in sorted(by_day, reverse=True):
        opens_same = False
        for row in by_day[day]:
            before = counts.get(row.worker_id, 0)
            after = counts[row.worker_id] = before + row.contacts
            squares += after * after - before * before
            most = max(most, after)
            contacts += row.contacts
            follows += row.follows_same
            considered += row.named_considered
            matched += row.named_matched
            opens_same = opens_same or row.opens_day_same
        found.append(
            model(
                organisation_id=organisation_id,
                person_id=person_id,
                day=day,
                contacts=contacts,
                workers=len(counts),
                squares=squares,
                most=most,
                same_pairs=follows - opens_same,
                named_considered=considered,
                named_matched=matched,
            )
        )
    return found


def _histories(
    person_ids: list[int] | None, spell_model: Any = NamedWorkerSpell
) -> dict[int, SpellHistory]:
    spells = spell_model.objects.order_by("person_id", "started_on", "id")
    if person_ids is not None:
        spells = spells.filter(person_id__in=person_ids)
    histories: dict[int, SpellHistory] = {}
    for person_id, started_on, ended_on, worker_id in spells.values_list(
        "person_id", "started_on", "ended_on", "worker_id"
    ).iterator(chunk_size=BATCH):
        histories.setdefault(person_id, SpellHistory()).add(started_on, ended_on, worker_id)
    return histories


def _people_rows(
    person_ids: list[int] | None,
    contact_model: Any = Contact,
    spell_model: Any = NamedWorkerSpell,
    models: SummaryModels = SummaryModels(),  # noqa: B008 (frozen, never changed)
) -> Iterator[list[Any]]:
    """Each person's summary rows (day rows, then quarter rows made from them), a person at a
    time, from their contacts and spells."""
    histories = _histories(person_ids, spell_model)
    local_date = local_date_of()
    # Removed contacts count nowhere (decision 0049); said here too for a migration's
    # historical model, whose plain manager does not leave them out.
    contacts = contact_model.objects.filter(removed_at__isnull=True).order_by(
        "person_id", "at", "id"
    )
    if person_ids is not None:
        contacts = contacts.filter(person_id__in=person_ids)
    rows = contacts.values_list("person_id", "organisation_id", "worker_id", "at", "minutes")
    for (person_id, organisation_id), group in groupby(
        rows.iterator(chunk_size=BATCH), key=lambda row: (row[0], row[1])
    ):
        days = day_rows(
            organisation_id,
            person_id,
            ((worker_id, at, minutes) for _p, _o, worker_id, at, minutes in group),
            histories.get(person_id),
            local_date,
            models.day,
        )
        by_worker, finished = quarter_rows(organisation_id, person_id, days, models)
        by_month, months = month_rows(organisation_id, person_id, days, models)
        from_days = from_day_rows(organisation_id, person_id, days, models.from_day)
        yield [*days, *by_worker, *finished, *by_month, *months, *from_days]


def _write(people: Iterable[list[Any]]) -> int:
    """Write the rows, each model's in batches; returns how many day rows were written."""
    written = 0
    batches: dict[Any, list[Any]] = {}
    for rows in people:
        for row in rows:
            batch = batches.setdefault(type(row), [])
            batch.append(row)
            if len(batch) >= BATCH:
                written += _flush(batch)
    for batch in batches.values():
        written += _flush(batch)
    return written


def _flush(batch: list[Any]) -> int:
    """Insert a batch of one model's rows and empty it; the count of day rows inserted."""
    if not batch:
        return 0
    model = type(batch[0])
    model.objects.bulk_create(batch)
    count = len(batch) if model._meta.model_name == "continuityday" else 0
    batch.clear()
    return count


def refresh_people(person_ids: Iterable[int]) -> None:
    """Rewrite these people's summary rows from their contacts and spells (a few queries; the
    cost of one person's history). Call it in the transaction of every write that changes a
    contact's person, time or worker, removes a contact, or changes a named-worker spell."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    with transaction.atomic():
        # Two writes about one person wait for each other, so the second sees the first's rows.
        list(Person.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        for model in SummaryModels().every():
            model.objects.filter(person_id__in=ids).delete()
        _write(_people_rows(ids))
        for copy in _COPIES:
            copy_contact_days(copy, ids)
        for keep in _PEOPLE:
            keep(ids)


def rebuild(models: tuple[Any, ...] | None = None) -> int:
    """Rewrite every summary row (day, quarter, month and from-day rows) from the contacts and
    spells;
    returns how many day rows were written. `models` (Contact, NamedWorkerSpell, ContinuityDay,
    and optionally the quarter and month models in `SummaryModels`' order) lets a migration pass
    its historical ones; without the others only day rows are written."""
    contact_model, spell_model, day_model, *periods = models or (
        Contact,
        NamedWorkerSpell,
        *SummaryModels().every(),
    )
    summary = SummaryModels(day_model, *periods) if periods else None
    with transaction.atomic():
        for model in summary.every() if summary else (day_model,):
            model.objects.all().delete()
        people = _people_rows(None, contact_model, spell_model, summary or SummaryModels(day_model))
        if summary is None:  # a migration from before the quarter rows existed
            people = ([row for row in rows if isinstance(row, day_model)] for rows in people)
        written = _write(people)
        if models is None:
            for copy in _COPIES:
                copy_contact_days(copy)
            for keep in _PEOPLE:
                keep(None)
        return written


def fill_quarters(models: SummaryModels = SummaryModels()) -> int:  # noqa: B008
    """Write every quarter row from the day rows already there (the migration that added them:
    no contact is read); returns how many quarter-worker rows were written."""
    return _fill(models, models.quarter_worker, models.quarter, quarter_rows)


def fill_months(models: SummaryModels = SummaryModels()) -> int:  # noqa: B008
    """Write every month row from the day rows already there (the migration that added them,
    decision 0119: no contact is read); returns how many month-worker rows were written."""
    return _fill(models, models.month_worker, models.month, month_rows)


def _fill(
    models: SummaryModels,
    worker_model: Any,
    finished_model: Any,
    rows_of: Callable[[int, int, Iterable[DayRow], SummaryModels], tuple[list[Any], list[Any]]],
) -> int:
    with transaction.atomic():
        worker_model.objects.all().delete()
        finished_model.objects.all().delete()
        days = models.day.objects.order_by("person_id").values_list(
            "person_id",
            "organisation_id",
            "worker_id",
            "day",
            "contacts",
            "minutes",
            "named_considered",
            "named_matched",
            "follows_same",
            "opens_day_same",
        )
        written = 0

        def people() -> Iterator[list[Any]]:
            nonlocal written
            for (person_id, organisation_id), group in groupby(
                days.iterator(chunk_size=BATCH), key=lambda row: (row[0], row[1])
            ):
                rows = [_Day(*row[2:]) for row in group]
                by_worker, finished = rows_of(organisation_id, person_id, rows, models)
                written += len(by_worker)
                yield [*by_worker, *finished]

        _write(people())
        return written


# Each person's from-day rows from their day rows in one statement (decision 0129), the sums
# `from_day_rows` keeps, as running sums from the last day back: `running` is a day row's
# worker's contacts from that day on, so a worker is counted once (at its last day, where
# `running` is the row's own contacts), the squares add up as `running`² less the square before
# the row, and the largest count is the largest `running`. The window over the person's rows by
# day, latest first, takes in every row of the same day (peers), so each day's rows carry the
# totals from that day on.
_FILL_FROM_DAYS_SQL = """
INSERT INTO {from_day} (organisation_id, person_id, day, contacts, workers, squares, most,
                        same_pairs, named_considered, named_matched)
SELECT organisation_id, person_id, day, MAX(contacts), MAX(workers), MAX(squares), MAX(most),
       MAX(follows) - MAX(opens), MAX(considered), MAX(matched)
FROM (
    SELECT organisation_id, person_id, day,
           SUM(contacts) OVER later AS contacts,
           SUM(CASE WHEN running = contacts THEN 1 ELSE 0 END) OVER later AS workers,
           SUM(running * running - (running - contacts) * (running - contacts)) OVER later
               AS squares,
           MAX(running) OVER later AS most,
           SUM(follows_same) OVER later AS follows,
           CASE WHEN opens_day_same THEN 1 ELSE 0 END AS opens,
           SUM(named_considered) OVER later AS considered,
           SUM(named_matched) OVER later AS matched
    FROM (
        SELECT organisation_id, person_id, day, contacts, follows_same, opens_day_same,
               named_considered, named_matched,
               SUM(contacts) OVER (PARTITION BY person_id, worker_id ORDER BY day DESC)
                   AS running
        FROM {day}
    ) AS day_rows
    WINDOW later AS (PARTITION BY person_id ORDER BY day DESC)
) AS running_rows
GROUP BY organisation_id, person_id, day
"""


def fill_from_days(models: SummaryModels = SummaryModels()) -> int:  # noqa: B008
    """Write every from-day row from the day rows already there (the migration that added them,
    decision 0129: no contact is read), in one `INSERT … SELECT` (`_FILL_FROM_DAYS_SQL`; about
    two million rows on the 100,000-person demo, which `from_day_rows` a person at a time would
    take a minute of CPU to make); returns how many were written. The tests hold it equal to the
    rows `refresh_people` and `rebuild` write."""
    quote = connection.ops.quote_name
    with transaction.atomic():
        models.from_day.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                _FILL_FROM_DAYS_SQL.format(
                    from_day=quote(models.from_day._meta.db_table),
                    day=quote(models.day._meta.db_table),
                )
            )
        return int(models.from_day.objects.count())
