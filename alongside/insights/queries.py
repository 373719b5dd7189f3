"""Team continuity: distribution, trend and people at risk. Reads only, through other apps' queries."""

from collections import Counter
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
from alongside.relationships.queries import (
    ContactPoint,
    contact_points,
    continuity_of,
    spell_histories,
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

    With `team=None`, the same figures for the whole organisation `organisation_id`.
    """
    today = today or timezone.localdate()
    scope = Person.objects.filter(organisation_id=organisation_id)
    if team is not None:
        scope = scope.filter(team=team)
    people = {p.pk: p for p in scope.order_by("given_name", "family_name", "pk")}
    ids = list(people)
    this_quarter = quarter_start(today)
    starts = [this_quarter]
    for _quarter in range(QUARTERS_SHOWN - 1):
        starts.append(previous_quarter(starts[-1]))
    starts.reverse()
    since = min(starts[0], today - timedelta(days=365))
    points = contact_points(scope.values("pk"), since=_aware(since))
    histories = spell_histories(scope.values("pk"), since=since)
    year_start = _aware(today - timedelta(days=365))

    def between(
        person_points: list[ContactPoint], start: datetime, end: datetime | None
    ) -> list[ContactPoint]:
        return [p for p in person_points if p.at >= start and (end is None or p.at < end)]

    per_person = {
        pid: continuity_of(between(points.get(pid, []), year_start, None), histories.get(pid))
        for pid in ids
    }
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
    for index, start in enumerate(starts):
        end = _aware(starts[index + 1]) if index + 1 < len(starts) else None
        results = [
            continuity_of(between(points.get(pid, []), _aware(start), end), histories.get(pid))
            for pid in ids
        ]
        trend.append(
            QuarterTrend(quarter_label(start), start, aggregate(r for r in results if r.contacts))
        )
    at_risk = _at_risk(
        organisation_id,
        people,
        points,
        start=_aware(this_quarter),
        today=today,
        ids=scope.values("pk"),
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


def _at_risk(
    organisation_id: int,
    people: dict[int, Person],
    points: dict[int, list[ContactPoint]],
    *,
    start: datetime,
    today: date,
    ids: QuerySet[Any],
) -> list[AtRisk]:
    open_spells = dict(
        NamedWorkerSpell.objects.filter(person_id__in=ids, ended_on__isnull=True).values_list(
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
        Handover.objects.filter(person_id__in=ids, status=Handover.Status.PLANNED).values_list(
            "person_id", flat=True
        )
    )
    risks = []
    for pid, person in people.items():
        reasons = []
        workers = {p.worker_id for p in points.get(pid, []) if p.at >= start}
        if len(workers) >= RISK_WORKERS_IN_QUARTER:
            reasons.append(_("%(n)d different workers this quarter") % {"n": len(workers)})
        worker = open_spells.get(pid)
        if worker is None:
            reasons.append(_("no named worker"))
        elif worker in leaving_workers and pid not in planned:
            reasons.append(
                _("named worker leaves on %(date)s; no handover planned")
                % {"date": f"{leaving_workers[worker]:%d %b %Y}"}
            )
        if reasons:
            risks.append(AtRisk(person, reasons))
    return risks
