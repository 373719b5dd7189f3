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

import importlib.util
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.common.spheres import SphereQuerySet
from alongside.common.suppression import FEWER, enough, share, shown
from alongside.learning.models import (
    DEFAULT_LIMIT,
    CloseReason,
    ContactDemand,
    DemandKind,
    DemandWords,
    FailureKind,
    LearningSettings,
    Need,
    NeedStatus,
    Spend,
    SpendStatus,
)

# --- who may read the person's words -------------------------------------------------------


def _support_q(membership: Membership | None) -> Q | None:
    """Rows (with `person`, `author` and `organisation`) this membership may read, as support
    notes are read: None means nothing. Consent counts only when it covers all support notes."""
    from alongside.support.queries import support_records_q

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


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _month_starts(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _scope(rows: QuerySet[Any], organisation_id: int, team_id: int | None) -> QuerySet[Any]:
    rows = rows.filter(organisation_id=organisation_id)
    return rows.filter(team_id=team_id) if team_id is not None else rows


def _share(part: int, whole: int, people: int) -> str:
    """A share, withheld ("fewer than 5") when it is made from fewer than 5 people."""
    return share(part, whole) if enough(people) else FEWER


def _count(n: int, people: int) -> str:
    """A count, withheld ("fewer than 5") when under 5 or made from fewer than 5 people."""
    return shown(n) if enough(people) else FEWER


def _fraction(part: int, whole: int, people: int) -> float | None:
    if _share(part, whole, people) == FEWER or not whole:
        return None
    return part / whole


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
    organisation_id: int, team_id: int | None, start: date, end: date
) -> FailureDemand:
    """Failure demand for a team (None: the organisation), by month of the contact (one query)."""
    since, until = _window(start, end)
    rows = _scope(ContactDemand.objects.all(), organisation_id, team_id).filter(
        contact__at__gte=since, contact__at__lt=until
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
                marked=_count(len(items), people),
                failure=_count(failure, people),
                people=shown(people),
                share=_share(failure, len(items), people),
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
        marked=_count(total, len(everyone)),
        failure=_count(failures, len(everyone)),
        people=shown(len(everyone)),
        share=_share(failures, total, len(everyone)),
        kinds=[
            (str(label), _count(kinds.get(value, 0), len(kind_people.get(value, ()))))
            for value, label in FailureKind.choices
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
        opened=_count(len(opened), opened_people),
        people=shown(opened_people),
        met=_count(len(met), met_people),
        closed_other=[
            (str(label), _count(len(reasons.get(value, ())), len(closed_people.get(value, ()))))
            for value, label in CloseReason.choices
        ],
        still_open=_count(
            sum(1 for _, is_open, _ in opened if is_open),
            len({person for person, is_open, _ in opened if is_open}),
        ),
        median_days=FEWER if median_value is None else f"{median_value:g} days",
        median_days_value=median_value,
        first_contact_share=_share(first_day, len(opened), opened_people),
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
        spends=_count(len(rows), people),
        people=shown(people),
        without_escalation=_count(by_status[SpendStatus.MADE], people),
        without_escalation_share=_share(by_status[SpendStatus.MADE], len(rows), people),
        asked=_count(by_status[SpendStatus.ASKED], people),
        approved=_count(by_status[SpendStatus.APPROVED], people),
        declined=_count(by_status[SpendStatus.DECLINED], people),
        total=f"{spent:.2f} {settings.currency}" if enough(people) and enough(len(rows)) else FEWER,
        limit=settings.discretion_limit,
        currency=settings.currency,
    )


# --- the Relationship Conditions Scorecard ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Panel:
    key: str
    title: str
    definition: str
    figures: list[Figure] = field(default_factory=list)
    not_recorded: str = ""  # what is not recorded yet, and what to record to see it


@dataclass(frozen=True, slots=True)
class Scorecard:
    organisation_id: int
    team_id: int | None
    start: date
    end: date
    panels: list[Panel]


def _people_seen(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> QuerySet[Any]:
    from alongside.people.models import Person
    from alongside.relationships.models import Contact

    since, until = _window(start, end)
    seen = Contact.objects.filter(
        organisation_id=organisation_id, at__gte=since, at__lt=until
    ).values("person_id")
    people = Person.objects.filter(organisation_id=organisation_id, pk__in=seen)
    return people.filter(team_id=team_id) if team_id is not None else people


def _percent(value: float | None) -> str:
    return FEWER if value is None else f"{round(100 * value)}%"


def _autonomy_panel(discretion: DiscretionSummary) -> Panel:
    return Panel(
        key="autonomy",
        title="Front-line autonomy",
        definition=(
            "The share of discretionary spends that workers made without escalation (up to the "
            f"organisation's limit of {discretion.limit:.2f} {discretion.currency} a spend), of "
            "all spends dated in the period."
        ),
        figures=[
            Figure("Spends", discretion.spends),
            Figure("Made without escalation", discretion.without_escalation_share),
            Figure("Waiting for a coordinator now", discretion.asked),
        ],
        not_recorded=(
            "Plans built around the person's own goals are not recorded yet. To see them, record "
            "a plan with the person's goals in their words and who set each goal."
        ),
    )


def _continuity_panel(organisation_id: int, team_id: int | None, start: date, end: date) -> Panel:
    from alongside.relationships.continuity import aggregate
    from alongside.relationships.queries import contact_points, continuity_of, spell_histories

    since, until = _window(start, end)
    scope = _people_seen(organisation_id, team_id, start, end).values("pk")
    points = contact_points(scope, since=since, until=until)
    histories = spell_histories(scope, since=start)
    results = [continuity_of(items, histories.get(pid)) for pid, items in points.items()]
    people = len(results)
    summary = aggregate(results)
    workers = [r.workers for r in results]
    minutes = _contact_minutes(organisation_id, team_id, since, until)
    ok = enough(people)
    return Panel(
        key="continuity",
        title="Continuity and time",
        definition=(
            "For people with contacts in the period: the share of each person's contacts that "
            "were with their named worker at the time (averaged over people), the average number "
            "of different workers each person saw, and the time spent with people (contact "
            "minutes)."
        ),
        figures=[
            Figure("People seen", shown(people)),
            Figure(
                "Contacts with the named worker",
                _percent(summary.person_weighted["named_share"] if ok else None),
            ),
            Figure(
                "Different workers per person",
                f"{sum(workers) / people:.1f}" if ok else FEWER,
            ),
            Figure("Hours with people", f"{minutes / 60:.0f}" if ok else FEWER),
        ],
        not_recorded=(
            "Admin time is not recorded yet, so time with people cannot be set against it. To "
            "see it, record the hours each worker spends on admin in a week, as a team total."
        ),
    )


def _contact_minutes(
    organisation_id: int, team_id: int | None, since: datetime, until: datetime
) -> int:
    from django.db.models import Sum

    from alongside.relationships.models import Contact

    rows = Contact.objects.filter(organisation_id=organisation_id, at__gte=since, at__lt=until)
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    total: int | None = rows.aggregate(total=Sum("minutes"))["total"]
    return total or 0


def _training_panel() -> Panel:
    return Panel(
        key="training",
        title="Training and skills",
        definition="Whether workers have the training and supervision relational work needs.",
        not_recorded=(
            "Not recorded yet: training and supervision come with the volunteers capability. To "
            "see it, record each worker's training (what, when) and supervision sessions."
        ),
    )


def _format_measure(value: Any, *, percent: bool = False) -> str:
    if value is None:
        return FEWER
    if isinstance(value, str):
        return value
    if percent:
        number = float(value)
        return f"{round(100 * number if number <= 1 else number)}%"
    return f"{float(value):.1f}"


def _measure_count(value: Any) -> str:
    return value if isinstance(value, str) else shown(int(value or 0))


def _attitudes_panel(organisation_id: int, team_id: int | None, start: date, end: date) -> Panel:
    """From `alongside.measures.queries.relationship_check_summary`, when that exists."""
    definition = (
        "The Relationship Check: what people say about their relationship with their workers. "
        "Mean answer and the share agreeing, per condition; withheld under 5 responses."
    )
    summarise = None
    if importlib.util.find_spec("alongside.measures.queries") is not None:
        module = importlib.import_module("alongside.measures.queries")
        summarise = getattr(module, "relationship_check_summary", None)
    if summarise is None:
        return Panel(
            key="attitudes",
            title="Attitudes (the Relationship Check)",
            definition=definition,
            not_recorded=(
                "Not recorded yet. To see it, ask people the Relationship Check questions and "
                "record their answers."
            ),
        )
    summary = summarise(organisation_id, team_id, start, end)
    figures = [
        Figure("Responses", _measure_count(getattr(summary, "responses", 0))),
        Figure("People", _measure_count(getattr(summary, "people", 0))),
    ]
    for condition in getattr(summary, "conditions", None) or []:
        label = str(getattr(condition, "label", ""))
        figures.append(Figure(f"{label}: mean", _format_measure(getattr(condition, "mean", None))))
        figures.append(
            Figure(
                f"{label}: agreeing",
                _format_measure(getattr(condition, "share_agreeing", None), percent=True),
            )
        )
    return Panel(
        key="attitudes",
        title="Attitudes (the Relationship Check)",
        definition=definition,
        figures=figures,
    )


def _separation_panel(organisation_id: int, team_id: int | None, start: date, end: date) -> Panel:
    from alongside.eligibility.models import Voucher
    from alongside.relationships.models import Contact, NamedWorkerSpell
    from alongside.safeguarding.models import Override

    people = list(_people_seen(organisation_id, team_id, start, end).values_list("pk", flat=True))
    supporters: dict[int, set[int]] = defaultdict(set)
    for person_id, worker_id in NamedWorkerSpell.objects.filter(person_id__in=people).values_list(
        "person_id", "worker_id"
    ):
        supporters[person_id].add(worker_id)
    for person_id, worker_id in Contact.objects.filter(person_id__in=people).values_list(
        "person_id", "worker_id"
    ):
        supporters[person_id].add(worker_id)
    for person_id, worker_id in Contact.also_present.through.objects.filter(
        contact__person_id__in=people
    ).values_list("contact__person_id", "user_id"):
        supporters[person_id].add(worker_id)
    assessed: dict[int, set[int]] = defaultdict(set)
    for person_id, assessor_id in (
        Voucher.objects.for_system("separation of roles: codes and ids for a team figure")
        .filter(person_id__in=people, redeemed_by_id__isnull=False)
        .values_list("person_id", "redeemed_by_id")
    ):
        assessed[person_id].add(assessor_id)
    separated = sum(1 for pid in people if not (supporters[pid] & assessed[pid]))
    since, until = _window(start, end)
    overrides = Override.objects.for_system("override counts for a team figure").filter(
        organisation_id=organisation_id, started_at__gte=since, started_at__lt=until
    )
    if team_id is not None:
        overrides = overrides.filter(person__team_id=team_id)
    override_rows = list(overrides.values_list("person_id", "reviewed_at"))
    override_people = len({pid for pid, _ in override_rows})
    reviewed = sum(1 for _, at in override_rows if at is not None)
    return Panel(
        key="separation",
        title="Separation of roles",
        definition=(
            "Of the people with contacts in the period, the share whose supporters (named workers "
            "and workers at their contacts, at any time) never checked their eligibility (redeemed "
            "a foodbank voucher for them). And safeguarding overrides started in the period "
            "(opening someone's records without their consent), with the share already reviewed."
        ),
        figures=[
            Figure("People seen", shown(len(people))),
            Figure(
                "Never assessed by their supporters", _share(separated, len(people), len(people))
            ),
            Figure("Overrides", _count(len(override_rows), override_people)),
            Figure("Overrides reviewed", _share(reviewed, len(override_rows), override_people)),
        ],
    )


def _failure_panel(demand: FailureDemand) -> Panel:
    return Panel(
        key="failure_demand",
        title="Failure demand",
        definition=demand.definition,
        figures=[
            Figure("Contacts marked", demand.marked),
            Figure("Failure demand", demand.share),
            *(Figure(label, count) for label, count in demand.kinds),
        ],
    )


def _connection_panel() -> Panel:
    return Panel(
        key="connection",
        title="Connection",
        definition="Whether people are connected to others and to their community.",
        not_recorded=(
            "Not recorded yet: this comes with community connections. To see it, record the "
            "groups and people each person is connected to, as they describe them."
        ),
    )


def scorecard(organisation_id: int, team_id: int | None, start: date, end: date) -> Scorecard:
    """The Relationship Conditions Scorecard for a team (None: the organisation)."""
    discretion = discretion_summary(organisation_id, team_id, start, end)
    demand = failure_demand_by_month(organisation_id, team_id, start, end)
    return Scorecard(
        organisation_id=organisation_id,
        team_id=team_id,
        start=start,
        end=end,
        panels=[
            _autonomy_panel(discretion),
            _continuity_panel(organisation_id, team_id, start, end),
            _training_panel(),
            _attitudes_panel(organisation_id, team_id, start, end),
            _separation_panel(organisation_id, team_id, start, end),
            _failure_panel(demand),
            _connection_panel(),
        ],
    )
