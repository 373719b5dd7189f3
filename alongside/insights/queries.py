"""Team continuity: distribution, trend and people at risk. Reads only, through other apps' queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Team
from alongside.people.models import Person
from alongside.relationships.continuity import Aggregate, Continuity, aggregate, next_quarter
from alongside.relationships.models import Handover, NamedWorkerSpell
from alongside.relationships.queries import (
    NO_CONTACTS,
    continuity_by_quarter,
    continuity_over_days,
    continuity_summary,
    people_seeing_many_workers,
)

QUARTERS_SHOWN = 8
SHARE_BINS = (
    (0.0, 0.2, "0–19%"),
    (0.2, 0.4, "20–39%"),
    (0.4, 0.6, "40–59%"),
    (0.6, 0.8, "60–79%"),
    (0.8, 1.01, "80–100%"),
)
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
    summary: Aggregate


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
class TeamContinuity:
    team: Team | None  # None: the whole organisation
    organisation_id: int
    people: int
    year_start: date
    year: Aggregate
    distribution: list[tuple[str, int]]
    people_without_named_share: int
    trend: list[QuarterTrend]
    at_risk: list[AtRisk]
    leaving: list[Membership]


def team_continuity(
    team: Team | None, *, organisation_id: int, today: date | None = None
) -> TeamContinuity:
    """Everything on the team continuity page but its people, in a fixed number of queries.

    With `team=None`, the same figures for the whole organisation `organisation_id`. The last
    365 days are one query that averages in the database over the maintained summary
    (`continuity_summary`, decisions 0069, 0096 and 0106), and the eight quarters one more over
    the finished quarter rows (`continuity_by_quarter`): no contact is read, and no person's
    figures come back to Python. People at risk are picked out in the database and come as ids,
    in name order: the page loads only the people it shows, with their own figures
    (`people_at_risk`).
    """
    today = today or timezone.localdate()
    scope = Person.objects.filter(organisation_id=organisation_id)
    if team is not None:
        scope = scope.filter(team=team)
    this_quarter = quarter_start(today)
    starts = [this_quarter]
    for _quarter in range(QUARTERS_SHOWN - 1):
        starts.append(previous_quarter(starts[-1]))
    starts.reverse()
    people = scope.values("pk")
    year_start = today - timedelta(days=365)
    year = continuity_summary(
        organisation_id,
        start=year_start,
        end=None,
        people=people,
        share_bins=[(low, high) for low, high, _label in SHARE_BINS],
    )
    by_quarter = continuity_by_quarter(
        organisation_id, first=starts[0], last=next_quarter(this_quarter), people=people
    )
    nobody = aggregate(())
    trend = [
        QuarterTrend(quarter_label(start), start, by_quarter.get(start, nobody)) for start in starts
    ]
    at_risk = _at_risk(organisation_id, scope, quarter=this_quarter, today=today)
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
        people=scope.count(),
        year_start=year_start,
        year=year.summary,
        distribution=[
            (label, count) for (_, _, label), count in zip(SHARE_BINS, year.shares, strict=True)
        ],
        people_without_named_share=year.without_named_share,
        trend=trend,
        at_risk=at_risk,
        leaving=leaving,
    )


def people_at_risk(report: TeamContinuity, rows: Sequence[AtRisk]) -> list[AtRiskShown]:
    """The people behind one page of `report.at_risk`, in the same order, each with their own
    continuity over the report's 365 days (two queries, sized by the page)."""
    ids = [row.person_id for row in rows]
    if not ids:
        return []
    people = Person.objects.in_bulk(ids)
    year = continuity_over_days(
        report.organisation_id,
        start=report.year_start,
        end=None,
        people=Person.objects.filter(pk__in=ids).values("pk"),
    )
    return [
        AtRiskShown(people[row.person_id], row.reasons, year.get(row.person_id, NO_CONTACTS))
        for row in rows
    ]


def _at_risk(
    organisation_id: int,
    scope: QuerySet[Person],
    *,
    quarter: date,
    today: date,
) -> list[AtRisk]:
    """The people in `scope` at risk, in name order, with their reasons: those who saw
    `RISK_WORKERS_IN_QUARTER` or more workers in the quarter starting `quarter`, those without a
    named worker, and those whose named worker leaves within `LEAVING_NOTICE_DAYS` with no
    handover planned. One query picks them out of the team in the database (only they come back),
    one gives the worker counts."""
    many = people_seeing_many_workers(
        organisation_id, quarter=quarter, at_least=RISK_WORKERS_IN_QUARTER
    )
    workers_this_quarter = dict(many.filter(person_id__in=scope.values("pk")))
    leaving_workers = dict(
        Membership.objects.filter(
            organisation_id=organisation_id,
            left_on__isnull=True,
            leaving_on__isnull=False,
            leaving_on__lte=today + timedelta(days=LEAVING_NOTICE_DAYS),
        ).values_list("user_id", "leaving_on")
    )
    open_spell = NamedWorkerSpell.objects.filter(person_id=OuterRef("pk"), ended_on__isnull=True)
    planned = Handover.objects.filter(person_id=OuterRef("pk"), status=Handover.Status.PLANNED)
    named_leaving = Exists(open_spell.filter(worker_id__in=list(leaving_workers))) & ~Exists(
        planned
    )
    # Picked out first, then put in name order: ordered in one query, SQLite walks the
    # organisation's name index (every person, not just the team) to avoid a sort.
    picked = scope.filter(
        Q(pk__in=many.values("person_id")) | ~Exists(open_spell) | Q(named_leaving)
    ).values("pk")
    rows = (
        Person.objects.filter(pk__in=picked)
        .annotate(named=Subquery(open_spell.values("worker_id")[:1]), planned=Exists(planned))
        .order_by("given_name", "family_name", "pk")
        .values_list("pk", "named", "planned")
    )
    risks = []
    for pid, worker, has_plan in rows:
        reasons = []
        workers = workers_this_quarter.get(pid, 0)
        if workers >= RISK_WORKERS_IN_QUARTER:
            reasons.append(_("%(n)d different workers this quarter") % {"n": workers})
        if worker is None:
            reasons.append(_("no named worker"))
        elif worker in leaving_workers and not has_plan:
            reasons.append(
                _("named worker leaves on %(date)s; no handover planned")
                % {"date": f"{leaving_workers[worker]:%d %b %Y}"}
            )
        if reasons:
            risks.append(AtRisk(pid, reasons))
    return risks
