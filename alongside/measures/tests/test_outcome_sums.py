"""The outcome changes and the continuity associations summed in the database (decision 0117)
are the per-person Python they replaced: each person's pairs (`_pairs`, itself held to the one
pass over every answer by `reports/tests/test_aggregates_in_sql.py`), the whole organisation's
continuity (`continuity_over_days`) and the pure `paired_change` and `correlation`."""

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.measures.builtins import LONELINESS, ONS4, RELATIONSHIP_CHECK
from alongside.measures.queries import (
    Association,
    OutcomeChange,
    _check_version,
    _Pairs,
    _pairs,
    _shares_of,
    continuity_associations,
    outcome_changes,
    outcome_figures,
)
from alongside.measures.stats import (
    Moments,
    change_of,
    correlation,
    correlation_of,
    merged,
    moments_of,
    paired_change,
)
from alongside.measures.tests.helpers import answered, version
from alongside.people.models import Person
from alongside.relationships.queries import continuity_over_days
from alongside.relationships.shares import shares_sql
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory, TeamFactory

pytestmark = pytest.mark.django_db

ZONES = ("Europe/London", "America/New_York", "Asia/Kathmandu", "UTC")
EARLIEST = datetime(2025, 10, 1, tzinfo=UTC)
SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
periods = st.tuples(st.integers(0, 200), st.integers(0, 400)).map(
    lambda p: (date(2025, 10, 1) + timedelta(days=p[0]), date(2025, 10, 1) + timedelta(days=sum(p)))
)


def reference_changes(pairs: _Pairs) -> list[OutcomeChange]:
    """The changes as they were made before decision 0117: `paired_change` per measure."""
    found = []
    for (instrument_key, measure_key), label in pairs.labels.items():
        people = pairs.changes.get((instrument_key, measure_key), {})
        change = paired_change(list(people.values()))
        found.append(
            OutcomeChange(
                instrument_key,
                measure_key,
                label,
                change.n,
                change.mean,
                change.ci_low,
                change.ci_high,
            )
        )
    return found


def reference_associations(
    organisation_id: int, start: date, end: date, pairs: _Pairs
) -> list[Association]:
    """The associations as they were made before decision 0117: every person's continuity in
    the organisation, then `correlation` per measure over the pairs in Python."""
    people: set[int] = {pid for found in pairs.changes.values() for pid in found}
    people |= pairs.checks.keys()
    over = continuity_over_days(organisation_id, start=start, end=end + timedelta(days=1))
    share = {}
    for pid in people:
        named_share = over[pid].named_share if pid in over else None
        if named_share is not None:
            share[pid] = named_share
    found = []
    for (instrument_key, measure_key), label in pairs.labels.items():
        if instrument_key == RELATIONSHIP_CHECK:
            continue
        values = pairs.changes.get((instrument_key, measure_key), {})
        xs = [share[pid] for pid in values if pid in share]
        ys = [values[pid][1] - values[pid][0] for pid in values if pid in share]
        result = correlation(xs, ys)
        found.append(
            Association(
                f"Continuity and change in {label}",
                result.n,
                result.r,
                result.ci_low,
                result.ci_high,
            )
        )
    check = _check_version(organisation_id)
    if check is not None:
        for item in check.definition.items:
            points = [
                (share[pid], measures[item.code])
                for pid, measures in pairs.checks.items()
                if pid in share and item.code in measures
            ]
            result = correlation([p[0] for p in points], [p[1] for p in points])
            found.append(
                Association(
                    f"Continuity and “{item.label}” (Relationship Check)",
                    result.n,
                    result.r,
                    result.ci_low,
                    result.ci_high,
                )
            )
    return found


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    )


def _same(new: list, old: list) -> None:
    assert len(new) == len(old)
    for got, expected in zip(new, old, strict=True):
        assert got.label == expected.label
        assert got.n == expected.n
        for name in ("mean_change", "r", "ci_low", "ci_high"):
            if hasattr(expected, name):
                assert _close(getattr(got, name), getattr(expected, name)), (name, got, expected)


def _write(world, data, period, *, people: int, answers: int, contacts: int):
    other = TeamFactory(organisation=world.org, name="Other")
    found = [PersonFactory(team=world.team if i < 7 else other) for i in range(people)]
    workers = [world.user(name) for name in ("alice", "cara", "colin")]
    author = workers[0]
    for number, person in enumerate(found):
        if number % 5:  # a few people have no named worker: no share
            SpellFactory(
                person=person,
                worker=workers[number % 2],
                started_on=date(2025, 9, 1) + timedelta(days=data.draw(st.integers(0, 200))),
            )
    # Half the contacts and answers fall in the period, so most figures have 5 people or more.
    start, end = (datetime.combine(day, datetime.min.time(), tzinfo=UTC) for day in period)
    inside = st.integers(0, (end - start).days * 24 * 60 + 24 * 60 - 1).map(
        lambda m: start + timedelta(minutes=m)
    )
    at = st.one_of(
        st.integers(0, 480 * 24 * 4).map(lambda q: EARLIEST + timedelta(minutes=15 * q)), inside
    )
    versions = {key: version(key) for key in (ONS4, LONELINESS, RELATIONSHIP_CHECK)}
    moment = st.integers(0, 500 * 24 * 60).map(lambda m: EARLIEST + timedelta(minutes=m))
    # Ties in time are likely (few distinct minutes) so the id breaks them.
    moment = st.one_of(moment, inside, st.sampled_from([EARLIEST, EARLIEST + timedelta(days=200)]))
    for person in found:
        for _ in range(data.draw(st.integers(min(1, contacts), contacts), label="contacts")):
            ContactFactory(
                person=person,
                worker=data.draw(st.sampled_from(workers)),
                at=data.draw(at),
            )
        for key in sorted(versions):  # most people answer some instruments twice or more
            definition = versions[key].definition
            for _ in range(data.draw(st.integers(0, answers) | st.just(answers), label="answers")):
                given_answers = {
                    item.code: data.draw(st.sampled_from(sorted(item.values, key=str)))
                    for item in definition.items
                    if data.draw(st.integers(0, 9)) > 0  # sometimes not answered at all
                }
                answered(person, key, given_answers, author=author, at=data.draw(moment))


@SLOW
@given(st.data(), periods, st.booleans(), st.sampled_from(ZONES))
def test_outcome_figures_summed_in_sql_are_the_per_person_reference(
    world, data, period, by_team, zone
):
    """Random answers (ties in time, missing items, answers after the period's end), contacts
    and named-worker spells, periods starting and ending anywhere in a quarter, five zones:
    every count equal, every mean, r and interval to 1e-9."""
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        _write(world, data, period, people=10, answers=3, contacts=6)
        team_id = world.team.pk if by_team else None
        pairs = _pairs(world.org.pk, team_id, start, end)
        figures = outcome_figures(world.org.pk, team_id, start, end)
        _same(figures.changes, reference_changes(pairs))
        _same(figures.associations, reference_associations(world.org.pk, start, end, pairs))
        transaction.set_rollback(True)


@SLOW
@given(st.data(), periods, st.sampled_from(ZONES))
def test_named_share_rows_sum_to_the_continuity_of_each_person(world, data, period, zone):
    """`shares_sql` (two sums over finished quarter and month rows and day rows) gives each person the named-worker
    share `continuity_over_days` gives, for any window."""
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        _write(world, data, period, people=6, answers=0, contacts=10)
        from django.db import connection  # noqa: PLC0415 - test only

        query, params = shares_sql(world.org.pk, start, end + timedelta(days=1))
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            got = {person: matched / considered for person, matched, considered, _ in cursor}
        over = continuity_over_days(world.org.pk, start=start, end=end + timedelta(days=1))
        expected = {pid: c.named_share for pid, c in over.items() if c.named_share is not None}
        assert got == expected
        transaction.set_rollback(True)


@SLOW
@given(st.data(), periods, st.sampled_from(ZONES))
def test_named_shares_of_some_people_are_their_shares_among_everyone(world, data, period, zone):
    """`shares_sql` narrowed to some people (a subquery, read from each part's person index:
    the later answerers' shares, decision 0135) gives each of them the share
    `continuity_over_days` gives, and no one else a share."""
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        _write(world, data, period, people=6, answers=0, contacts=10)
        people = sorted(Person.objects.filter(organisation=world.org).values_list("pk", flat=True))
        chosen = data.draw(st.sets(st.sampled_from(people)), label="people")
        got = _shares_of(
            world.org.pk, start, end, Person.objects.filter(pk__in=chosen).values("pk")
        )
        over = continuity_over_days(world.org.pk, start=start, end=end + timedelta(days=1))
        expected = {
            pid: c.named_share
            for pid, c in over.items()
            if c.named_share is not None and pid in chosen
        }
        assert got == expected
        transaction.set_rollback(True)


def test_figures_from_sums_are_those_of_the_values_in_the_worked_example(world):
    """Seven people with a named worker, each with a baseline and a later answer: the changes,
    and the association of each with the named-worker share, from the database's sums, equal
    `paired_change` and `correlation` over the same people worked out by hand."""
    alice, cara = world.user("alice"), world.user("cara")
    now = timezone.now()
    shares = [1.0, 0.75, 0.5, 0.5, 0.25, 1.0, 0.0]
    changes = [3, 2, 1, 0, -1, 2, -2]
    for number, (share, change) in enumerate(zip(shares, changes, strict=True)):
        person = PersonFactory(team=world.team)
        SpellFactory(person=person, worker=alice, started_on=(now - timedelta(days=400)).date())
        for quarter in range(4):
            ContactFactory(
                person=person,
                worker=alice if quarter < share * 4 else cara,
                at=now - timedelta(days=30 + 60 * quarter, hours=number),
            )
        start = 4
        answered(
            person,
            ONS4,
            {"life_satisfaction": start, "worthwhile": 5, "happiness": 5, "anxiety": 5},
            author=alice,
            at=now - timedelta(days=300),
        )
        answered(
            person,
            ONS4,
            {"life_satisfaction": start + change, "worthwhile": 5, "happiness": 5, "anxiety": 5},
            author=alice,
            at=now - timedelta(days=10),
        )
    for number in range(2):  # named worker always, but answering only the loneliness scale
        person = PersonFactory(team=world.team)
        SpellFactory(person=person, worker=alice, started_on=(now - timedelta(days=400)).date())
        ContactFactory(person=person, worker=alice, at=now - timedelta(days=40 + number))
        answered(person, LONELINESS, {"companionship": 2}, author=alice, at=now - timedelta(days=5))
    end = timezone.localdate()
    begin = end - timedelta(days=365)
    found = {c.measure_key: c for c in outcome_changes(world.org.pk, None, begin, end)}
    expected = paired_change([(4.0, 4.0 + c) for c in changes])
    satisfaction = found["life_satisfaction"]
    assert satisfaction.n == 7
    assert math.isclose(satisfaction.mean_change, expected.mean, rel_tol=1e-12)
    assert math.isclose(satisfaction.ci_low, expected.ci_low, rel_tol=1e-12)
    assert found["worthwhile"].n == 7 and found["worthwhile"].mean_change == 0.0
    associations = {a.label: a for a in continuity_associations(world.org.pk, None, begin, end)}
    link = associations["Continuity and change in ONS4 personal wellbeing: Life satisfaction"]
    reference = correlation(shares, [float(c) for c in changes])
    assert link.n == 7 and reference.r is not None
    assert math.isclose(link.r, reference.r, rel_tol=1e-12)
    assert math.isclose(link.ci_high, reference.ci_high, rel_tol=1e-12)
    # The same change for everyone does not vary: no r.
    assert (
        associations[
            "Continuity and change in ONS4 personal wellbeing: Things I do are worthwhile"
        ].r
        is None
    )


quarters = st.integers(-4000, 4000).map(
    lambda value: value / 4
)  # exact sums: "does not vary" is exact


@given(st.lists(st.tuples(quarters, quarters), max_size=30), st.integers(0, 30))
def test_merged_moments_give_the_figures_of_all_the_values(points, cut):
    """Moments of two parts merged give what `paired_change` and `correlation` give over all."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    together = merged(moments_of(xs[:cut], ys[:cut]), moments_of(xs[cut:], ys[cut:]))
    assert together.n == len(points)
    change = change_of(Moments(together.n, 0.0, together.mean_y, 0.0, together.syy))
    expected = paired_change([(0.0, y) for y in ys])
    assert change.n == expected.n
    assert all(
        _close(getattr(change, name), getattr(expected, name))
        for name in ("mean", "ci_low", "ci_high")
    )
    found, want = correlation_of(together), correlation(xs, ys)
    assert found.n == want.n
    assert all(
        _close(getattr(found, name), getattr(want, name)) for name in ("r", "ci_low", "ci_high")
    )
