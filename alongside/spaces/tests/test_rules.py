"""Pure rules: the dates a pattern falls on, and regular-then-stopped."""

from datetime import date

import pytest

from alongside.spaces.recurrence import pattern_dates
from alongside.spaces.regularity import (
    engagement,
    is_regular,
    last_attended_index,
    stopped_after_coming_regularly,
)


def test_weekly_pattern_starts_on_the_first_matching_weekday():
    # 1 Jan 2026 is a Thursday; Tuesdays (1) from then until the end of January
    assert pattern_dates(
        weekday=1, every_weeks=1, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31)
    ) == [date(2026, 1, 6), date(2026, 1, 13), date(2026, 1, 20), date(2026, 1, 27)]


def test_fortnightly_pattern_includes_the_last_day_and_its_own_start():
    assert pattern_dates(
        weekday=3, every_weeks=2, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 29)
    ) == [date(2026, 1, 1), date(2026, 1, 15), date(2026, 1, 29)]


def test_no_matching_day_gives_no_dates_and_bad_input_is_refused():
    assert (
        pattern_dates(
            weekday=0, every_weeks=1, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 3)
        )
        == []
    )
    with pytest.raises(ValueError):
        pattern_dates(
            weekday=7, every_weeks=1, starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1)
        )
    with pytest.raises(ValueError):
        pattern_dates(
            weekday=1, every_weeks=0, starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1)
        )


@pytest.mark.parametrize(
    ("came", "stopped"),
    [
        ([1, 1, 1, 1, 0, 0], True),
        ([1, 0, 1, 1, 0, 0], True),  # three of four is regular
        ([0, 0, 1, 1, 0, 0], False),  # two of four is not
        ([1, 1, 1, 1, 1, 0], False),  # missed only one
        ([1, 1, 1, 1, 0, 1], False),  # came last time
        ([1, 1, 1, 0, 0], False),  # too few sessions held to say
        ([0, 1, 1, 1, 0, 1, 1, 1, 0, 0], True),
    ],
)
def test_regular_then_stopped(came, stopped):
    assert stopped_after_coming_regularly([bool(c) for c in came]) is stopped


def test_regular_and_last_attended():
    assert is_regular([True, True, False, True])
    assert not is_regular([True, False, False, True])
    assert last_attended_index([True, True, False, False]) == 1
    assert last_attended_index([False]) is None


def test_engagement_counts_gaps_and_share_since_their_first():
    held = [(i, date(2026, 1, 1 + 7 * i)) for i in range(5)]  # sessions 0..4, weekly
    came = {1: held[1][1], 2: held[2][1], 4: held[4][1]}
    e = engagement(held, came)
    assert e is not None
    assert (e.first, e.latest) == (held[1][1], held[4][1])
    assert (e.attended, e.held_since_first, e.missed_since_first) == (3, 4, 1)
    assert (e.longest_gap, e.current_gap, e.share, e.weeks_coming) == (1, 0, 75, 3)
    assert engagement(held, {}) is None
