"""Continuity averaged in the database (decision 0106) against the Python reference.

`continuity_summary` and `continuity_by_quarter` give what `aggregate` gives over each person's
figures from the one pass over contact rows (`contact_series(...).between`, the reference of
test_summaries.py): the same people, contacts and workers, every person-weighted and
contact-weighted mean to 1e-9, and the same spread of named-worker shares, on random people,
contacts (many near quarter boundaries), spells and windows in five time zones.
"""

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.people.models import Person
from alongside.relationships.continuity import (
    INDEX_NAMES,
    Aggregate,
    Continuity,
    aggregate,
    next_quarter,
)
from alongside.relationships.queries import (
    QuarterFigures,
    continuity_by_quarter,
    continuity_summary,
    people_seeing_many_workers,
    quarter_figures,
)
from alongside.relationships.tests.test_summaries import (
    ZONES,
    _reference,
    add_person,
    instants,
    spells,
    windows,
)
from alongside.testing.factories import (
    ContactFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

BINS = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)]  # the page's
QUARTER_STARTS = [date(y, m, 1) for y in (2025, 2026) for m in (1, 4, 7, 10)]
# Within 14 hours either side of a quarter's first midnight in UTC: in one zone or another the
# contact falls on the quarter's first or the last quarter's last local day.
near_edges = st.tuples(st.sampled_from(QUARTER_STARTS), st.integers(-14 * 60, 14 * 60)).map(
    lambda edge: (
        datetime.combine(edge[0], datetime.min.time(), tzinfo=UTC) + timedelta(minutes=edge[1])
    )
)
contacts = st.lists(st.tuples(st.one_of(instants, near_edges), st.integers(0, 3)), max_size=25)


def assert_same(got: Aggregate, expected: Aggregate) -> None:
    assert (got.people, got.contacts, got.workers) == (
        expected.people,
        expected.contacts,
        expected.workers,
    )
    for means, reference in (
        (got.person_weighted, expected.person_weighted),
        (got.contact_weighted, expected.contact_weighted),
    ):
        assert set(means) == set(INDEX_NAMES)
        for name in INDEX_NAMES:
            value, wanted = means[name], reference[name]
            if wanted is None:
                assert value is None, name
            else:
                assert value is not None, name
                assert math.isclose(value, wanted, rel_tol=1e-9, abs_tol=1e-12), name


def assert_same_figures(got: QuarterFigures, expected: Aggregate) -> None:
    """A trend's quarter (`quarter_figures`, every index asked for) against `aggregate`."""
    assert (got.people, got.contacts) == (expected.people, expected.contacts)
    assert set(got.person_weighted) == set(INDEX_NAMES)
    for name in INDEX_NAMES:
        value, wanted = got.person_weighted[name], expected.person_weighted[name]
        if wanted is None:
            assert value is None, name
        else:
            assert value is not None, name
            assert math.isclose(value, wanted, rel_tol=1e-9, abs_tol=1e-12), name


def spread(results: list[Continuity]) -> tuple[tuple[int, ...], int]:
    """The page's distribution, worked out in Python: people per named-share bin, and people
    with contacts but no named share."""
    shares = [r.named_share for r in results if r.named_share is not None]
    counts = tuple(sum(1 for s in shares if low <= s < high) for low, high in BINS)
    return counts, sum(1 for r in results if r.contacts and r.named_share is None)


def _people(org: Any, team: Any) -> Any:
    return Person.objects.filter(organisation=org, team=team).values("pk")


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ZONES),
    st.lists(st.tuples(contacts, spells, st.booleans()), max_size=5),
    windows,
)
def test_averages_in_the_database_are_the_python_reference(zone, people, asked):
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        org = OrganisationFactory()
        teams = [TeamFactory(organisation=org), TeamFactory(organisation=org)]
        workers = [UserFactory() for _ in range(4)]
        ids = {}
        for found, spans, second_team in people:
            person = add_person(org, teams[second_team], workers, found, spans)
            ids[person.pk] = second_team
        for start, end in [(None, None), *asked]:
            reference = _reference(org, start, end)
            got = continuity_summary(org.pk, start=start, end=end, share_bins=BINS)
            assert_same(got.summary, aggregate(reference.values()))
            assert (got.shares, got.without_named_share) == spread(list(reference.values()))
            team = [r for pid, r in reference.items() if not ids[pid]]
            narrowed = continuity_summary(
                org.pk, start=start, end=end, people=_people(org, teams[0]), share_bins=BINS
            )
            assert_same(narrowed.summary, aggregate(team))
            assert (narrowed.shares, narrowed.without_named_share) == spread(team)
        first, last = date(2024, 10, 1), date(2027, 1, 1)
        by_quarter = continuity_by_quarter(org.pk, first=first, last=last)
        in_team = continuity_by_quarter(
            org.pk, first=first, last=last, people=_people(org, teams[0])
        )
        figures = quarter_figures(org.pk, first=first, last=last)
        team_figures = quarter_figures(
            org.pk, first=first, last=last, people=_people(org, teams[0]), indices=("coc",)
        )
        nobody = QuarterFigures(0, 0, dict.fromkeys(INDEX_NAMES))
        quarter = first
        while quarter < last:
            reference = _reference(org, quarter, next_quarter(quarter))
            expected = aggregate(reference.values())
            assert_same(by_quarter.get(quarter, aggregate(())), expected)
            assert (quarter in by_quarter) == bool(reference)
            team = [r for pid, r in reference.items() if not ids[pid]]
            assert_same(in_team.get(quarter, aggregate(())), aggregate(team))
            assert_same_figures(figures.get(quarter, nobody), expected)
            assert (quarter in figures) == bool(reference)
            narrowed_figures = team_figures.get(quarter, QuarterFigures(0, 0, {"coc": None}))
            team_expected = aggregate(team)
            assert (narrowed_figures.people, narrowed_figures.contacts) == (
                team_expected.people,
                team_expected.contacts,
            )
            assert narrowed_figures.person_weighted.keys() == {"coc"}
            coc, wanted = (
                narrowed_figures.person_weighted["coc"],
                team_expected.person_weighted["coc"],
            )
            assert (coc is None) == (wanted is None)
            if coc is not None and wanted is not None:
                assert math.isclose(coc, wanted, rel_tol=1e-9, abs_tol=1e-12)
            many = dict(people_seeing_many_workers(org.pk, quarter=quarter, at_least=2))
            assert many == {pid: r.workers for pid, r in reference.items() if r.workers >= 2}
            quarter = next_quarter(quarter)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_nobody_seen_is_no_figures_not_zero():
    org = OrganisationFactory()
    found = continuity_summary(org.pk, start=date(2026, 1, 1), end=None, share_bins=BINS)
    assert found.summary == aggregate(())
    assert (found.shares, found.without_named_share) == ((0,) * len(BINS), 0)
    assert continuity_by_quarter(org.pk, first=date(2026, 1, 1), last=date(2027, 1, 1)) == {}
    assert quarter_figures(org.pk, first=date(2026, 1, 1), last=date(2027, 1, 1)) == {}


# The world's named-worker spells start 200 days before "now": from here, on 2026-05-21, after
# the February contacts below. On a clock before 2026-08-21 they would cover them.
@pytest.mark.time_machine(datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Europe/London")))
@pytest.mark.django_db
def test_each_persons_figures_are_averaged_not_their_contacts(world):
    """Two people, one seen four times by one worker and one seen twice by two: the
    person-weighted UPC is the mean of 1 and 0.5, the contact-weighted one weights them 4 and 2;
    COC is defined for both, named share for neither (no spell over these contacts)."""
    alice, cara = world.user("alice"), world.user("cara")
    other = PersonFactory(organisation=world.org, team=world.team)
    at = datetime(2026, 2, 2, 12, tzinfo=UTC)
    for day in range(4):
        ContactFactory(person=world.person, worker=alice, at=at + timedelta(days=day))
    ContactFactory(person=other, worker=alice, at=at)
    ContactFactory(person=other, worker=cara, at=at + timedelta(days=1))
    found = continuity_summary(world.org.pk, start=date(2026, 1, 1), end=date(2026, 4, 1))
    summary = found.summary
    assert (summary.people, summary.contacts, summary.workers) == (2, 6, 3)
    assert summary.person_weighted["upc"] == 0.75
    assert summary.contact_weighted["upc"] == pytest.approx((4 * 1 + 2 * 0.5) / 6)
    assert summary.person_weighted["coc"] == 0.5  # (1 + 0) / 2
    assert summary.person_weighted["named_share"] is None
    assert found.without_named_share == 2
    by_quarter = continuity_by_quarter(world.org.pk, first=date(2026, 1, 1), last=date(2026, 4, 1))
    assert by_quarter == {date(2026, 1, 1): summary}
