"""The funder learning report's content: trends, stories and learning, never a person's record.

Everything here is an aggregate over people, and every count and figure made from fewer than
five people is withheld ("fewer than 5", `alongside.common.suppression`). There are no targets
and no target-versus-actual tables, and no figure is ever given per worker. Free text appears
only where it was written for the report: stories the person agreed to share, and what the team
learned. Nothing is read from the support, eligibility or safeguarding spheres' text.

The same content serves the page, the PDF and `alongside report`, and it depends only on the
database and the period, so a report made twice from the same data is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from alongside.access.models import Organisation
from alongside.common.suppression import FEWER, enough
from alongside.learning.queries import (
    discretion_summary,
    failure_demand_by_month,
    needs_summary,
)
from alongside.learning.scorecard import connection_panel
from alongside.measures.queries import outcome_figures
from alongside.referrals.queries import referrals_summary
from alongside.relationships.continuity import next_quarter
from alongside.relationships.models import Contact, ContinuityDay, ContinuityMonth
from alongside.relationships.shares import NamedShares, named_shares, named_shares_by_quarter
from alongside.reports.models import (
    DEFAULT_RATE_SOURCE,
    DEFAULT_VOLUNTEER_HOUR_RATE,
    ReportSettings,
    Story,
    TeamLearning,
)
from alongside.rota.queries import gifts_summary, hours_given

MAX_PERIOD_DAYS = 3 * 366
ONE_DAY = timedelta(days=1)
GIFT_LABELS = {
    "food": "Food given",
    "goods": "Goods given",
    "room": "Rooms lent",
    "service": "Services given free",
    "money": "Money received",
}


class PeriodError(ValueError):
    """A period that cannot be read or makes no sense; the message says what is wrong."""


def parse_period(text: str) -> tuple[date, date]:
    """ "2026-01-01..2026-06-30" -> (start, end), both inclusive."""
    start_text, separator, end_text = text.partition("..")
    if not separator:
        raise PeriodError(f"expected START..END, like 2026-01-01..2026-06-30, not {text!r}")
    try:
        start = date.fromisoformat(start_text.strip())
    except ValueError:
        raise PeriodError(f"START is not a date (YYYY-MM-DD): {start_text!r}") from None
    try:
        end = date.fromisoformat(end_text.strip())
    except ValueError:
        raise PeriodError(f"END is not a date (YYYY-MM-DD): {end_text!r}") from None
    check_period(start, end)
    return start, end


def check_period(start: date, end: date) -> None:
    if end < start:
        raise PeriodError("END is before START")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise PeriodError("the period is longer than three years")


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def months_in(start: date, end: date) -> list[date]:
    months = []
    month = date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def quarters_in(start: date, end: date) -> list[date]:
    return [m for m in months_in(start, end) if (m.month - 1) % 3 == 0] or [
        date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    ]


@dataclass(frozen=True)
class Figure:
    """One figure as it may be shown: the text, and the number behind it when it may be used."""

    label: str
    text: str
    value: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[str, float | None]]  # None where withheld (fewer than 5)


@dataclass
class ReportContent:
    organisation: Organisation
    start: date
    end: date
    reach: list[Figure] = field(default_factory=list)
    activity: list[Series] = field(default_factory=list)
    continuity: list[Figure] = field(default_factory=list)
    continuity_trend: list[Series] = field(default_factory=list)
    value: list[Figure] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    learning: list[TeamLearning] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)  # from other apps, see build()


def build(organisation: Organisation, start: date, end: date) -> ReportContent:
    """Everything the report shows for one organisation and period (both dates inclusive)."""
    check_period(start, end)
    content = ReportContent(organisation=organisation, start=start, end=end)
    since, until = _aware(start), _aware(end + timedelta(days=1))
    contacts = Contact.objects.filter(organisation=organisation, at__gte=since, at__lt=until)
    _reach(content, contacts, since)
    _continuity(content, contacts, since, until)
    _value(content, contacts)
    content.sections = _other_sections(organisation, start, end)
    content.stories = list(
        Story.objects.filter(
            organisation=organisation,
            told_on__gte=start,
            told_on__lte=end,
            agreed_to_share=True,
            withdrawn_at__isnull=True,
        )
        .order_by("told_on", "id")
        .values_list("in_their_words", flat=True)
    )
    content.learning = list(
        TeamLearning.objects.filter(
            organisation=organisation, period_start__lte=end, period_end__gte=start
        )
        .select_related("team")
        .order_by("team__name", "period_start", "id")
    )
    return content


def _days(content: ReportContent) -> Any:
    """The period's rows of the continuity summary (decision 0069): contacts and minutes per
    person, worker and local day, so counts over the period read no contact."""
    return ContinuityDay.objects.filter(
        organisation=content.organisation,
        day__gte=content.start,
        day__lte=content.end,
    ).order_by()


def _reach(content: ReportContent, contacts: Any, since: datetime) -> None:
    """Reach from the continuity summary's rows of the period (`contacts` and `since` name the
    same period; decisions 0098, 0110, 0130): the contacts and minutes of each day, summed in
    the order of the period's covering index (no sort, no per-row month), added up by month here;
    the people of each whole month counted from the finished month rows (one per person and
    month, read from their index), and those of a part month at either end from its day rows;
    and the people seen, each with one index probe for an earlier row ("new to us")."""
    days = _days(content)
    months = months_in(content.start, content.end)
    index_of = {(month.year, month.month): index for index, month in enumerate(months)}
    totals = [[0, 0] for _ in months]
    for day, day_count, day_minutes in (
        days.values("day")
        .annotate(count=Sum("contacts"), minutes=Sum("minutes"))
        .values_list("day", "count", "minutes")
    ):
        month_totals = totals[index_of[(day.year, day.month)]]
        month_totals[0] += day_count or 0
        month_totals[1] += day_minutes or 0
    month_people = [0 for _ in months]
    whole = [m for m in months if m >= content.start and _next_month(m) <= content.end + ONE_DAY]
    if whole:
        for month, month_count in (
            ContinuityMonth.objects.filter(
                organisation=content.organisation,
                month__gte=whole[0],
                month__lte=whole[-1],
            )
            .order_by()
            .values("month")
            .annotate(people=Count("pk"))
            .values_list("month", "people")
        ):
            month_people[index_of[(month.year, month.month)]] = month_count
    for index, month in enumerate(months):
        if month not in whole:  # a part month at either end: its own days' people
            month_people[index] = days.filter(
                day__gte=max(month, content.start), day__lt=_next_month(month)
            ).aggregate(people=Count("person_id", distinct=True))["people"]
    people, earlier = _seen(days, content.start)
    count = sum(month_count for month_count, _ in totals)
    minutes = sum(month_minutes for _, month_minutes in totals)
    content.reach = [
        Figure("People we worked alongside", _count(people, people), people),
        Figure("Of them, new to us in this period", _count(people - earlier, people)),
        Figure("Conversations and meetings", _count(count, people), count),
        Figure(
            "Hours spent with people",
            f"{round(minutes / 60):,}" if enough(people) else FEWER,
        ),
    ]
    shown = [
        (month.strftime("%b %Y"), month_people[i], totals[i][0]) for i, month in enumerate(months)
    ]
    content.activity = [
        Series("People seen", [(label, _withheld(n, n)) for label, n, _ in shown]),
        Series("Conversations and meetings", [(label, _withheld(n, c)) for label, n, c in shown]),
    ]


def _seen(days: Any, start: date) -> tuple[int, int]:
    """The people with rows among `days`, and how many of them have a row before `start`: each
    person once (the distinct people of the rows, from their index), then one index probe each
    for an earlier row. No person row is read: every row's person exists (a foreign key)."""
    seen_sql, seen_params = days.values("person_id").distinct().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM"  # noqa: S608 - the ORM's SQL and a table name; values are parameters
            f" {ContinuityDay._meta.db_table} AS earlier WHERE earlier.person_id = seen.person_id"
            f" AND earlier.day < %s) THEN 1 ELSE 0 END) FROM ({seen_sql}) AS seen",
            [connection.ops.adapt_datefield_value(start), *seen_params],
        )
        people, earlier = cursor.fetchone()
    return int(people), int(earlier or 0)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _count(n: int, people: int) -> str:
    """A count, or "fewer than 5" when it, or the people it is about, number under 5."""
    return f"{n:,}" if enough(n) and enough(people) else FEWER


def _withheld(people: int, value: float) -> float | None:
    return value if enough(people) else None


def _continuity(content: ReportContent, contacts: Any, since: datetime, until: datetime) -> None:
    """The period's continuity and its quarterly trend: the named-worker share, the people and
    their workers, from the continuity summary in the database (decisions 0106, 0130): one query
    for the period (its rows per worker, grouped once per person), one for the whole quarters in
    it and one for each part quarter at its ends (their finished rows: the trend is the share
    alone)."""
    org = content.organisation.pk
    after = content.end + timedelta(days=1)
    overall = named_shares(org, start=content.start, end=after, workers=True)
    named = overall.share
    ok = enough(overall.people)
    content.continuity = [
        Figure(
            "Contacts with the person's own named worker (average over people)",
            f"{round(100 * named)}%" if ok and named is not None else FEWER,
            named if ok else None,
            "The named-worker share (St Leonard's index): how often people saw the worker they know.",
        ),
        Figure(
            "Different workers each person saw (average)",
            f"{overall.workers / overall.people:.1f}" if ok and overall.people else FEWER,
        ),
    ]
    windows = [
        (quarter, max(quarter, content.start), min(next_quarter(quarter), after))
        for quarter in quarters_in(content.start, content.end)
    ]
    whole = [q for q, q_start, q_until in windows if (q_start, q_until) == (q, next_quarter(q))]
    by_quarter = (
        named_shares_by_quarter(org, first=whole[0], last=next_quarter(whole[-1])) if whole else {}
    )
    trend = []
    for quarter, q_start, q_until in windows:
        if quarter in whole:
            summary = by_quarter.get(quarter, NamedShares(0, 0, None))
        else:
            summary = named_shares(org, start=q_start, end=q_until)
        share = summary.share
        label = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"
        trend.append((label, 100 * share if enough(summary.people) and share is not None else None))
    content.continuity_trend = [Series("Named-worker share (%)", trend)]


def rate_note(settings: ReportSettings | None) -> tuple[Decimal, str]:
    """The rate an hour of volunteer time is valued at, and where it comes from, in words."""
    rate = settings.volunteer_hour_rate if settings else DEFAULT_VOLUNTEER_HOUR_RATE
    if rate == DEFAULT_VOLUNTEER_HOUR_RATE:
        return rate, f"Hours × £{rate} an hour: {DEFAULT_RATE_SOURCE}."
    return rate, f"Hours × £{rate} an hour, the rate this organisation chose."


def _value(content: ReportContent, contacts: Any) -> None:
    """Volunteer time (from `rota.queries.hours_given`, the one place the figure is made) and
    gifts in kind and money received (`rota.queries.gifts_summary`), each withheld when fewer
    than five volunteers gave the time or fewer than five gifts of a kind came in."""
    org = content.organisation
    rate, note = rate_note(ReportSettings.objects.filter(organisation=org).first())
    hours = hours_given(org.pk, content.start, content.end)
    worth = (hours.minutes * rate / Decimal(60)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    ok = enough(hours.members)
    whole = (Decimal(hours.minutes) / Decimal(60)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    content.value = [
        Figure(
            "Hours volunteers gave",
            f"{whole:,}" if ok else FEWER,
            note="On shifts, with people, hosting sessions, and time they added themselves.",
        ),
        Figure("Value of that time", f"£{worth:,}" if ok else FEWER, note=note),
    ]
    for line in gifts_summary(org.pk, content.start, content.end):
        label = GIFT_LABELS.get(line.kind, line.label)
        if not enough(line.count):
            content.value.append(Figure(label, FEWER))
            continue
        parts = [f"{line.count:,} gifts"]
        if line.kilograms:
            parts.append(f"{line.kilograms.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,} kg")
        if line.items:
            parts.append(f"{line.items.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,} items")
        if line.value:
            worth_text = f"£{line.value.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"
            parts.append(worth_text if line.kind == "money" else f"worth about {worth_text}")
        content.value.append(
            Figure(
                label,
                ", ".join(parts),
                note="Values of gifts in kind are the estimates recorded where one was given."
                if line.kind != "money"
                else "",
            )
        )


def _other_sections(organisation: Organisation, start: date, end: date) -> dict[str, Any]:
    """How it feels, how life is going, failure demand, needs, discretion and connection, from
    their apps."""

    org = organisation.pk
    outcomes = outcome_figures(org, None, start, end)
    return {
        "relationship_check": outcomes.relationship_check,
        "outcomes": outcomes.changes,
        "associations": outcomes.associations,
        "failure_demand": failure_demand_by_month(org, None, start, end),
        "needs": needs_summary(org, None, start, end),
        "discretion": discretion_summary(org, None, start, end),
        "connection": connection_panel(org, None, start, end),
        "referrals": referrals_summary(org, start, end),
    }
