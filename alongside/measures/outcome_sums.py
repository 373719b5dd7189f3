"""The outcome figures summed where the answers are (decision 0117): for the period's baseline
rows, the moments (count, means, centred sums of squares and products) of each measure's change
and of each change or Relationship Check answer paired with the person's named-worker share, in
one query. No person's numbers come back to Python, only one row of sums.

Each person's named-worker share over the period is the share `continuity_over_days` gives
(`named_matched / named_considered`, summed over the window), read from the continuity summary's
finished quarter rows (`ContinuityQuarter`, one per person and quarter) for the whole quarters in
the period, its finished month rows (`ContinuityMonth`) for the whole months outside them and its
day rows for the days left at either end: the share needs only those two sums, so no per-worker
tally is made. The means are taken first and the sums of squares
around them after (two passes over the rows, kept once by the database), as `stats` does in
Python, so the figures are those of `paired_change` and `correlation` to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection

from alongside.measures.models import MeasureBaseline
from alongside.measures.stats import Moments
from alongside.relationships.shares import shares_sql

WHY = "aggregate figures, suppressed under 5 people"

Measured = dict[int, tuple[str, list[str]]]
"""Instrument id -> (instrument key, the measure keys it gives the figures)."""


@dataclass(frozen=True, slots=True)
class OutcomeMoments:
    changes: dict[tuple[str, str], Moments]
    """Per (instrument key, measure key): the changes (as y) of the people with both numbers."""
    with_share: dict[tuple[str, str], Moments]
    """Per (instrument key, measure key), outside the Relationship Check: (share, change)."""
    checks: dict[str, Moments]
    """Per Relationship Check measure: (share, the latest answer in the period)."""


def _number(column: str, key: str) -> tuple[str, list[Any]]:
    """One measure's number in a JSON object column (NULL when absent or JSON null)."""
    if connection.vendor == "postgresql":
        return f"(({column} ->> %s))::double precision", [key]
    return f"JSON_EXTRACT({column}, %s)", [f'$."{key}"']


def outcome_moments(
    organisation_id: int,
    team_id: int | None,
    *,
    start: date,
    end: date,
    since: datetime,
    until: datetime,
    measured: Measured,
    check_instrument_id: int | None,
) -> OutcomeMoments:
    """The moments of the baseline rows whose latest answer is in [since, until) (the period's
    bounds; `start` and `end` its local days, for the shares): a change where the latest answer
    is not the baseline, a Relationship Check point for every row of that instrument."""
    rows = MeasureBaseline.objects.for_system(WHY).filter(
        organisation_id=organisation_id,
        instrument_id__in=list(measured),
        latest_at__gte=since,
        latest_at__lt=until,
        first_at__lt=until,
    )
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    # Executed as written, so no converter reads the JSON: the database takes the numbers out.
    rows_sql, rows_params = (
        rows.order_by()
        .values(
            "person_id",
            "instrument_id",
            "first_id",
            "latest_id",
            "first_measures",
            "latest_measures",
        )
        .query.sql_with_params()
    )
    shares, shares_params = shares_sql(organisation_id, start, end + timedelta(days=1))

    columns: list[str] = []
    column_params: list[Any] = []
    changes: list[tuple[str, str]] = []
    checks: list[str] = []
    for instrument_id, (key, measures) in measured.items():
        for measure_key in measures:
            after, after_params = _number("b.latest_measures", measure_key)
            if instrument_id == check_instrument_id:
                columns.append(
                    f"CASE WHEN b.instrument_id = {int(instrument_id)} THEN {after} END"
                    f" AS c{len(checks)}"
                )
                column_params.extend(after_params)
                checks.append(measure_key)
            before, before_params = _number("b.first_measures", measure_key)
            columns.append(
                f"CASE WHEN b.instrument_id = {int(instrument_id)} AND b.first_id <> b.latest_id"
                f" THEN {after} - {before} END AS d{len(changes)}"
            )
            column_params.extend([*after_params, *before_params])
            changes.append((key, measure_key))
    if not changes:
        return OutcomeMoments({}, {}, {})

    means: list[str] = []
    sums: list[str] = []
    for name in [f"d{k}" for k in range(len(changes))]:
        means += [f"COUNT({name}) AS n_{name}", f"AVG({name}) AS m_{name}"]
        sums.append(f"SUM(({name} - m_{name}) * ({name} - m_{name}))")
    for name in [f"d{k}" for k in range(len(changes))] + [f"c{k}" for k in range(len(checks))]:
        both = f"x IS NOT NULL AND {name} IS NOT NULL"
        means += [
            f"COUNT(CASE WHEN x IS NOT NULL THEN {name} END) AS nx_{name}",
            f"AVG(CASE WHEN {name} IS NOT NULL THEN x END) AS mx_{name}",
            f"AVG(CASE WHEN x IS NOT NULL THEN {name} END) AS my_{name}",
        ]
        dx, dy = f"(x - mx_{name})", f"({name} - my_{name})"
        sums += [
            f"SUM(CASE WHEN {both} THEN {dx} * {dx} END)",
            f"SUM(CASE WHEN {both} THEN {dy} * {dy} END)",
            f"SUM(CASE WHEN {both} THEN {dx} * {dy} END)",
        ]
    mean_names = [mean.rsplit(" AS ", 1)[1] for mean in means]
    share = "CASE WHEN s.considered > 0 THEN CAST(s.matched AS DOUBLE PRECISION) / s.considered END"
    query = (
        f"WITH base AS MATERIALIZED (SELECT {share} AS x, {', '.join(columns)}"  # noqa: S608 - keys are parameters
        f" FROM ({rows_sql}) AS b LEFT JOIN ({shares}) AS s ON s.person_id = b.person_id),"
        f" means AS (SELECT {', '.join(means)} FROM base)"
        # One row of means beside one row of sums round them: no GROUP BY (which would sort
        # every row by the means' columns).
        f" SELECT {', '.join(mean_names)}, totals.* FROM means CROSS JOIN"
        f" (SELECT {', '.join(sums)} FROM base CROSS JOIN means) AS totals"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*column_params, *rows_params, *shares_params])
        row = cursor.fetchone()
    assert row is not None  # one row of aggregates, even over no rows
    found = dict(zip(mean_names, row, strict=False))
    rest = iter(row[len(mean_names) :])

    def paired(name: str) -> Moments:
        sxx, syy, sxy = next(rest), next(rest), next(rest)
        return Moments(
            int(found[f"nx_{name}"]),
            _float(found[f"mx_{name}"]),
            _float(found[f"my_{name}"]),
            _float(sxx),
            _float(syy),
            _float(sxy),
        )

    change_moments = {
        pair: Moments(int(found[f"n_d{k}"]), 0.0, _float(found[f"m_d{k}"]), 0.0, _float(next(rest)))
        for k, pair in enumerate(changes)
    }
    with_share = {pair: paired(f"d{k}") for k, pair in enumerate(changes)}
    check_moments = {code: paired(f"c{k}") for k, code in enumerate(checks)}
    return OutcomeMoments(change_moments, with_share, check_moments)


def _float(value: Any) -> float:
    return 0.0 if value is None else float(value)
