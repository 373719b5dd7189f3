"""Opening times in plain words, postcode districts, and reading ORUK values (pure)."""

from datetime import time

import pytest

from alongside.directory import oruk
from alongside.directory.models import postcode_district


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        (
            {"freq": "WEEKLY", "byday": "TU,TH", "opens_at": time(10), "closes_at": time(12)},
            "Tuesdays and Thursdays, 10am to 12pm",
        ),
        (
            {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": time(9, 30)},
            "Weekdays, from 9:30am",
        ),
        ({"freq": "WEEKLY", "interval": 2, "byday": "WE"}, "Every other week on Wednesdays"),
        (
            {"freq": "MONTHLY", "byday": "1MO", "opens_at": time(19), "closes_at": time(21)},
            "The first Monday of every month, 7pm to 9pm",
        ),
        ({"freq": "MONTHLY", "bymonthday": "2,3,4"}, "The 2nd, 3rd and 4th of every month"),
        ({"freq": "", "description": "Ring first"}, "Ring first"),
        (
            {"freq": "WEEKLY", "byday": "SA", "opens_at": time(12), "closes_at": time(13, 15)},
            "Saturdays, 12pm to 1:15pm",
        ),
    ],
)
def test_schedule_words(schedule, words):
    values = {
        "freq": "",
        "interval": None,
        "byday": "",
        "bymonthday": "",
        "opens_at": None,
        "closes_at": None,
    }
    assert oruk.schedule_words(**{**values, **schedule}) == words


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("ls6 1ab", "LS6"), ("LS61AB", "LS6"), ("SW1A 1AA", "SW1A"), ("", ""), ("ABC 1234", "ABC")],
)
def test_postcode_district(postcode, district):
    assert postcode_district(postcode) == district


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("10:00", time(10)),
        ("10:00:00", time(10)),
        ("09:00Z", time(9)),
        ("09:00-05:00", time(9)),
        ("25:00", None),
        ("ten", None),
        (10, None),
    ],
)
def test_parse_time(value, parsed):
    assert oruk.parse_time(value) == parsed


def test_numbers_out_of_range_or_not_finite_are_refused():
    item = {
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "X",
        "status": "active",
        "minimum_age": float("inf"),
        "maximum_age": 12.5,
    }
    assert [(p.field, p.message[-30:]) for p in oruk.check_services([item])] == [
        ("minimum_age", "whole number of years from 0 to 150"[-30:]),
        ("maximum_age", "whole number of years from 0 to 150"[-30:]),
    ]
