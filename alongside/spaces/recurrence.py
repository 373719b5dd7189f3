"""The dates a repeating pattern of sessions falls on. Pure (no Django)."""

from __future__ import annotations

from datetime import date, timedelta

MAX_PATTERN_DAYS = 366


def pattern_dates(*, weekday: int, every_weeks: int, starts_on: date, ends_on: date) -> list[date]:
    """Every `every_weeks`-th `weekday` (0 Monday) from the first one on or after `starts_on`,
    up to and including `ends_on`."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday is 0 (Monday) to 6 (Sunday)")
    if every_weeks < 1:
        raise ValueError("every_weeks is at least 1")
    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    step = timedelta(weeks=every_weeks)
    dates = []
    day = first
    while day <= ends_on:
        dates.append(day)
        day += step
    return dates
