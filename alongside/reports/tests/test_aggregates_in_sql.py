"""The report's and the scorecard's aggregates made in the database (decisions 0098 and 0108) give
what the row-by-row Python they replaced gave, on random data: the old code is kept here, verbatim
in what it computes, as the reference (the outcome pairs from the baseline rows, the associations'
Relationship Check points and the Relationship Check summary against the one pass over every
answer)."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.common.suppression import FEWER, enough, shown
from alongside.learning.models import AdminTime, ContactDemand, DemandKind, FailureKind
from alongside.learning.queries import (
    DemandMonth,
    FailureDemand,
    _fraction,
    _month_starts,
    _scope,
    failure_demand_by_month,
    monday_of,
    period_bounds,
    withheld_count,
    withheld_share,
)
from alongside.learning.scorecard import AdminSplit, _admin_split
from alongside.measures.builtins import LONELINESS, ONS4, RELATIONSHIP_CHECK
from alongside.measures.models import InstrumentVersion, Response
from alongside.measures.queries import (
    ConditionSummary,
    RelationshipCheckSummary,
    _bounds,
    _Pairs,
    _pairs,
    current_versions,
    relationship_check_summary,
)
from alongside.measures.scoring import Definition, score, summarise
from alongside.measures.tests.helpers import answered, version
from alongside.relationships.continuity import aggregate, next_quarter
from alongside.relationships.models import Contact, ContinuityDay
from alongside.relationships.queries import continuity_over_days, local_date_of
from alongside.reports.content import (
    Figure,
    ReportContent,
    Series,
    _continuity,
    _count,
    _days,
    _reach,
    _withheld,
    months_in,
    quarters_in,
)
from alongside.testing.factories import (
    ContactFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
)

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


def reference_failure_demand(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> FailureDemand:
    """The row-by-row version this change replaced."""
    since, until = period_bounds(start, end)
    rows = _scope(ContactDemand.objects.all(), organisation_id, team_id).filter(
        contact__at__gte=since, contact__at__lt=until, contact__removed_at__isnull=True
    )
    zone = timezone.get_current_timezone()
    by_month: dict[date, list[tuple[str, int]]] = defaultdict(list)
    kinds: dict[str, int] = defaultdict(int)
    kind_people: dict[str, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for at, kind, failure_kind, person_id in rows.values_list(
        "contact__at", "kind", "failure_kind", "person_id"
    ):
        by_month[at.astimezone(zone).date().replace(day=1)].append((kind, person_id))
        everyone.add(person_id)
        if kind == DemandKind.FAILURE:
            kinds[failure_kind] += 1
            kind_people[failure_kind].add(person_id)
    months = []
    for month in _month_starts(start, end):
        items = by_month.get(month, [])
        failure = sum(1 for kind, _ in items if kind == DemandKind.FAILURE)
        people = len({person for _, person in items})
        months.append(
            DemandMonth(
                month=month,
                marked=withheld_count(len(items), people),
                failure=withheld_count(failure, people),
                people=shown(people),
                share=withheld_share(failure, len(items), people),
                share_value=_fraction(failure, len(items), people),
            )
        )
    total = sum(len(items) for items in by_month.values())
    failures = sum(kinds.values())
    return FailureDemand(
        organisation_id=organisation_id,
        team_id=team_id,
        start=start,
        end=end,
        months=months,
        marked=withheld_count(total, len(everyone)),
        failure=withheld_count(failures, len(everyone)),
        people=shown(len(everyone)),
        share=withheld_share(failures, total, len(everyone)),
        kinds=[
            (str(label), withheld_count(kinds.get(value, 0), len(kind_people.get(value, ()))))
            for value, label in FailureKind.choices
        ],
    )


demands = st.lists(
    st.tuples(
        st.integers(0, 11),  # person (six in each of two teams)
        st.integers(0, 500 * 24 * 60),  # minutes after EARLIEST
        st.sampled_from([DemandKind.VALUE, *([DemandKind.FAILURE] * 2)]),
        st.sampled_from([value for value, _ in FailureKind.choices]),
        st.booleans(),  # removed contact
    ),
    max_size=70,
)


@SLOW
@given(st.sampled_from(ZONES), demands, periods, st.booleans())
def test_failure_demand_in_sql_is_the_row_by_row_reference(world, zone, rows, period, by_team):
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        other = TeamFactory(organisation=world.org, name="Other")
        people = [PersonFactory(team=world.team if i < 6 else other) for i in range(12)]
        worker = world.user("alice")
        for person_index, minutes, kind, failure_kind, removed in rows:
            person = people[person_index]
            contact = ContactFactory(
                person=person,
                worker=worker,
                at=EARLIEST + timedelta(minutes=minutes),
                removed_at=timezone.now() if removed else None,
            )
            ContactDemand.objects.create(
                organisation=world.org,
                contact=contact,
                person=person,
                team=person.team,
                kind=kind,
                failure_kind=failure_kind if kind == DemandKind.FAILURE else "",
                marked_by=worker,
            )
        team_id = world.team.pk if by_team else None
        assert failure_demand_by_month(world.org.pk, team_id, start, end) == (
            reference_failure_demand(world.org.pk, team_id, start, end)
        )
        transaction.set_rollback(True)


@dataclass(frozen=True, slots=True)
class _Answered:
    """One answer as the aggregates need it: plain values, its version's definition shared."""

    person_id: int
    version_id: int
    instrument_id: int
    instrument_key: str
    definition: Definition
    completed_at: datetime
    answers: dict[str, Any]


def _definitions(version_ids: Iterable[int]) -> dict[int, InstrumentVersion]:
    """Each version once, with its instrument (its definition is parsed once, on first use)."""
    return {
        version.pk: version
        for version in InstrumentVersion.objects.filter(pk__in=set(version_ids)).select_related(
            "instrument"
        )
    }


def _answered(
    organisation_id: int,
    team_id: int | None,
    until: datetime,
    *,
    since: datetime | None = None,
    instrument_key: str | None = None,
) -> list[_Answered]:
    """Answers before `until` (and from `since`), oldest first: plain rows (one query) and each
    version's definition read once (one more query), never a model object per answer."""
    rows = (
        Response.objects.for_system("the reference")
        .filter(organisation_id=organisation_id, completed_at__lt=until)
        .order_by("completed_at", "id")
    )
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    if instrument_key is not None:
        rows = rows.filter(version__instrument__key=instrument_key)
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    found = list(rows.values_list("person_id", "version_id", "completed_at", "answers"))
    versions = _definitions(version_id for _, version_id, _, _ in found)
    return [
        _Answered(
            person_id,
            version_id,
            versions[version_id].instrument_id,
            versions[version_id].instrument.key,
            versions[version_id].definition,
            completed_at,
            answers,
        )
        for person_id, version_id, completed_at, answers in found
    ]


def reference_pairs(organisation_id: int, team_id: int | None, start: date, end: date) -> _Pairs:
    """The one pass over every answer ever given that decision 0098 replaced; and, per person,
    their last Relationship Check answer in the period (the associations' points)."""
    since, until = _bounds(start, end)
    baseline: dict[tuple[int, int], Any] = {}
    latest: dict[tuple[int, int], Any] = {}
    for answer in _answered(organisation_id, team_id, until):
        key = (answer.person_id, answer.instrument_id)
        if key not in baseline:
            baseline[key] = answer
        elif answer.completed_at >= since:
            latest[key] = answer
    labels: dict[tuple[str, str], str] = {}
    for found in current_versions(organisation_id):
        for measure_key, measure_label in found.definition.measures():
            labels[(found.instrument.key, measure_key)] = (
                f"{found.instrument.name}: {measure_label}"
            )
    changes: dict[tuple[str, str], dict[int, tuple[float, float]]] = defaultdict(dict)
    for pair, last in latest.items():
        first = baseline[pair]
        before = score(first.definition, first.answers).measures(first.definition)
        after = score(last.definition, last.answers).measures(last.definition)
        for measure_key in before.keys() & after.keys():
            if (last.instrument_key, measure_key) in labels:
                changes[(last.instrument_key, measure_key)][last.person_id] = (
                    before[measure_key],
                    after[measure_key],
                )
    checks: dict[int, dict[str, float]] = {}
    for answer in _answered(
        organisation_id, team_id, until, since=since, instrument_key=RELATIONSHIP_CHECK
    ):
        checks[answer.person_id] = {
            code: float(value) for code, value in answer.answers.items() if value is not None
        }
    return _Pairs(labels, changes, checks)


def reference_check_summary(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> RelationshipCheckSummary:
    """The Relationship Check summary in Python over every answer of the period, as it was."""
    since, until = _bounds(start, end)
    responses = _answered(
        organisation_id, team_id, until, since=since, instrument_key=RELATIONSHIP_CHECK
    )
    people = len({r.person_id for r in responses})
    version = next(
        (v for v in current_versions(organisation_id) if v.instrument.key == RELATIONSHIP_CHECK),
        None,
    )
    if version is None:
        return RelationshipCheckSummary(len(responses), people, [])
    summaries = summarise(version.definition, [r.answers for r in responses])
    show_any = enough(people)
    conditions = []
    for s in summaries:
        respondents = len({r.person_id for r in responses if r.answers.get(s.code) is not None})
        show = show_any and enough(respondents)
        conditions.append(
            ConditionSummary(
                s.code,
                s.label,
                s.n,
                s.mean if show else None,
                s.share_agreeing if show else None,
            )
        )
    return RelationshipCheckSummary(len(responses), people, conditions)


@SLOW
@given(st.data(), periods, st.booleans())
def test_outcome_pairs_from_window_functions_are_the_one_pass_reference(
    world, data, period, by_team
):
    start, end = period
    with transaction.atomic():
        other = TeamFactory(organisation=world.org, name="Other")
        people = [PersonFactory(team=world.team if i < 5 else other) for i in range(8)]
        author = world.user("alice")
        versions = {key: version(key) for key in (ONS4, LONELINESS, RELATIONSHIP_CHECK)}
        moment = st.integers(0, 500 * 24 * 60).map(lambda m: EARLIEST + timedelta(minutes=m))
        # Ties in time are likely (few distinct minutes) so the id breaks them, as it did.
        moment = st.one_of(moment, st.sampled_from([EARLIEST, EARLIEST + timedelta(days=200)]))
        for _ in range(data.draw(st.integers(0, 40), label="answers")):
            person = data.draw(st.sampled_from(people))
            key = data.draw(st.sampled_from(sorted(versions)))
            definition = versions[key].definition
            answers = {
                item.code: data.draw(st.sampled_from(sorted(item.values, key=str)))
                for item in definition.items
                if data.draw(st.integers(0, 9)) > 0  # sometimes not answered at all
            }
            answered(person, key, answers, author=author, at=data.draw(moment))
        team_id = world.team.pk if by_team else None
        new, old = (
            _pairs(world.org.pk, team_id, start, end),
            reference_pairs(world.org.pk, team_id, start, end),
        )
        assert new.labels == old.labels
        assert dict(new.changes) == dict(old.changes)
        assert new.checks == old.checks
        assert relationship_check_summary(
            world.org.pk, team_id, start, end
        ) == reference_check_summary(world.org.pk, team_id, start, end)
        transaction.set_rollback(True)


def reference_reach(content: ReportContent) -> None:
    """The distinct counts and the month truncation this change replaced."""
    days = _days(content)
    people = days.values("person_id").distinct().count()
    earlier = (
        ContinuityDay.objects.filter(
            organisation=content.organisation,
            day__lt=content.start,
            person_id__in=days.values("person_id"),
        )
        .order_by()
        .values("person_id")
        .distinct()
        .count()
    )
    totals = days.aggregate(total=Sum("minutes"), count=Sum("contacts"))
    minutes, count = totals["total"] or 0, totals["count"] or 0
    content.reach = [
        Figure("People we worked alongside", _count(people, people), people),
        Figure("Of them, new to us in this period", _count(people - earlier, people)),
        Figure("Conversations and meetings", _count(count, people), count),
        Figure("Hours spent with people", f"{round(minutes / 60):,}" if enough(people) else FEWER),
    ]
    by_month: dict[date, tuple[int, int]] = {}
    for month, month_people, month_count in (
        days.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(people=Count("person_id", distinct=True), count=Sum("contacts"))
        .values_list("month", "people", "count")
    ):
        by_month[date(month.year, month.month, 1)] = (month_people, month_count)
    found = [
        (m.strftime("%b %Y"), *by_month.get(m, (0, 0)))
        for m in months_in(content.start, content.end)
    ]
    content.activity = [
        Series("People seen", [(label, _withheld(n, n)) for label, n, _ in found]),
        Series("Conversations and meetings", [(label, _withheld(n, c)) for label, n, c in found]),
    ]


summary_days = st.lists(
    st.tuples(
        st.integers(0, 9),  # person
        st.integers(0, 2),  # worker
        st.integers(0, 500),  # day after 2025-10-01
        st.integers(1, 4),  # contacts
        st.integers(0, 200),  # minutes
    ),
    max_size=80,
    unique_by=lambda row: row[:3],
)


@SLOW
@given(summary_days, periods)
def test_reach_in_sql_is_the_distinct_count_reference(world, rows, period):
    start, end = period
    with transaction.atomic():
        people = [PersonFactory(team=world.team) for _ in range(10)]
        workers = [world.user(name) for name in ("alice", "cara", "colin")]
        ContinuityDay.objects.bulk_create(
            ContinuityDay(
                organisation=world.org,
                person=people[person],
                worker=workers[worker],
                day=date(2025, 10, 1) + timedelta(days=day),
                contacts=contacts,
                minutes=minutes,
                named_considered=contacts,
                named_matched=0,
                follows_same=0,
                opens_day_same=False,
            )
            for person, worker, day, contacts, minutes in rows
        )
        new = ReportContent(organisation=world.org, start=start, end=end)
        old = ReportContent(organisation=world.org, start=start, end=end)
        _reach(new, None, None)
        reference_reach(old)
        assert (new.reach, new.activity) == (old.reach, old.activity)
        transaction.set_rollback(True)


def reference_admin_split(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> AdminSplit:
    """The pass over every contact of the workers that this change replaced."""
    rows = AdminTime.objects.filter(organisation_id=organisation_id, week__gte=start, week__lte=end)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    recorded = list(rows.values_list("worker_id", "team_id", "week", "hours"))
    if not recorded:
        return AdminSplit(0, 0, 0)
    weeks = {(worker, team, week) for worker, team, week, _ in recorded}
    mondays = [week for _, _, week, _ in recorded]
    since, until = period_bounds(min(mondays), max(mondays) + timedelta(days=6))
    with_people = 0
    local_date = local_date_of()
    for worker_id, team, at, minutes in Contact.objects.filter(
        organisation_id=organisation_id,
        worker_id__in={worker for worker, _, _ in weeks},
        at__gte=since,
        at__lt=until,
    ).values_list("worker_id", "person__team_id", "at", "minutes"):
        if (worker_id, team, monday_of(local_date(at))) in weeks:
            with_people += minutes or 0
    admin = sum(round(float(hours) * 60) for _, _, _, hours in recorded)
    return AdminSplit(len({worker for worker, _, _ in weeks}), admin, with_people)


admin_weeks = st.lists(
    st.tuples(
        st.integers(0, 2),  # worker
        st.booleans(),  # team: ours or the other
        st.integers(0, 30),  # weeks after 2025-10-06 (a Monday)
        st.integers(0, 6),  # days after that Monday: 0 is the Monday itself
        st.integers(0, 400),  # tenths of an hour
    ),
    max_size=12,
    unique_by=lambda row: row[:4],
)
contacts_at = st.lists(
    st.tuples(
        st.integers(0, 2),  # worker
        st.integers(0, 5),  # person: three in each team
        st.integers(0, 240 * 24 * 60),  # minutes after EARLIEST
        st.integers(1, 120),  # minutes long
    ),
    max_size=40,
)


@SLOW
@given(st.sampled_from(ZONES), admin_weeks, contacts_at, periods, st.booleans())
def test_admin_split_in_one_sum_is_the_row_by_row_reference(
    world, zone, weeks, contacts, period, by_team
):
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        other = TeamFactory(organisation=world.org, name="Other")
        people = [PersonFactory(team=world.team if i < 3 else other) for i in range(6)]
        workers = [world.user(name) for name in ("alice", "cara", "colin")]
        for worker, ours, week, days_on, tenths in weeks:
            AdminTime.objects.create(
                organisation=world.org,
                worker=workers[worker],
                team=world.team if ours else other,
                week=date(2025, 10, 6) + timedelta(weeks=week, days=days_on),
                hours=Decimal(tenths) / 10,
            )
        for worker, person, minutes, length in contacts:
            ContactFactory(
                person=people[person],
                worker=workers[worker],
                at=EARLIEST + timedelta(minutes=minutes),
                minutes=length,
            )
        team_id = world.team.pk if by_team else None
        assert _admin_split(world.org.pk, team_id, start, end) == (
            reference_admin_split(world.org.pk, team_id, start, end)
        )
        transaction.set_rollback(True)


def reference_continuity(content: ReportContent) -> None:
    """The report's continuity as it was before decision 0106: every person's figures back in
    Python, averaged by `continuity.aggregate` (the reference the SQL averages are held to)."""
    org = content.organisation.pk
    results = continuity_over_days(org, start=content.start, end=content.end + timedelta(days=1))
    overall = aggregate(r for r in results.values() if r.contacts)
    named = overall.person_weighted.get("named_share")
    workers = [r.workers for r in results.values() if r.contacts]
    ok = enough(overall.people)
    content.continuity = [
        Figure("named", "", named if ok else None),
        Figure("workers", f"{sum(workers) / len(workers):.1f}" if ok and workers else FEWER),
    ]
    trend = []
    for quarter in quarters_in(content.start, content.end):
        q_end = next_quarter(quarter)
        q_start, q_until = max(quarter, content.start), min(q_end, content.end + timedelta(days=1))
        summary = aggregate(continuity_over_days(org, start=q_start, end=q_until).values())
        share = summary.person_weighted.get("named_share")
        trend.append(100 * share if enough(summary.people) and share is not None else None)
    content.continuity_trend = [Series("trend", [("", value) for value in trend])]


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    )


continuity_contacts = st.lists(
    st.tuples(
        st.integers(0, 7),  # person
        st.integers(0, 2),  # worker
        st.integers(0, 360 * 24 * 4),  # quarter-hours after 2025-10-01
    ),
    max_size=60,
)


@SLOW
@given(continuity_contacts, periods, st.sampled_from(ZONES))
def test_report_continuity_averaged_in_sql_is_the_per_person_reference(world, rows, period, zone):
    """The period's named-worker share, the workers per person and the quarterly trend (whole
    quarters from one grouped query, part quarters at the ends each one query) as the per-person
    reference gives them, to 1e-9, for periods starting and ending anywhere in a quarter."""
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        people = [PersonFactory(team=world.team) for _ in range(8)]
        workers = [world.user(name) for name in ("alice", "cara", "colin")]
        for person in people[::2]:
            SpellFactory(person=person, worker=workers[0], started_on=date(2025, 11, 1))
        for person, worker, quarter_hours in rows:
            ContactFactory(
                person=people[person],
                worker=workers[worker],
                at=EARLIEST + timedelta(minutes=15 * quarter_hours),
            )
        new = ReportContent(organisation=world.org, start=start, end=end)
        old = ReportContent(organisation=world.org, start=start, end=end)
        _continuity(new, None, timezone.now(), timezone.now())
        reference_continuity(old)
        assert _close(new.continuity[0].value, old.continuity[0].value)
        assert new.continuity[1].text == old.continuity[1].text
        got = [value for _label, value in new.continuity_trend[0].points]
        expected = [value for _label, value in old.continuity_trend[0].points]
        assert len(got) == len(expected)
        assert all(_close(a, b) for a, b in zip(got, expected, strict=True))
        transaction.set_rollback(True)
