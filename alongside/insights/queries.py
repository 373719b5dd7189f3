"""Team continuity: distribution, trend and people at risk. Reads only, through other apps' queries."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Team
from alongside.people.models import Person
from alongside.relationships.continuity import Aggregate, Continuity, aggregate
from alongside.relationships.models import Handover, NamedWorkerSpell
from alongside.relationships.queries import NO_CONTACTS, continuity_over_days

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


@dataclass(frozen=True, slots=True)
class TeamContinuity:
    team: Team | None  # None: the whole organisation
    people: int
    year: Aggregate
    per_person: dict[int, Continuity]
    distribution: list[tuple[str, int]]
    people_without_named_share: int
    trend: list[QuarterTrend]
    at_risk: list[AtRisk]
    leaving: list[Membership]


def _aware(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())


def team_continuity(
    team: Team | None, *, organisation_id: int, today: date | None = None
) -> TeamContinuity:
    """Everything on the team continuity page, in a fixed number of queries.

    With `team=None`, the same figures for the whole organisation `organisation_id`. Each window
    (the last 365 days, each of the eight quarters) is one query over the maintained summary
    (`continuity_over_days`, decisions 0069 and 0096): no contact is read; a closed quarter reads
    one row per person, the 365 days per-worker quarter rows and the days of its first, partial
    quarter.
    People at risk come as ids, in name order: the page loads only the people it shows
    (`people_at_risk`).
    """
    today = today or timezone.localdate()
    scope = Person.objects.filter(organisation_id=organisation_id)
    if team is not None:
        scope = scope.filter(team=team)
    ids = list(scope.order_by("given_name", "family_name", "pk").values_list("pk", flat=True))
    this_quarter = quarter_start(today)
    starts = [this_quarter]
    for _quarter in range(QUARTERS_SHOWN - 1):
        starts.append(previous_quarter(starts[-1]))
    starts.reverse()
    people = scope.values("pk")

    def over(start: date, end: date | None) -> dict[int, Continuity]:
        return continuity_over_days(organisation_id, start=start, end=end, people=people)

    per_person = dict.fromkeys(ids, NO_CONTACTS)
    per_person.update(over(today - timedelta(days=365), None))
    year = aggregate(c for c in per_person.values() if c.contacts)
    bins: Counter[str] = Counter()
    without_share = 0
    for result in per_person.values():
        if result.named_share is None:
            without_share += result.contacts > 0
            continue
        for low, high, label in SHARE_BINS:
            if low <= result.named_share < high:
                bins[label] += 1
    trend = []
    this_quarter_workers: dict[int, int] = {}
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        results = over(start, end)
        if end is None:
            this_quarter_workers = {pid: result.workers for pid, result in results.items()}
        trend.append(QuarterTrend(quarter_label(start), start, aggregate(results.values())))
    at_risk = _at_risk(
        organisation_id,
        ids,
        this_quarter_workers,
        today=today,
        scope=people,
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
        people=len(ids),
        year=year,
        per_person=per_person,
        distribution=[(label, bins[label]) for _, _, label in SHARE_BINS],
        people_without_named_share=without_share,
        trend=trend,
        at_risk=at_risk,
        leaving=leaving,
    )


def people_at_risk(rows: Sequence[AtRisk]) -> list[AtRiskShown]:
    """The people behind one page of `TeamContinuity.at_risk`, in the same order (one query)."""
    people = Person.objects.in_bulk([row.person_id for row in rows])
    return [AtRiskShown(people[row.person_id], row.reasons) for row in rows]


def _at_risk(
    organisation_id: int,
    ids: list[int],
    workers_this_quarter: dict[int, int],
    *,
    today: date,
    scope: QuerySet[Any],
) -> list[AtRisk]:
    open_spells = dict(
        NamedWorkerSpell.objects.filter(person_id__in=scope, ended_on__isnull=True).values_list(
            "person_id", "worker_id"
        )
    )
    leaving_workers = dict(
        Membership.objects.filter(
            organisation_id=organisation_id,
            left_on__isnull=True,
            leaving_on__isnull=False,
            leaving_on__lte=today + timedelta(days=LEAVING_NOTICE_DAYS),
        ).values_list("user_id", "leaving_on")
    )
    planned = set(
        Handover.objects.filter(person_id__in=scope, status=Handover.Status.PLANNED).values_list(
            "person_id", flat=True
        )
    )
    risks = []
    for pid in ids:
        reasons = []
        workers = workers_this_quarter.get(pid, 0)
        if workers >= RISK_WORKERS_IN_QUARTER:
            reasons.append(_("%(n)d different workers this quarter") % {"n": workers})
        worker = open_spells.get(pid)
        if worker is None:
            reasons.append(_("no named worker"))
        elif worker in leaving_workers and pid not in planned:
            reasons.append(
                _("named worker leaves on %(date)s; no handover planned")
                % {"date": f"{leaving_workers[worker]:%d %b %Y}"}
            )
        if reasons:
            risks.append(AtRisk(pid, reasons))
    return risks
