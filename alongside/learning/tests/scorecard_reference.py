"""The scorecard's computations as they were before decision 0127, kept as the reference the
database's counts are tested against (`test_scorecard_sql.py`): each reads the period's contacts
or needs row by row, as the module did."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, QuerySet, Sum, Value, When

from alongside.eligibility.models import Voucher
from alongside.learning.models import OWN_GOAL, AdminTime, Need
from alongside.learning.queries import period_bounds
from alongside.learning.scorecard import AdminSplit, OwnGoals, redeemed_by_a_supporter
from alongside.people.models import Person
from alongside.relationships.models import Contact
from alongside.relationships.queries import WindowTotals, continuity_summary


def people_seen(organisation_id: int, team_id: int | None, start: date, end: date) -> QuerySet[Any]:
    since, until = period_bounds(start, end)
    seen = Contact.objects.filter(
        organisation_id=organisation_id, at__gte=since, at__lt=until
    ).values("person_id")
    people = Person.objects.filter(organisation_id=organisation_id, pk__in=seen)
    return people.filter(team_id=team_id) if team_id is not None else people


def own_goals(organisation_id: int, team_id: int | None, start: date, end: date) -> OwnGoals:
    needs = Need.objects.for_system("a team share of needs with the person's own goal").filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start),
        organisation_id=organisation_id,
        first_contact_on__lte=end,
    )
    if team_id is not None:
        needs = needs.filter(team_id=team_id)
    rows = list(needs.values_list("person_id", "goal_set_by"))
    own = sum(1 for _, set_by in rows if set_by in OWN_GOAL)
    return OwnGoals(len(rows), own, len({person_id for person_id, _ in rows}))


def seen(organisation_id: int, team_id: int | None, start: date, end: date) -> WindowTotals:
    """What the continuity panel read: `continuity_summary`'s people, workers and named-worker
    share, and the minutes of the period's contacts."""
    since, until = period_bounds(start, end)
    scope = Person.objects.filter(organisation_id=organisation_id)
    if team_id is not None:
        scope = scope.filter(team_id=team_id)
    summary = continuity_summary(
        organisation_id, start=start, end=end + timedelta(days=1), people=scope.values("pk")
    ).summary
    return WindowTotals(
        people=summary.people,
        workers=summary.workers,
        minutes=contact_minutes(organisation_id, team_id, since, until),
        named_share=summary.person_weighted["named_share"],
    )


def contact_minutes(
    organisation_id: int, team_id: int | None, since: datetime, until: datetime
) -> int:
    rows = Contact.objects.filter(organisation_id=organisation_id, at__gte=since, at__lt=until)
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    total: int | None = rows.aggregate(total=Sum("minutes"))["total"]
    return total or 0


def admin_split(organisation_id: int, team_id: int | None, start: date, end: date) -> AdminSplit:
    rows = AdminTime.objects.filter(organisation_id=organisation_id, week__gte=start, week__lte=end)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    recorded = list(rows.values_list("worker_id", "week", "hours"))
    if not recorded:
        return AdminSplit(0, 0, 0)
    mondays = sorted({week for _, week, _ in recorded if week.weekday() == 0})
    with_people = 0
    if mondays:
        since, until = period_bounds(mondays[0], mondays[-1] + timedelta(days=6))
        week_of = Case(
            *(
                When(
                    at__gte=period_bounds(monday, monday)[0],
                    at__lt=period_bounds(monday, monday + timedelta(days=6))[1],
                    then=Value(monday),
                )
                for monday in mondays
            ),
            output_field=DateField(),
        )
        total = (
            Contact.objects.filter(organisation_id=organisation_id, at__gte=since, at__lt=until)
            .annotate(week=week_of)
            .filter(
                Exists(
                    rows.filter(
                        worker_id=OuterRef("worker_id"),
                        team_id=OuterRef("person__team_id"),
                        week=OuterRef("week"),
                    )
                )
            )
            .order_by()
            .aggregate(total=Sum("minutes"))["total"]
        )
        with_people = total or 0
    admin = sum(round(float(hours) * 60) for _, _, hours in recorded)
    return AdminSplit(len({worker for worker, _, _ in recorded}), admin, with_people)


def separation(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> tuple[int, int]:
    """(people seen, of whom never assessed by a supporter), as the panel counted them."""
    by_a_supporter = (
        Voucher.objects.for_system("separation of roles: codes and ids for a team figure")
        .filter(person_id=OuterRef("pk"), redeemed_by_id__isnull=False)
        .filter(redeemed_by_a_supporter())
    )
    counts = (
        people_seen(organisation_id, team_id, start, end)
        .order_by()
        .aggregate(people=Count("pk"), separated=Count("pk", filter=~Exists(by_a_supporter)))
    )
    return counts["people"], counts["separated"]
