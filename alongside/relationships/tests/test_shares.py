"""The named-worker share, the people and their workers read from finished rows
(`relationships/shares.py`, decision 0130) are what `continuity_summary` and
`continuity_by_quarter` (themselves held to the per-person Python reference by
test_continuity_aggregates.py) give: the same people and workers, the same mean share to 1e-12,
on random people, contacts near quarter and month edges, spells and windows in five zones."""

import math
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.relationships.continuity import Aggregate, next_quarter
from alongside.relationships.queries import continuity_by_quarter, continuity_summary
from alongside.relationships.shares import NamedShares, named_shares, named_shares_by_quarter
from alongside.relationships.tests.test_continuity_aggregates import contacts
from alongside.relationships.tests.test_summaries import ZONES, organisation_with, spells, windows


def assert_same(got: NamedShares, expected: Aggregate, *, workers: bool) -> None:
    assert got.people == expected.people
    assert got.workers == (expected.workers if workers else 0)
    wanted = expected.person_weighted.get("named_share")
    if wanted is None:
        assert got.share is None
    else:
        assert got.share is not None
        assert math.isclose(got.share, wanted, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ZONES), st.lists(st.tuples(contacts, spells), max_size=5), windows)
def test_named_shares_from_finished_rows_are_the_continuity_summary(zone, people, asked):
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        org = organisation_with(people)
        for start, end in asked:
            if start is None or end is None or end <= start:
                continue
            expected = continuity_summary(org.pk, start=start, end=end).summary
            assert_same(named_shares(org.pk, start=start, end=end), expected, workers=False)
            assert_same(
                named_shares(org.pk, start=start, end=end, workers=True), expected, workers=True
            )
        first, last = date(2024, 10, 1), date(2027, 1, 1)
        by_quarter = named_shares_by_quarter(org.pk, first=first, last=last)
        reference = continuity_by_quarter(org.pk, first=first, last=last)
        assert set(by_quarter) == set(reference)
        quarter = first
        while quarter < last:
            if quarter in reference:
                assert_same(by_quarter[quarter], reference[quarter], workers=False)
            quarter = next_quarter(quarter)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_an_empty_window_has_no_people(world):
    found = named_shares(world.org.pk, start=date(2026, 3, 5), end=date(2026, 3, 5))
    assert found == NamedShares(0, 0, None)
