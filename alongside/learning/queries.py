"""Reads for learning: who may read the person's words, and team figures that never rank anyone.

Support-sphere rows (`DemandWords`, `Need`, `Spend`) are read in two ways only:
- with words, through `*_visible_to(membership)`, which follows the support-note rules (role,
  consent to share all support notes, the asking lead's safeguarding override in force);
- as team aggregates, through `for_system(...)` reads of dates, codes and amounts (never words),
  for a team or the whole organisation, with every count and share through
  `alongside.common.suppression`. No figure is grouped by worker.

The plain functions `failure_demand_by_month`, `needs_summary`, `discretion_summary` and
`scorecard` take ids and dates (both days included) and return plain dataclasses of strings
that are safe to show anywhere outside a worker's own view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.access import words as local_words
from alongside.access.models import Membership, Role
from alongside.common.figures import keeps
from alongside.common.spheres import SphereQuerySet
from alongside.common.suppression import FEWER, enough, share, shown
from alongside.learning.models import (
    DEFAULT_LIMIT,
    ContactDemand,
    DemandKind,
    DemandWords,
    LearningSettings,
    Need,
    NeedStatus,
    Spend,
    SpendStatus,
)
from alongside.visibility.support import support_records_q

# --- who may read the person's words -------------------------------------------------------


def _support_q(membership: Membership | None) -> Q | None:
    """Rows (with `person`, `author` and `organisation`) this membership may read, as support
    notes are read: None means nothing. Consent counts only when it covers all support notes."""
    allowed = support_records_q(membership)
    if membership is None or allowed is None:
        return None
    return allowed & Q(organisation_id=membership.organisation_id)


def _visible(manager: Any, membership: Membership | None) -> SphereQuerySet:
    rows: SphereQuerySet = manager.scoped()
    allowed = _support_q(membership)
    return rows.none() if allowed is None else rows.filter(allowed)


def needs_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Needs whose words this membership may read (the support-note rules)."""
    return _visible(Need.objects, membership)


def spends_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Spends this membership may read: the support-note rules (which include their own)."""
    return _visible(Spend.objects, membership)


def demand_words_visible_to(membership: Membership | None) -> SphereQuerySet:
    return _visible(DemandWords.objects, membership)


def get_need_for_user(membership: Membership | None, need_id: int) -> Need:
    need: Need = get_object_or_404(
        needs_visible_to(membership).select_related("person", "team", "first_contact"),
        pk=need_id,
    )
    return need


def get_spend_for_user(membership: Membership | None, spend_id: int) -> Spend:
    spend: Spend = get_object_or_404(
        spends_visible_to(membership).select_related("person", "team", "author", "decided_by"),
        pk=spend_id,
    )
    return spend


def needs_of_person(membership: Membership | None, person_id: int) -> list[Need]:
    return list(
        needs_visible_to(membership).filter(person_id=person_id).select_related("first_contact")
    )


def spends_waiting_for(membership: Membership) -> list[Spend]:
    """Spends that ask this coordinator's decision: their team (every team without one), not
    their own. Their words are support sphere; coordinators read their team's support sphere."""
    if membership.role != Role.COORDINATOR:
        return []
    rows = spends_visible_to(membership).filter(status=SpendStatus.ASKED)
    if membership.team_id:
        rows = rows.filter(team_id=membership.team_id)
    return list(
        rows.exclude(author_id=membership.user_id).select_related("person", "team", "author")
    )


def own_spends(membership: Membership, *, limit: int = 50) -> list[Spend]:
    return list(
        spends_visible_to(membership)
        .filter(author_id=membership.user_id)
        .select_related("person", "team")[:limit]
    )


def demand_for_contacts(contact_ids: list[int]) -> dict[int, ContactDemand]:
    """Demand codes (shared sphere) of these contacts, by contact id (one query)."""
    if not contact_ids:
        return {}
    return {d.contact_id: d for d in ContactDemand.objects.filter(contact_id__in=contact_ids)}


def settings_for(organisation_id: int) -> LearningSettings:
    """The organisation's settings, or unsaved defaults."""
    found = LearningSettings.objects.filter(organisation_id=organisation_id).first()
    return found or LearningSettings(
        organisation_id=organisation_id, discretion_limit=DEFAULT_LIMIT
    )


# --- team figures ---------------------------------------------------------------------------


def period_of(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The period a team page shows for the dates asked (None: the default): by default the last
    twelve months to `today`, the earlier date first, at most three years."""
    start = start or (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    end = end or today
    if end < start:
        start, end = end, start
    if (end - start).days > 366 * 3:
        start = end - timedelta(days=366 * 3)
    return start, end


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _month_starts(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _scope(rows: QuerySet[Any], organisation_id: int, team_id: int | None) -> QuerySet[Any]:
    rows = rows.filter(organisation_id=organisation_id)
    return rows.filter(team_id=team_id) if team_id is not None else rows


def withheld_share(part: int, whole: int, people: int) -> str:
    """A share, withheld ("fewer than 5") when it is made from fewer than 5 people."""
    return share(part, whole) if enough(people) else FEWER


def withheld_count(n: int, people: int) -> str:
    """A count, withheld ("fewer than 5") when under 5 or made from fewer than 5 people."""
    return shown(n) if enough(people) else FEWER


def _fraction(part: int, whole: int, people: int) -> float | None:
    if withheld_share(part, whole, people) == FEWER or not whole:
        return None
    return part / whole


def report_words(
    organisation_id: int, key: str, counted: Mapping[str, object]
) -> list[tuple[str, str]]:
    """The rows a report shows for one of the organisation's lists (decision 0088): its words in
    use, in its order and words, and any retired word (or code) that still has records."""
    rows = [
        (word.code, word.label)
        for word in local_words.words(organisation_id, key)
        if word.active or counted.get(word.code)
    ]
    listed = {code for code, _label in rows}
    labels = local_words.labels(organisation_id, key)
    rows += [(code, labels.get(code, code)) for code in counted if code and code not in listed]
    return rows


@dataclass(frozen=True, slots=True)
class DemandMonth:
    month: date
    marked: str  # contacts marked value or failure, as shown ("fewer than 5" under 5)
    failure: str
    people: str
    share: str  # failure demand as a share of marked contacts
    share_value: float | None  # the same, for charts; None when withheld


@dataclass(frozen=True, slots=True)
class FailureDemand:
    organisation_id: int
    team_id: int | None
    start: date
    end: date
    months: list[DemandMonth]
    marked: str
    failure: str
    people: str
    share: str
    kinds: list[tuple[str, str]]  # (failure kind label, count shown)
    definition: str = (
        "Of the contacts marked value or failure demand (by the day of the contact), the share "
        "marked failure demand: demand caused by a failure to do something, or to do it right, "
        "for the person. Contacts not marked are left out. Withheld when made from fewer than 5 "
        "people."
    )


def failure_demand_by_month(
    organisation_id: int, team_id: int | None, start: date, end: date, *, monthly: bool = True
) -> FailureDemand:
    """Failure demand for a team (None: the organisation), by month of the contact's local day:
    counts and distinct people per month and per failure kind made in the database, never a row
    per contact in Python (decision 0098). Each mark carries its contact's local day and removal
    (`ContactDemand.contact_day`, decision 0110), so the queries read the marks of the period
    from their own index, and no contact: each month (one range query a month, decision 0135),
    the people, and the failure kinds. With `monthly=False` (the scorecard, which shows no
    month) `months` is empty and the marks and people are one aggregate instead: the months'
    queries were a third of the cost."""
    marks = (
        _scope(ContactDemand.objects.all(), organisation_id, team_id)
        .filter(contact_removed=False)
        .order_by()
    )
    rows = marks.filter(contact_day__gte=start, contact_day__lte=end)
    months = _month_starts(start, end)
    failure = Q(kind=DemandKind.FAILURE)
    by_month: dict[int, tuple[int, int, int]] = {}
    if monthly:
        # A month at a time, each along its own range of the index: one distinct count of
        # people per month, with no sort (grouping the period by a month worked out per mark
        # sorted every mark first: 0.88 s of CPU against 0.28 s for the 12 months, 100k demo).
        for index, month in enumerate(months):
            counted = marks.filter(
                contact_day__gte=max(month, start),
                contact_day__lte=min(_next_month(month) - timedelta(days=1), end),
            ).aggregate(
                marked=Count("pk"),
                failures=Count("pk", filter=failure),
                people=Count("person_id", distinct=True),
            )
            by_month[index] = (counted["marked"], counted["failures"], counted["people"])
        everyone: int = rows.aggregate(people=Count("person_id", distinct=True))["people"]
        total = sum(marked for marked, _, _ in by_month.values())
    else:
        counted = rows.aggregate(marked=Count("pk"), people=Count("person_id", distinct=True))
        everyone, total = counted["people"], counted["marked"]
    kinds: dict[str, tuple[int, int]] = {
        kind: (count, people)
        for kind, count, people in rows.filter(failure)
        .values("failure_kind")
        .annotate(count=Count("pk"), people=Count("person_id", distinct=True))
        .values_list("failure_kind", "count", "people")
    }
    shown_months = []
    for index, month in enumerate(months if monthly else []):
        marked, failures, people = by_month.get(index, (0, 0, 0))
        shown_months.append(
            DemandMonth(
                month=month,
                marked=withheld_count(marked, people),
                failure=withheld_count(failures, people),
                people=shown(people),
                share=withheld_share(failures, marked, people),
                share_value=_fraction(failures, marked, people),
            )
        )
    failures = sum(count for count, _ in kinds.values())
    return FailureDemand(
        organisation_id=organisation_id,
        team_id=team_id,
        start=start,
        end=end,
        months=shown_months,
        marked=withheld_count(total, everyone),
        failure=withheld_count(failures, everyone),
        people=shown(everyone),
        share=withheld_share(failures, total, everyone),
        kinds=[
            (str(label), withheld_count(*kinds.get(value, (0, 0))))
            for value, label in report_words(organisation_id, "failure_kind", kinds)
        ],
    )


@dataclass(frozen=True, slots=True)
class NeedsSummary:
    organisation_id: int
    team_id: int | None
    start: date
    end: date
    opened: str  # needs whose first contact was in the period
    people: str  # people with a need opened in the period
    met: str  # needs met (as the person sees it) in the period
    closed_other: list[tuple[str, str]]  # (reason label, count shown) closed in the period
    still_open: str  # needs opened in the period and open now
    median_days: str  # first contact to met, for needs met in the period
    median_days_value: float | None
    first_contact_share: str  # of needs opened in the period, met on the day of first contact
    definition: str = (
        "A need is what the person came for, in their words. It is met when the person says it "
        "is sorted (their worker records it), or closed with a reason. End-to-end time runs from "
        "the first contact about the need to the day they said it was met: the median is over "
        "needs met in the period. Resolved at first contact: of needs whose first contact was in "
        "the period, the share met that same day. Withheld when made from fewer than 5 people."
    )


def needs_summary(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> NeedsSummary:
    """Needs for a team (None: the organisation): dates and codes only, never words (one query)."""
    rows = (
        _scope(
            Need.objects.for_system("team needs summary: dates and codes, never words"),
            organisation_id,
            team_id,
        )
        .filter(
            Q(first_contact_on__range=(start, end)) | Q(closed_on__range=(start, end)),
        )
        .values_list("person_id", "first_contact_on", "status", "closed_on", "close_reason")
    )
    opened: list[tuple[int, bool, bool]] = []  # (person, open now, met on first day)
    met: list[tuple[int, int]] = []  # (person, days)
    reasons: dict[str, set[tuple[int, date]]] = defaultdict(set)
    closed_people: dict[str, set[int]] = defaultdict(set)
    for person_id, first_on, status, closed_on, reason in rows:
        if start <= first_on <= end:
            opened.append(
                (
                    person_id,
                    status == NeedStatus.OPEN,
                    status == NeedStatus.MET and closed_on == first_on,
                )
            )
        if closed_on is not None and start <= closed_on <= end:
            if status == NeedStatus.MET:
                met.append((person_id, (closed_on - first_on).days))
            else:
                reasons[reason].add((person_id, closed_on))
                closed_people[reason].add(person_id)
    opened_people = len({person for person, _, _ in opened})
    met_people = len({person for person, _ in met})
    first_day = sum(1 for _, _, on_first_day in opened if on_first_day)
    days = [d for _, d in met]
    median_value = (
        float(median(days)) if days and enough(met_people) and enough(len(days)) else None
    )
    return NeedsSummary(
        organisation_id=organisation_id,
        team_id=team_id,
        start=start,
        end=end,
        opened=withheld_count(len(opened), opened_people),
        people=shown(opened_people),
        met=withheld_count(len(met), met_people),
        closed_other=[
            (
                str(label),
                withheld_count(len(reasons.get(value, ())), len(closed_people.get(value, ()))),
            )
            for value, label in report_words(organisation_id, "close_reason", reasons)
        ],
        still_open=withheld_count(
            sum(1 for _, is_open, _ in opened if is_open),
            len({person for person, is_open, _ in opened if is_open}),
        ),
        median_days=FEWER if median_value is None else f"{median_value:g} days",
        median_days_value=median_value,
        first_contact_share=withheld_share(first_day, len(opened), opened_people),
    )


@dataclass(frozen=True, slots=True)
class DiscretionSummary:
    organisation_id: int
    team_id: int | None
    start: date
    end: date
    spends: str
    people: str
    without_escalation: str  # count of spends made without asking anyone
    without_escalation_share: str
    asked: str  # waiting now
    approved: str
    declined: str
    total: str  # money spent (made and approved), withheld when fewer than 5 people
    limit: Decimal
    currency: str
    definition: str = (
        "Spends from the team's discretionary fund dated in the period. Without escalation: a "
        "worker spent up to the organisation's limit without asking anyone. Above the limit a "
        "coordinator approved or declined it. Withheld when made from fewer than 5 people."
    )


def discretion_summary(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> DiscretionSummary:
    """Discretionary spends for a team (None: the organisation): amounts and codes (two queries)."""
    rows = list(
        _scope(
            Spend.objects.for_system("team discretion summary: amounts and codes, never words"),
            organisation_id,
            team_id,
        )
        .filter(spent_on__range=(start, end))
        .values_list("person_id", "status", "amount")
    )
    people = len({person for person, _, _ in rows})
    by_status: dict[str, int] = defaultdict(int)
    for _, status, _ in rows:
        by_status[status] += 1
    spent = sum(
        (
            amount
            for _, status, amount in rows
            if status in (SpendStatus.MADE, SpendStatus.APPROVED)
        ),
        Decimal("0.00"),
    )
    settings = settings_for(organisation_id)
    return DiscretionSummary(
        organisation_id=organisation_id,
        team_id=team_id,
        start=start,
        end=end,
        spends=withheld_count(len(rows), people),
        people=shown(people),
        without_escalation=withheld_count(by_status[SpendStatus.MADE], people),
        without_escalation_share=withheld_share(by_status[SpendStatus.MADE], len(rows), people),
        asked=withheld_count(by_status[SpendStatus.ASKED], people),
        approved=withheld_count(by_status[SpendStatus.APPROVED], people),
        declined=withheld_count(by_status[SpendStatus.DECLINED], people),
        total=f"{spent:.2f} {settings.currency}" if enough(people) and enough(len(rows)) else FEWER,
        limit=settings.discretion_limit,
        currency=settings.currency,
    )


ADMIN_WEEKS_BACK = 12
"""A worker records admin time for this week and the 12 before it."""


@dataclass(frozen=True, slots=True)
class TeamFigures:
    """The team learning page's figures for one period (`team_figures`)."""

    start: date
    end: date
    demand: FailureDemand
    needs: NeedsSummary
    discretion: DiscretionSummary


@keeps(version=1)
def team_figures(
    organisation_id: int, team_id: int | None, start: date | None, end: date | None
) -> TeamFigures:
    """The team learning page's figures for the period asked (None: the default, `period_of`),
    kept between requests (decision 0133)."""
    start, end = period_of(start, end, today=timezone.localdate())
    args = (organisation_id, team_id, start, end)
    return TeamFigures(
        start=start,
        end=end,
        demand=failure_demand_by_month(*args),
        needs=needs_summary(*args),
        discretion=discretion_summary(*args),
    )


def monday_of(day: date) -> date:
    """The Monday that starts `day`'s week: admin time is recorded per week."""
    return day - timedelta(days=day.weekday())


def recordable_weeks(today: date) -> list[date]:
    """The weeks admin time may be recorded for, newest first."""
    this_monday = monday_of(today)
    return [this_monday - timedelta(weeks=n) for n in range(ADMIN_WEEKS_BACK + 1)]


def admin_time_of(membership: Membership, *, weeks: int = 12) -> list[Any]:
    """The worker's own admin hours, newest week first (only they see these per week)."""
    from alongside.learning.models import AdminTime

    since = timezone.localdate() - timedelta(weeks=weeks + 1)
    return list(
        AdminTime.objects.filter(
            organisation_id=membership.organisation_id, worker=membership.user, week__gte=since
        )
        .select_related("team")
        .order_by("-week", "team__name")
    )
