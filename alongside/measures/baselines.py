"""The maintained baseline rows (decision 0108): per person and instrument, the first answer
ever and the latest, with their measures, so the outcome changes and the continuity
associations read one row per person and instrument instead of every answer ever given.

One writer: `refresh_people` deletes the people's rows and writes them again from their
answers. Everything that writes answers calls it in the same transaction (`services.
submit_answers`, a merge and its undo, the archive's restore, the demo, the test helpers);
`rebuild` rewrites every row (`alongside summaries rebuild`, and the migration that added the
table, with its historical models). A test checks that every writing service leaves the rows
as a rebuild would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction

from alongside.common.spheres import system_rows
from alongside.measures.models import InstrumentVersion, MeasureBaseline, Response
from alongside.measures.queries import Scorers, first_and_last
from alongside.people.merging import register_derived

WHY = "the maintained baseline rows (derived from the answers)"
BATCH = 2000


def _rows(answers: Any, baseline_model: Any, scorers: Scorers) -> Iterator[Any]:
    """The baseline rows of these answers, read person by person (memory stays flat)."""
    firsts: dict[int, tuple[Any, ...]] = {}
    lasts: dict[int, tuple[Any, ...]] = {}
    person_id = None
    for row in first_and_last(answers).order_by("person_id").iterator(chunk_size=BATCH):
        if row[2] != person_id:
            yield from _made(firsts, lasts, baseline_model, scorers)
            firsts, lasts, person_id = {}, {}, row[2]
        if row[7] == 1:
            firsts[row[4]] = row
        if row[8] == 1:
            lasts[row[4]] = row
    yield from _made(firsts, lasts, baseline_model, scorers)


def _made(
    firsts: dict[int, tuple[Any, ...]],
    lasts: dict[int, tuple[Any, ...]],
    baseline_model: Any,
    scorers: Scorers,
) -> Iterator[Any]:
    for instrument_id, first in firsts.items():
        last = lasts[instrument_id]
        yield baseline_model(
            organisation_id=first[1],
            person_id=first[2],
            instrument_id=instrument_id,
            first_id=first[0],
            first_at=first[5],
            first_measures=scorers(first[3], first[6]),
            latest_id=last[0],
            latest_at=last[5],
            latest_measures=scorers(last[3], last[6]),
        )


def _write(rows: Iterable[Any], baseline_model: Any) -> int:
    written = 0
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            baseline_model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        baseline_model.objects.bulk_create(batch)
        written += len(batch)
    return written


def refresh_people(person_ids: Iterable[int]) -> None:
    """Write these people's baseline rows again from their answers (call it in the transaction
    that changed their answers)."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    with transaction.atomic():
        system_rows(MeasureBaseline, WHY).filter(person_id__in=ids).delete()
        answers = system_rows(Response, WHY).filter(person_id__in=ids)
        _write(_rows(answers, MeasureBaseline, Scorers()), MeasureBaseline)


def rebuild(models: tuple[Any, Any, Any] | None = None) -> int:
    """Rewrite every baseline row from the answers; returns how many were written. `models`
    (Response, InstrumentVersion, MeasureBaseline) lets a migration pass its historical ones."""
    response_model, version_model, baseline_model = models or (
        Response,
        InstrumentVersion,
        MeasureBaseline,
    )
    with transaction.atomic():
        system_rows(baseline_model, WHY).delete()
        answers = system_rows(response_model, WHY)
        return _write(_rows(answers, baseline_model, Scorers(version_model)), baseline_model)


register_derived(refresh_people)  # a merge and its undo rewrite both people's rows
