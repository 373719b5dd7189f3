"""The maintained continuity summary (`ContinuityDay`, decision 0069): writes only.

`refresh_people` is the one function that brings a person's summary rows back in line with their
contacts and named-worker spells. Every service that records, changes, moves or removes a
contact, or changes a spell, calls it inside its own transaction, so the summary is never seen
out of step. `rebuild` rewrites every row (`alongside summaries rebuild`): after a bulk load (the
demo), a change of `TIME_ZONE`, or to check the incremental rows (the tests compare both).
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import groupby
from typing import Any

from django.db import transaction

from alongside.people.models import Person
from alongside.relationships.models import Contact, ContinuityDay, NamedWorkerSpell
from alongside.relationships.queries import SpellHistory, local_date_of

BATCH = 5000


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


def _rows_for(
    person_ids: list[int] | None, models: tuple[Any, Any, Any] | None = None
) -> Iterator[ContinuityDay]:
    contact_model, spell_model, day_model = models or (Contact, NamedWorkerSpell, ContinuityDay)
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
        yield from day_rows(
            organisation_id,
            person_id,
            ((worker_id, at, minutes) for _p, _o, worker_id, at, minutes in group),
            histories.get(person_id),
            local_date,
            day_model,
        )


def _write(rows: Iterator[ContinuityDay], day_model: Any = ContinuityDay) -> int:
    written = 0
    batch: list[ContinuityDay] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            written += len(day_model.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(day_model.objects.bulk_create(batch))
    return written


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
        ContinuityDay.objects.filter(person_id__in=ids).delete()
        _write(_rows_for(ids))


def rebuild(models: tuple[Any, Any, Any] | None = None) -> int:
    """Rewrite every summary row from the contacts and spells; returns how many were written.
    `models` (Contact, NamedWorkerSpell, ContinuityDay) lets a migration pass its historical
    ones."""
    day_model = models[2] if models else ContinuityDay
    with transaction.atomic():
        day_model.objects.all().delete()
        return _write(_rows_for(None, models), day_model)
