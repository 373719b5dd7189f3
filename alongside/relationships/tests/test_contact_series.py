"""Continuity from one pass over contact rows (`contact_series`) against the reference path
(`continuity_of` over the contacts in each window, with `timezone.localdate` per contact)."""

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.relationships.continuity import INDEX_NAMES, Continuity
from alongside.relationships.models import Contact
from alongside.relationships.queries import (
    ContactPoint,
    SpellHistory,
    contact_series,
    continuity_for_people,
    continuity_of,
    local_date_of,
    people_seen_before,
    series_from_rows,
)
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory

# Two years around clock changes in zones with and without summer time, and one off the hour.
ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC")
EARLIEST = datetime(2025, 1, 1, tzinfo=UTC)
instants = st.integers(0, 2 * 366 * 24 * 60).map(lambda m: EARLIEST + timedelta(minutes=m))


def same(a: Continuity, b: Continuity) -> bool:
    if (a.contacts, a.workers) != (b.contacts, b.workers):
        return False
    for name in INDEX_NAMES:
        x, y = a.index(name), b.index(name)
        if (x is None) != (y is None):
            return False
        if x is not None and y is not None and not math.isclose(x, y, abs_tol=1e-9):
            return False
    return True


@given(st.sampled_from(ZONES), st.lists(instants, max_size=50))
def test_local_date_is_timezone_localdate_in_every_zone_and_across_clock_changes(zone, ats):
    with timezone.override(ZoneInfo(zone)):
        local_date = local_date_of()
        assert [local_date(at) for at in ats] == [timezone.localdate(at) for at in ats]


def test_local_date_either_side_of_the_clocks_going_forward_and_back():
    with timezone.override(ZoneInfo("Europe/London")):
        local_date = local_date_of()
        # 2026-03-29 01:00 UTC the clocks go forward; 2026-10-25 01:00 UTC they go back.
        assert local_date(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 28)
        assert local_date(datetime(2026, 5, 1, 23, 30, tzinfo=UTC)) == date(2026, 5, 2)
        assert local_date(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)


spells = st.lists(
    st.tuples(st.integers(0, 700), st.one_of(st.none(), st.integers(0, 120)), st.integers(1, 4)),
    max_size=4,
)
contacts = st.lists(st.tuples(instants, st.integers(1, 4)), max_size=40)
windows = st.lists(st.tuples(st.one_of(st.none(), instants), st.one_of(st.none(), instants)))


@settings(max_examples=300)
@given(
    st.sampled_from(ZONES),
    st.dictionaries(st.integers(1, 6), st.tuples(contacts, spells), max_size=5),
    windows,
)
def test_series_windows_match_the_reference_to_1e_9(zone, people, asked):
    """Random people, contacts, named-worker spells (some open, some over) and windows: every
    window of every person measures the same by both paths."""
    with timezone.override(ZoneInfo(zone)):
        histories: dict[int, SpellHistory] = {}
        rows = []
        points: dict[int, list[ContactPoint]] = {}
        for pid, (found, spans) in sorted(people.items()):
            history = SpellHistory()
            start = date(2025, 1, 1)
            for offset, length, worker in spans:
                start = start + timedelta(days=offset)
                history.add(start, None if length is None else start + timedelta(length), worker)
                start = start + timedelta(days=(length or 0) + 1)
            if spans:
                histories[pid] = history
            ordered = sorted(found, key=lambda item: item[0])  # stable: ties in input order
            rows += [(pid, worker, at) for at, worker in ordered]
            points[pid] = [ContactPoint(pid, worker, at, None) for at, worker in ordered]
        series = series_from_rows(rows, histories, local_date_of())
        for start, end in [(None, None), *asked]:
            for pid in people:
                expected = continuity_of(
                    [
                        p
                        for p in points[pid]
                        if (start is None or p.at >= start) and (end is None or p.at < end)
                    ],
                    histories.get(pid),
                )
                got = series[pid].between(start, end) if pid in series else None
                assert got is None and expected.contacts == 0 or same(got, expected)


@pytest.mark.django_db
def test_contact_series_matches_continuity_for_people_in_two_queries(
    world, django_assert_num_queries
):
    alice, cara = world.user("alice"), world.user("cara")
    now = timezone.now()
    other = PersonFactory(team=world.team)
    SpellFactory(person=other, worker=cara, started_on=timezone.localdate() - timedelta(days=50))
    for days, person, worker in (
        (40, world.person, alice),
        (30, world.person, cara),
        (20, world.person, alice),
        (60, other, alice),
        (10, other, cara),
        (5, other, cara),
    ):
        ContactFactory(person=person, worker=worker, at=now - timedelta(days=days))
    since = now - timedelta(days=365)
    ids = [world.person.pk, other.pk]
    with django_assert_num_queries(2):
        series = contact_series(ids, since=since, spells_since=since.date())
    expected = continuity_for_people(ids, since=since)
    assert {pid: s.between(None, None) for pid, s in series.items()} == expected
    assert series[other.pk].workers_since(now - timedelta(days=15)) == {cara.pk}


@pytest.mark.django_db
def test_people_seen_before_counts_people_not_contacts(world):
    """`Contact.Meta.ordering` would make DISTINCT keep a row per earlier contact."""
    now = timezone.now()
    for days in (400, 300, 200, 100):
        ContactFactory(person=world.person, worker=world.user("alice"), at=now - timedelta(days))
    ContactFactory(person=world.person, worker=world.user("alice"), at=now - timedelta(days=1))
    seen = Contact.objects.filter(at__gte=now - timedelta(days=30)).values("person_id")
    before = people_seen_before(seen, since=now - timedelta(days=30))
    assert list(before) == [world.person.pk]
    assert before.count() == 1
