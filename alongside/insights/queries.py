"""Team continuity: distribution, trend and people at risk. Reads only, through other apps' queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Team
from alongside.common.figures import keeps
from alongside.common.keyset import KeysetPage, keyset_page
from alongside.people.models import Person
from alongside.relationships.continuity import Aggregate, Continuity, next_quarter
from alongside.relationships.models import Handover, NamedWorkerSpell
from alongside.relationships.queries import (
    NO_CONTACTS,
    QuarterFigures,
    continuity_over_days,
    continuity_summary,
    people_seeing_many_workers,
    quarter_figures,
)

QUARTERS_SHOWN = 8
SHARE_BINS = (
    (0.0, 0.2, "0–19%"),
    (0.2, 0.4, "20–39%"),
    (0.4, 0.6, "40–59%"),
    (0.6, 0.8, "60–79%"),
    (0.8, 1.01, "80–100%"),
)
# What the trend shows of each quarter besides its people and contacts: person-weighted means.
TREND_INDICES = ("named_share", "upc", "coc")
RISK_WORKERS_IN_QUARTER = 3
LEAVING_NOTICE_DAYS = 90


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter(start: date) -> date:
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


def quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class QuarterTrend:
    label: str
    start: date
    summary: QuarterFigures
    """People, contacts and the person-weighted means of `TREND_INDICES`."""


@dataclass(frozen=True, slots=True)
class AtRisk:
    person_id: int
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class AtRiskShown:
    person: Person
    reasons: list[str]
    year: Continuity
    """The person's continuity over the page's last 365 days."""


@dataclass(frozen=True, slots=True)
class ContinuityFigures:
    """The team continuity page's aggregates (`continuity_figures`): everything but the team,
    the workers leaving and the people at risk themselves."""

    today: date
    people: int
    year_start: date
    year: Aggregate
    distribution: list[tuple[str, int]]
    people_without_named_share: int
    trend: list[QuarterTrend]
    at_risk_count: int
    """How many people in the team are at risk; `at_risk_page` reads them a page at a time."""


@dataclass(frozen=True, slots=True)
class TeamContinuity:
    team: Team | None  # None: the whole organisation
    organisation_id: int
    people: int
    year_start: date
    year: Aggregate
    distribution: list[tuple[str, int]]
    people_without_named_share: int
    trend: list[QuarterTrend]
    at_risk_count: int
    """How many people in the team are at risk; `at_risk_page` reads them a page at a time."""
    leaving: list[Membership]
    today: date


def team_continuity(
    team: Team | None,
    *,
    organisation_id: int,
    today: date | None = None,
    figures: ContinuityFigures | None = None,
) -> TeamContinuity:
    """Everything on the team continuity page but its people: the `figures` given (kept ones,
    decision 0133), or worked out now for `today`, and the workers leaving.

    With `team=None`, the same figures for the whole organisation `organisation_id`.
    """
    if figures is None:
        figures = _continuity_figures(
            organisation_id, team.pk if team else None, today or timezone.localdate()
        )
    leaving = list(
        Membership.objects.filter(
            organisation_id=organisation_id, left_on__isnull=True, leaving_on__isnull=False
        )
        .select_related("user")
        .order_by("leaving_on")
    )
    return TeamContinuity(
        team=team,
        organisation_id=organisation_id,
        people=figures.people,
        year_start=figures.year_start,
        year=figures.year,
        distribution=figures.distribution,
        people_without_named_share=figures.people_without_named_share,
        trend=figures.trend,
        at_risk_count=figures.at_risk_count,
        leaving=leaving,
        today=figures.today,
    )


@keeps(version=1)
def continuity_figures(organisation_id: int, team_id: int | None) -> ContinuityFigures:
    """The team continuity page's aggregates as of today, kept between requests (decision
    0133)."""
    return _continuity_figures(organisation_id, team_id, timezone.localdate())


def _continuity_figures(
    organisation_id: int, team_id: int | None, today: date
) -> ContinuityFigures:
    """The aggregates of `team_continuity` in a fixed number of queries.

    The last 365 days are one query that averages in the database over the maintained summary
    (`continuity_summary` over each person's from-day row, decisions 0106 and 0129), and the
    eight quarters one more over the finished quarter rows, with only the means the trend shows
    (`quarter_figures`): no contact is read, and no person's
    figures come back to Python. People at risk are only counted here: the page reads them a
    page at a time (`at_risk_page`), with their own figures.
    """
    scope = Person.objects.filter(organisation_id=organisation_id)
    if team_id is not None:
        scope = scope.filter(team_id=team_id)
    this_quarter = quarter_start(today)
    starts = [this_quarter]
    for _quarter in range(QUARTERS_SHOWN - 1):
        starts.append(previous_quarter(starts[-1]))
    starts.reverse()
    # The whole organisation needs no narrowing: its summary rows are all its people's.
    people = scope.values("pk") if team_id is not None else None
    year_start = today - timedelta(days=365)
    year = continuity_summary(
        organisation_id,
        start=year_start,
        end=None,
        people=people,
        share_bins=[(low, high) for low, high, _label in SHARE_BINS],
    )
    by_quarter = quarter_figures(
        organisation_id,
        first=starts[0],
        last=next_quarter(this_quarter),
        people=people,
        indices=TREND_INDICES,
    )
    nobody = QuarterFigures(0, 0, dict.fromkeys(TREND_INDICES))
    trend = [
        QuarterTrend(quarter_label(start), start, by_quarter.get(start, nobody)) for start in starts
    ]
    at_risk_count = _at_risk(organisation_id, scope, quarter=this_quarter, today=today)[0].count()
    return ContinuityFigures(
        today=today,
        people=scope.count(),
        year_start=year_start,
        year=year.summary,
        distribution=[
            (label, count) for (_, _, label), count in zip(SHARE_BINS, year.shares, strict=True)
        ],
        people_without_named_share=year.without_named_share,
        trend=trend,
        at_risk_count=at_risk_count,
    )


def people_at_risk(report: TeamContinuity, rows: Sequence[AtRisk]) -> list[AtRiskShown]:
    """The people behind `rows` (ids and reasons), in the same order, each with their own
    continuity over the report's 365 days (two queries, sized by the rows)."""
    people = Person.objects.in_bulk([row.person_id for row in rows])
    return _with_their_year(report, [(people[row.person_id], row.reasons) for row in rows])


def _with_their_year(
    report: TeamContinuity, rows: Sequence[tuple[Person, list[str]]]
) -> list[AtRiskShown]:
    """Each person of `rows` with their reasons and their own continuity over the report's 365
    days, in one query over the maintained summary narrowed to them."""
    if not rows:
        return []
    year = continuity_over_days(
        report.organisation_id,
        start=report.year_start,
        end=None,
        people=Person.objects.filter(pk__in=[person.pk for person, _why in rows]).values("pk"),
    )
    return [
        AtRiskShown(person, reasons, year.get(person.pk, NO_CONTACTS)) for person, reasons in rows
    ]


def at_risk_page(
    report: TeamContinuity, cursor: str | None, *, size: int
) -> KeysetPage[AtRiskShown]:
    """One page of `report`'s people at risk, in name order, from where the page before ended
    (`cursor`, decision 0114; the first page when None): the people, their reasons and their own
    continuity over the report's 365 days, in two queries sized by the page (decision 0121).
    A cursor from another team's list raises `BadCursor`."""
    scope = Person.objects.filter(organisation_id=report.organisation_id)
    if report.team is not None:
        scope = scope.filter(team=report.team)
    rows, leaving_workers = _at_risk(
        report.organisation_id, scope, quarter=quarter_start(report.today), today=report.today
    )
    page = keyset_page(
        rows,
        cursor,
        size=size,
        scope=f"insights.at_risk:{report.organisation_id}:{report.team.pk if report.team else 'all'}",
    )
    shown = _with_their_year(
        report, [(person, _reasons_of(person, leaving_workers)) for person in page]
    )
    return KeysetPage(shown, page.next_cursor, page.previous_cursor)


def _at_risk(
    organisation_id: int,
    scope: QuerySet[Person],
    *,
    quarter: date,
    today: date,
) -> tuple[QuerySet[Person], dict[int, date]]:
    """The people in `scope` at risk, in name order, annotated with what their reasons need
    (`_reasons_of`), and the workers leaving soon with their dates: those who saw
    `RISK_WORKERS_IN_QUARTER` or more workers in the quarter starting `quarter`, those without a
    named worker, and those whose named worker leaves within `LEAVING_NOTICE_DAYS` with no
    handover planned. Ordered by name and id, a keyset list on the organisation's name index
    (`person_org_by_name`): a page reads the people in name order until it has enough."""
    many = people_seeing_many_workers(
        organisation_id, quarter=quarter, at_least=RISK_WORKERS_IN_QUARTER
    )
    leaving_workers = {
        user_id: leaving_on
        for user_id, leaving_on in Membership.objects.filter(
            organisation_id=organisation_id,
            left_on__isnull=True,
            leaving_on__isnull=False,
            leaving_on__lte=today + timedelta(days=LEAVING_NOTICE_DAYS),
        ).values_list("user_id", "leaving_on")
        if leaving_on is not None
    }
    open_spell = NamedWorkerSpell.objects.filter(person_id=OuterRef("pk"), ended_on__isnull=True)
    planned = Handover.objects.filter(person_id=OuterRef("pk"), status=Handover.Status.PLANNED)
    named_leaving = Exists(open_spell.filter(worker_id__in=list(leaving_workers))) & ~Exists(
        planned
    )
    rows: QuerySet[Person] = (
        scope.filter(Q(pk__in=many.values("person_id")) | ~Exists(open_spell) | Q(named_leaving))
        .annotate(
            named=Subquery(open_spell.values("worker_id")[:1]),
            planned=Exists(planned),
            workers_this_quarter=Subquery(
                many.filter(person_id=OuterRef("pk")).values("workers")[:1]
            ),
        )
        .order_by("given_name", "family_name", "pk")
    )
    return rows, leaving_workers


def _reasons_of(person: Person, leaving_workers: dict[int, date]) -> list[str]:
    """Why `person` (a row of `_at_risk`) is at risk, in words."""
    reasons = []
    workers = getattr(person, "workers_this_quarter", None) or 0
    if workers >= RISK_WORKERS_IN_QUARTER:
        reasons.append(_("%(n)d different workers this quarter") % {"n": workers})
    worker = getattr(person, "named", None)
    if worker is None:
        reasons.append(_("no named worker"))
    elif worker in leaving_workers and not getattr(person, "planned", False):
        reasons.append(
            _("named worker leaves on %(date)s; no handover planned")
            % {"date": f"{leaving_workers[worker]:%d %b %Y}"}
        )
    return reasons
