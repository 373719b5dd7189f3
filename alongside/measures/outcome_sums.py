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
Python, so the figures are those of `paired_change` and `correlation` to rounding. Each
instrument's rows are summed apart, with only its own measures' columns (decision 0135).
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
    is not the baseline, a Relationship Check point for every row of that instrument.

    One query: the people's shares once, then for each instrument its own rows with only its
    own measures' columns, their means, and the sums around the means; one row comes back with
    every instrument's aggregates side by side. (One set of rows for all the instruments made
    every row carry every instrument's columns, NULL but still aggregated: three times the
    work on the demo, whose people answer the three built-in instruments alike.)"""
    rows = MeasureBaseline.objects.for_system(WHY).filter(
        organisation_id=organisation_id,
        latest_at__gte=since,
        latest_at__lt=until,
        first_at__lt=until,
    )
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    shares, shares_params = shares_sql(organisation_id, start, end + timedelta(days=1))
    share = "CASE WHEN s.considered > 0 THEN CAST(s.matched AS DOUBLE PRECISION) / s.considered END"

    parts: list[str] = []  # the common table expressions after the shares
    params: list[Any] = [*shares_params]
    selected: list[str] = []  # the final SELECT's columns, in order
    tables: list[str] = []  # the final FROM's one-row tables
    changes: list[tuple[str, str]] = []
    checks: list[str] = []
    for instrument_id, (key, measures) in measured.items():
        if not measures:
            continue
        block = f"i{int(instrument_id)}"
        # Executed as written, so no converter reads the JSON: the database takes the numbers out.
        rows_sql, rows_params = (
            rows.filter(instrument_id=instrument_id)
            .order_by()
            .values("person_id", "first_id", "latest_id", "first_measures", "latest_measures")
            .query.sql_with_params()
        )
        columns: list[str] = []
        column_params: list[Any] = []
        names: list[str] = []  # this block's change and check columns
        for measure_key in measures:
            after, after_params = _number("b.latest_measures", measure_key)
            if instrument_id == check_instrument_id:
                columns.append(f"{after} AS c{len(checks)}")
                column_params.extend(after_params)
                names.append(f"c{len(checks)}")
                checks.append(measure_key)
            before, before_params = _number("b.first_measures", measure_key)
            columns.append(
                f"CASE WHEN b.first_id <> b.latest_id THEN {after} - {before} END"
                f" AS d{len(changes)}"
            )
            column_params.extend([*after_params, *before_params])
            names.append(f"d{len(changes)}")
            changes.append((key, measure_key))
        parts.append(
            f"{block} AS MATERIALIZED (SELECT {share} AS x, {', '.join(columns)}"  # noqa: S608 - keys are parameters
            f" FROM ({rows_sql}) AS b LEFT JOIN shares AS s ON s.person_id = b.person_id)"
        )
        params.extend([*column_params, *rows_params])
        means: list[str] = []
        sums: list[str] = []
        for name in names:
            if name.startswith("d"):
                means += [f"COUNT({name}) AS n_{name}", f"AVG({name}) AS m_{name}"]
                sums.append(f"SUM(({name} - m_{name}) * ({name} - m_{name})) AS s_{name}")
        for name in names:
            both = f"x IS NOT NULL AND {name} IS NOT NULL"
            means += [
                f"COUNT(CASE WHEN x IS NOT NULL THEN {name} END) AS nx_{name}",
                f"AVG(CASE WHEN {name} IS NOT NULL THEN x END) AS mx_{name}",
                f"AVG(CASE WHEN x IS NOT NULL THEN {name} END) AS my_{name}",
            ]
            dx, dy = f"(x - mx_{name})", f"({name} - my_{name})"
            sums += [
                f"SUM(CASE WHEN {both} THEN {dx} * {dx} END) AS sxx_{name}",
                f"SUM(CASE WHEN {both} THEN {dy} * {dy} END) AS syy_{name}",
                f"SUM(CASE WHEN {both} THEN {dx} * {dy} END) AS sxy_{name}",
            ]
        parts.append(f"{block}_means AS (SELECT {', '.join(means)} FROM {block})")  # noqa: S608
        # One row of means beside one row of sums round them: no GROUP BY (which would sort
        # every row by the means' columns).
        tables += [
            f"{block}_means",
            f"(SELECT {', '.join(sums)} FROM {block} CROSS JOIN {block}_means) AS {block}_sums",  # noqa: S608
        ]
        selected += [mean.rsplit(" AS ", 1)[1] for mean in means]
        selected += [total.rsplit(" AS ", 1)[1] for total in sums]
    if not changes:
        return OutcomeMoments({}, {}, {})
    query = (
        f"WITH shares AS MATERIALIZED ({shares}), {', '.join(parts)}"  # noqa: S608
        f" SELECT {', '.join(selected)} FROM {' CROSS JOIN '.join(tables)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    assert row is not None  # one row of aggregates, even over no rows
    found = dict(zip(selected, row, strict=True))

    def paired(name: str) -> Moments:
        return Moments(
            int(found[f"nx_{name}"]),
            _float(found[f"mx_{name}"]),
            _float(found[f"my_{name}"]),
            _float(found[f"sxx_{name}"]),
            _float(found[f"syy_{name}"]),
            _float(found[f"sxy_{name}"]),
        )

    change_moments = {
        pair: Moments(
            int(found[f"n_d{k}"]), 0.0, _float(found[f"m_d{k}"]), 0.0, _float(found[f"s_d{k}"])
        )
        for k, pair in enumerate(changes)
    }
    with_share = {pair: paired(f"d{k}") for k, pair in enumerate(changes)}
    check_moments = {code: paired(f"c{k}") for k, code in enumerate(checks)}
    return OutcomeMoments(change_moments, with_share, check_moments)


def _float(value: Any) -> float:
    return 0.0 if value is None else float(value)
