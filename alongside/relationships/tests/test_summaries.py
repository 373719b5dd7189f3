"""The maintained continuity summary (decision 0069): rebuilt == incremental == the reference.

The reference is the one pass over contact rows (`contact_series(...).between`, itself held to
`continuity_of` in test_contact_series.py); the summary is what the pages and the report read
(`continuity_over_days`)."""

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
    from_tallies,
    measure,
    next_month,
    next_quarter,
    tallies_of,
)
from alongside.relationships.models import (
    ContinuityDay,
    ContinuityFromDay,
    ContinuityMonth,
    ContinuityMonthWorker,
    ContinuityQuarter,
    ContinuityQuarterWorker,
    Initiator,
    Mode,
)
from alongside.relationships.queries import _parts, contact_series, continuity_over_days
from alongside.relationships.services import (
    record_contact,
    update_contact,
)
from alongside.relationships.summaries import (
    SummaryModels,
    fill_from_days,
    fill_months,
    fill_quarters,
    rebuild,
)
from alongside.testing.every_write import Writes, every_contact_and_spell_write
from alongside.testing.factories import (
    ContactFactory,
    OrganisationFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)

ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC")
EARLIEST = datetime(2025, 1, 1, tzinfo=UTC)
instants = st.integers(0, 2 * 366 * 24 * 60).map(lambda m: EARLIEST + timedelta(minutes=m))
days = st.integers(-5, 2 * 366 + 5).map(lambda d: date(2025, 1, 1) + timedelta(days=d))


@given(st.lists(st.tuples(st.integers(1, 5), st.one_of(st.none(), st.integers(1, 5))), max_size=60))
def test_indices_from_tallies_are_the_same_floats_as_measure(pairs):
    workers = [worker for worker, _named in pairs]
    named = [own for _worker, own in pairs]
    assert from_tallies(tallies_of(workers, named)) == measure(workers, named)


def _aware(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())


PERIODS = (
    ContinuityQuarterWorker,
    ContinuityQuarter,
    ContinuityMonthWorker,
    ContinuityMonth,
    ContinuityFromDay,
)


def _rows() -> tuple[set[tuple[Any, ...]], ...]:
    """Every summary row: day rows, quarter rows per worker, finished quarters, month rows per
    worker, finished months, finished tallies from each contact day on."""
    return _day_rows(), *(
        set(model.objects.values_list(*(f.attname for f in model._meta.fields[1:])))
        for model in PERIODS
    )


def _day_rows() -> set[tuple[Any, ...]]:
    return set(
        ContinuityDay.objects.values_list(
            "organisation_id",
            "person_id",
            "worker_id",
            "day",
            "contacts",
            "minutes",
            "named_considered",
            "named_matched",
            "follows_same",
            "opens_day_same",
        )
    )


def _reference(org: Any, start: date | None, end: date | None) -> dict[int, Any]:
    people = org_people(org)
    series = contact_series(people, since=datetime(2000, 1, 1, tzinfo=UTC), spells_since=date.min)
    found = {pid: s.between(_aware(start), _aware(end)) for pid, s in series.items()}
    return {pid: result for pid, result in found.items() if result.contacts}


def org_people(org: Any) -> list[int]:
    return list(Person.objects.filter(organisation=org).values_list("pk", flat=True))


spells = st.lists(
    st.tuples(st.integers(0, 300), st.one_of(st.none(), st.integers(0, 200)), st.integers(0, 3)),
    max_size=3,
)
MONTH_STARTS = [date(y, m, 1) for y in (2025, 2026) for m in range(1, 13)]
# Within 14 hours either side of a month's first midnight in UTC: in one zone or another the
# contact falls on the month's first or the month before's last local day.
near_months = st.tuples(st.sampled_from(MONTH_STARTS), st.integers(-14 * 60, 14 * 60)).map(
    lambda edge: (
        datetime.combine(edge[0], datetime.min.time(), tzinfo=UTC) + timedelta(minutes=edge[1])
    )
)
contacts = st.lists(st.tuples(st.one_of(instants, near_months), st.integers(0, 3)), max_size=25)
# Quarter and month starts too, so windows of exactly a quarter or a month (the finished
# tallies), of whole quarters and of whole quarters with whole months and days either side
# (decisions 0096, 0119) all come up, as do windows from and to the middle of a month.
quarters = st.sampled_from([date(y, m, 1) for y in (2024, 2025, 2026, 2027) for m in (1, 4, 7, 10)])
months = st.sampled_from([date(2024, 12, 1), *MONTH_STARTS, date(2027, 1, 1)])
bounds = st.one_of(st.none(), days, quarters, months)
windows = st.lists(
    st.one_of(
        st.tuples(bounds, bounds),
        quarters.map(lambda q: (q, next_quarter(q))),
        months.map(lambda m: (m, next_month(m))),
        # No end: each person's from-day row (decision 0129), from any day, month or quarter.
        st.one_of(days, months, quarters).map(lambda d: (d, None)),
        st.tuples(months, st.integers(1, 14)).map(
            lambda m: (m[0], next_month(m[0]) + timedelta(days=m[1]))
        ),
    ),
    max_size=5,
)


def organisation_with(people: list[tuple[Any, Any]]) -> Any:
    """A new organisation with one team, four workers and these people (`add_person`'s
    contacts and spells each)."""
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    workers = [UserFactory() for _ in range(4)]
    for found, spans in people:
        add_person(org, team, workers, found, spans)
    return org


def add_person(
    org: Any,
    team: Any,
    workers: list[Any],
    found: list[tuple[datetime, int]],
    spans: list[tuple[int, int | None, int]],
) -> Person:
    """A person with the drawn named-worker spells (one after another from 1 January 2025, the
    last open or not) and contacts (`workers[i]` for worker i)."""
    person = PersonFactory(organisation=org, team=team)
    start = date(2025, 1, 1)
    for offset, length, worker in spans:
        start += timedelta(days=offset)
        ended = None if length is None else start + timedelta(days=length)
        SpellFactory(person=person, worker=workers[worker], started_on=start, ended_on=ended)
        if ended is None:
            break
        start = ended + timedelta(days=1)
    for at, worker in found:
        ContactFactory(person=person, worker=workers[worker], at=at)
    return person


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ZONES), st.lists(st.tuples(contacts, spells), max_size=4), windows)
def test_summary_windows_are_the_reference_rebuilt_or_incremental(zone, people, asked):
    """Random people, contacts (ties included), named-worker spells and day windows in five
    zones: the summary kept in step contact by contact gives exactly the reference's figures,
    and rebuilding it gives the same rows."""
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        org = organisation_with(people)
        incremental = _rows()
        assert rebuild() == len(incremental[0])
        assert _rows() == incremental
        assert fill_quarters(SummaryModels()) == len(incremental[1])
        assert fill_months(SummaryModels()) == len(incremental[3])
        assert fill_from_days(SummaryModels()) == len(incremental[5])
        assert _rows() == incremental  # the migrations' fills from day rows: the same
        for start, end in [(None, None), *asked]:
            assert continuity_over_days(org.pk, start=start, end=end) == _reference(org, start, end)
        transaction.set_rollback(True)


pytestmark_services = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)


@pytestmark_services
def test_every_service_that_changes_contacts_or_spells_keeps_the_summary_in_step(world):
    """Recording, changing, moving, removing and putting back a contact, naming a worker, a warm
    and a cold handover, merging two records and undoing it: after each, the rows are what a
    rebuild makes."""
    cara = world.members["cara"]

    def contacts_of(person: Any) -> int:
        return sum(ContinuityDay.objects.filter(person=person).values_list("contacts", flat=True))

    def check(step: str, writes: Writes) -> None:
        rows = _rows()
        rebuild()
        assert _rows() == rows
        if step == "recorded":
            assert ContinuityDay.objects.filter(person=world.person).count() == 1
        elif step == "updated":
            assert ContinuityDay.objects.get(person=world.person).worker_id == cara.user.pk
        elif step == "moved":
            assert not ContinuityDay.objects.filter(person=world.person).exists()
            assert ContinuityDay.objects.get(person=writes.other).named_matched == 1
        elif step == "merged":
            assert not ContinuityDay.objects.filter(person=writes.third).exists()
            assert contacts_of(writes.other) == 3
        elif step == "merge undone":
            assert ContinuityDay.objects.filter(person=writes.third).exists()
        elif step == "removed":
            assert contacts_of(writes.other) == 1
        elif step == "restored":
            assert contacts_of(writes.other) == 2

    every_contact_and_spell_write(world, check)


@pytest.mark.time_machine("2026-04-05 10:00:00+00:00", tick=False)
def test_a_contact_moved_across_a_quarter_boundary_moves_between_quarter_rows(world):
    """A contact on the last evening of March (London, summer time: 31 March 23:30 is 22:30
    UTC) moved to the next morning leaves Q1's rows for Q2's; every quarter window still gives
    the reference's figures, and the rows are what a rebuild makes."""
    alice, cara = world.members["alice"], world.members["cara"]
    org = world.person.organisation
    london = ZoneInfo("Europe/London")
    with timezone.override(london):
        for day, member in ((20, alice), (25, cara), (28, alice)):
            record_contact(
                world.person,
                by=alice,
                at=datetime(2026, 3, day, 11, tzinfo=london),
                worker=member.user,
                mode=Mode.PHONE,
                minutes=10,
                initiated_by=Initiator.US,
                late_reason="From the paper diary.",
            )
        late = record_contact(
            world.person,
            by=alice,
            at=datetime(2026, 3, 31, 23, 30, tzinfo=london),
            worker=alice.user,
            mode=Mode.PHONE,
            minutes=10,
            initiated_by=Initiator.US,
            late_reason="From the paper diary.",
        )
        record_contact(
            world.person,
            by=alice,
            at=datetime(2026, 4, 2, 9, tzinfo=london),
            worker=alice.user,
            mode=Mode.PHONE,
            minutes=10,
            initiated_by=Initiator.US,
            late_reason="From the paper diary.",
        )
        q1, q2 = date(2026, 1, 1), date(2026, 4, 1)

        def quarter(start: date) -> ContinuityQuarter:
            return ContinuityQuarter.objects.get(person=world.person, quarter=start)

        assert (quarter(q1).contacts, quarter(q2).contacts) == (4, 1)
        assert quarter(q2).same_pairs == 0  # its pair with 31 March reaches outside Q2
        update_contact(
            late,
            by=alice,
            at=datetime(2026, 4, 1, 0, 30, tzinfo=london),
            worker=alice.user,
            mode=Mode.PHONE,
            minutes=10,
            initiated_by=Initiator.US,
            late_reason="From the paper diary.",
        )
        assert (quarter(q1).contacts, quarter(q2).contacts) == (3, 2)
        assert quarter(q2).same_pairs == 1
        assert ContinuityQuarterWorker.objects.get(
            person=world.person, quarter=q2, worker=alice.user
        ).first_day == date(2026, 4, 1)
        for start, end in [
            (q1, q2),
            (q2, next_quarter(q2)),
            (q1, None),
            (date(2026, 3, 25), q2),
            (date(2026, 3, 25), date(2026, 4, 2)),
            (None, q2),
        ]:
            assert continuity_over_days(org.pk, start=start, end=end) == _reference(org, start, end)
        rows = _rows()
        rebuild()
        assert _rows() == rows


def test_a_window_reads_whole_quarters_whole_months_and_under_a_month_of_days_at_each_end():
    """What each window reads (decision 0119): the report's 12 months are a month, three
    quarters and two months, no day rows; the team page's last 365 days are the days to the next
    month, the months to the next quarter and quarters after; a window inside a quarter is
    months with days either side; one without a whole month is days."""
    day, month, quarter = ContinuityDay, ContinuityMonthWorker, ContinuityQuarterWorker
    assert _parts(date(2025, 12, 1), date(2026, 12, 1)) == [
        (month, "month", "first_day", date(2025, 12, 1), date(2026, 1, 1)),
        (quarter, "quarter", "first_day", date(2026, 1, 1), date(2026, 10, 1)),
        (month, "month", "first_day", date(2026, 10, 1), date(2026, 12, 1)),
    ]
    assert _parts(date(2025, 11, 6), None) == [
        (day, "day", "day", date(2025, 11, 6), date(2025, 12, 1)),
        (month, "month", "first_day", date(2025, 12, 1), date(2026, 1, 1)),
        (quarter, "quarter", "first_day", date(2026, 1, 1), None),
    ]
    assert _parts(date(2026, 4, 20), date(2026, 6, 3)) == [
        (day, "day", "day", date(2026, 4, 20), date(2026, 5, 1)),
        (month, "month", "first_day", date(2026, 5, 1), date(2026, 6, 1)),
        (day, "day", "day", date(2026, 6, 1), date(2026, 6, 3)),
    ]
    assert _parts(date(2026, 4, 20), date(2026, 5, 20)) == [
        (day, "day", "day", date(2026, 4, 20), date(2026, 5, 20))
    ]
    assert _parts(None, date(2026, 2, 10)) == [
        (quarter, "quarter", "first_day", None, date(2026, 1, 1)),
        (month, "month", "first_day", date(2026, 1, 1), date(2026, 2, 1)),
        (day, "day", "day", date(2026, 2, 1), date(2026, 2, 10)),
    ]


@pytest.mark.time_machine("2026-11-05 10:00:00+00:00", tick=False)
def test_a_contact_moved_across_a_month_boundary_after_the_clocks_change(world):
    """London's clocks went back on 25 October 2026: a contact on 31 October at 23:30 (GMT) moved
    to 1 November 00:30 leaves October's month rows for November's; exact months, windows from
    the middle of a month across the change and the report's months still give the reference's
    figures, and the rows are what a rebuild makes."""
    alice, cara = world.members["alice"], world.members["cara"]
    org = world.person.organisation
    london = ZoneInfo("Europe/London")
    with timezone.override(london):
        contacts = []
        for at, member in (
            (datetime(2026, 9, 30, 23, 30, tzinfo=london), alice),
            (datetime(2026, 10, 24, 23, 30, tzinfo=london), cara),
            (datetime(2026, 10, 25, 0, 30, tzinfo=london), alice),
            (datetime(2026, 10, 31, 23, 30, tzinfo=london), alice),
            (datetime(2026, 11, 2, 9, tzinfo=london), alice),
        ):
            contacts.append(
                record_contact(
                    world.person,
                    by=alice,
                    at=at,
                    worker=member.user,
                    mode=Mode.PHONE,
                    minutes=10,
                    initiated_by=Initiator.US,
                    late_reason="From the paper diary.",
                )
            )
        october, november = date(2026, 10, 1), date(2026, 11, 1)

        def month(start: date) -> ContinuityMonth:
            return ContinuityMonth.objects.get(person=world.person, month=start)

        assert (month(october).contacts, month(november).contacts) == (3, 1)
        assert month(november).same_pairs == 0  # its pair with 31 October reaches outside
        update_contact(
            contacts[3],
            by=alice,
            at=datetime(2026, 11, 1, 0, 30, tzinfo=london),
            worker=alice.user,
            mode=Mode.PHONE,
            minutes=10,
            initiated_by=Initiator.US,
            late_reason="From the paper diary.",
        )
        assert (month(october).contacts, month(november).contacts) == (2, 2)
        assert month(november).same_pairs == 1
        assert ContinuityMonthWorker.objects.get(
            person=world.person, month=november, worker=alice.user
        ).first_day == date(2026, 11, 1)
        for start, end in [
            (october, november),
            (november, date(2026, 12, 1)),
            (date(2026, 9, 1), date(2026, 12, 1)),
            (date(2026, 10, 25), date(2026, 12, 1)),
            (date(2026, 10, 25), date(2026, 11, 2)),
            (date(2025, 12, 1), date(2026, 12, 1)),
            (date(2025, 11, 5), None),
            (october, None),
        ]:
            assert continuity_over_days(org.pk, start=start, end=end) == _reference(org, start, end)
        rows = _rows()
        rebuild()
        assert _rows() == rows


@pytest.mark.django_db
def test_a_window_with_no_end_seeks_each_persons_from_day_row_from_the_people():
    """Decision 0129: the last 365 days read one from-day row per person of the team, found by
    two seeks of the (person, day) index from each person; never a walk of the organisation's
    from-day rows (on the 10,000-person demo that walk was 8 times the CPU)."""
    from django.db import connection

    from alongside.relationships.queries import _FROM_DAY_SQL, _window_sql

    if connection.vendor != "sqlite":
        pytest.skip("the plan's words are SQLite's; both engines' figures are the property tests'")
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    people = Person.objects.filter(organisation=org, team=team).values("pk")
    query, params = _window_sql(org.pk, date(2025, 12, 7), None, people)
    assert query.startswith(_FROM_DAY_SQL.split("{")[0])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query, params)
        plan = [row[-1] for row in cursor.fetchall()]
    from_day = [step for step in plan if "from_day" in step.split(" USING")[0]]
    later = [step for step in plan if "later" in step.split(" USING")[0]]
    assert plan[0].startswith("SEARCH person "), plan
    assert len(from_day) == 1 and "(person_id=? AND day=?)" in from_day[0], plan
    assert len(later) == 1 and "(person_id=? AND day>?)" in later[0], plan
