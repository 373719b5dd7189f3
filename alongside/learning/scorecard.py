"""The Relationship Conditions Scorecard: one panel per condition, each computed from data with
its definition shown, and saying what to record where the data is not recorded yet.

Read-only, for a team or the whole organisation; every figure made from fewer than 5 people reads
"fewer than 5". No worker is named and nothing is ranked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from alongside.common.figures import keeps
from alongside.common.suppression import FEWER, enough, share, shown
from alongside.connections.models import IntroductionSide, Status
from alongside.eligibility.models import Voucher
from alongside.learning.queries import (
    DiscretionSummary,
    FailureDemand,
    discretion_summary,
    failure_demand_by_month,
    period_bounds,
    period_of,
    withheld_count,
    withheld_share,
)
from alongside.measures.queries import relationship_check_summary
from alongside.people.models import Person
from alongside.relationships.models import Contact, NamedWorkerSpell
from alongside.relationships.queries import WindowTotals, window_totals
from alongside.safeguarding.models import Override
from alongside.spaces.models import Attendance, Session
from alongside.spaces.queries import held_q, tie_change
from alongside.spaces.regularity import engagement
from alongside.training.queries import core_training, kept_up, overdue_count
from alongside.volunteers.queries import lived_experience_share


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


def _seen(organisation_id: int, team_id: int | None, start: date, end: date) -> WindowTotals:
    """The people of the team (None: the organisation) with contacts in the period, their
    workers, minutes and named-worker share, from the maintained continuity summary in one
    query (decision 0127): its cost is the period's summary rows, never its contacts."""
    scope = Person.objects.filter(organisation_id=organisation_id)
    if team_id is not None:
        scope = scope.filter(team_id=team_id)
    return window_totals(
        organisation_id, start=start, end=end + timedelta(days=1), people=scope.values("pk")
    )


def _percent(value: float | None) -> str:
    return FEWER if value is None else f"{round(100 * value)}%"


def _autonomy_panel(
    discretion: DiscretionSummary, organisation_id: int, team_id: int | None, start: date, end: date
) -> Panel:
    goals = _own_goals(organisation_id, team_id, start, end)
    return Panel(
        key="autonomy",
        title="Front-line autonomy",
        definition=(
            "The share of discretionary spends that workers made without escalation (up to the "
            f"organisation's limit of {discretion.limit:.2f} {discretion.currency} a spend), of "
            "all spends dated in the period. And of the needs open at any time in the period, "
            "the share with a goal that is the person's own: in their words, set by them or "
            "agreed together (not suggested by a worker)."
        ),
        figures=[
            Figure("Spends", discretion.spends),
            Figure("Made without escalation", discretion.without_escalation_share),
            Figure("Waiting for a coordinator now", discretion.asked),
            Figure("Needs open in the period", withheld_count(goals.needs, goals.people)),
            Figure(
                "With the person's own goal",
                withheld_share(goals.own, goals.needs, goals.people),
            ),
        ],
    )


@dataclass(frozen=True, slots=True)
class OwnGoals:
    needs: int
    own: int
    people: int


def _own_goals(organisation_id: int, team_id: int | None, start: date, end: date) -> OwnGoals:
    """Counted in the database (decision 0127), never a row per need in Python."""
    from alongside.learning.models import OWN_GOAL, Need

    needs = Need.objects.for_system("a team share of needs with the person's own goal").filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start),
        organisation_id=organisation_id,
        first_contact_on__lte=end,
    )
    if team_id is not None:
        needs = needs.filter(team_id=team_id)
    found = needs.order_by().aggregate(
        needs=Count("pk"),
        own=Count("pk", filter=Q(goal_set_by__in=sorted(OWN_GOAL))),
        people=Count("person_id", distinct=True),
    )
    return OwnGoals(found["needs"], found["own"], found["people"])


def _continuity_panel(
    organisation_id: int,
    team_id: int | None,
    start: date,
    end: date,
    seen: WindowTotals | None = None,
) -> Panel:
    # The people seen in the period are those with summary rows in it, so the team alone
    # narrows it: a subquery over the period's contacts would be read once per part of the
    # window (decision 0096) for the same answer. Their minutes come from the same rows.
    if seen is None:
        seen = _seen(organisation_id, team_id, start, end)
    people = seen.people
    minutes = seen.minutes
    admin = _admin_split(organisation_id, team_id, start, end)
    ok = enough(people)
    return Panel(
        key="continuity",
        title="Continuity and time",
        definition=(
            "For people with contacts in the period: the share of each person's contacts that "
            "were with their named worker at the time (averaged over people), the average number "
            "of different workers each person saw, and the time spent with people (contact "
            "minutes). Where workers recorded their admin hours for a week, the share of their "
            "recorded time that week (contact minutes with the team's people plus admin) spent "
            "with people; withheld under 5 workers, so no one's own hours can be read off."
        ),
        figures=[
            Figure("People seen", shown(people)),
            Figure(
                "Contacts with the named worker",
                _percent(seen.named_share if ok else None),
            ),
            Figure(
                "Different workers per person",
                f"{seen.workers / people:.1f}" if ok else FEWER,
            ),
            Figure("Hours with people", f"{minutes / 60:.0f}" if ok else FEWER),
            Figure("Workers who recorded admin time", shown(admin.workers)),
            Figure(
                "Time with people, of their recorded time",
                withheld_share(
                    admin.with_people_minutes,
                    admin.with_people_minutes + admin.admin_minutes,
                    admin.workers,
                ),
            ),
        ],
        not_recorded=(
            ""
            if admin.workers
            else "No admin time recorded in this period. Workers record a rough figure a week "
            "(Diary, then “Your admin time”) to set time with people against it."
        ),
    )


@dataclass(frozen=True, slots=True)
class AdminSplit:
    workers: int
    admin_minutes: int
    with_people_minutes: int


def _admin_split(organisation_id: int, team_id: int | None, start: date, end: date) -> AdminSplit:
    """For each worker-week with admin time recorded (weeks starting in the period), the admin
    minutes and that worker's contact minutes that week with the team's people. Driven by the
    period's admin rows (decision 0127): each row's week bounds are picked by a `CASE` over the
    period's Mondays, and its worker's contacts that week summed by a probe of the contacts'
    (worker, time) index, so the cost is the rows recorded, never the period's contacts."""
    from alongside.learning.models import AdminTime

    rows = AdminTime.objects.filter(organisation_id=organisation_id, week__gte=start, week__lte=end)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    recorded = list(rows.values_list("worker_id", "week", "hours"))
    if not recorded:
        return AdminSplit(0, 0, 0)
    mondays = sorted({week for _, week, _ in recorded if week.weekday() == 0})
    with_people = 0
    if mondays:

        def bound(end_of_week: bool) -> Case:
            return Case(
                *(
                    When(
                        week=monday,
                        then=Value(period_bounds(monday, monday + timedelta(days=6))[end_of_week]),
                    )
                    for monday in mondays
                ),
                output_field=DateTimeField(),
            )

        minutes = (
            Contact.objects.filter(
                organisation_id=organisation_id,
                worker_id=OuterRef("worker_id"),
                at__gte=OuterRef("since"),
                at__lt=OuterRef("until"),
                person__team_id=OuterRef("team_id"),
            )
            .order_by()
            .values("worker_id")
            .annotate(total=Sum("minutes"))
            .values("total")
        )
        total = (
            rows.order_by()
            .annotate(since=bound(False), until=bound(True))
            .annotate(minutes=Subquery(minutes, output_field=IntegerField()))
            .aggregate(total=Sum("minutes"))["total"]
        )
        with_people = total or 0
    admin = sum(round(float(hours) * 60) for _, _, hours in recorded)
    return AdminSplit(len({worker for worker, _, _ in recorded}), admin, with_people)


def _training_panel(organisation_id: int, team_id: int | None, end: date) -> Panel:
    """From the training records (`alongside.training`), on the period's last day: two shares of
    workers (supporters, volunteers, coordinators), never who, each under 5 withheld."""
    training = core_training(organisation_id, team_id, end)
    workers, supervised = kept_up(organisation_id, end, team_id)
    lived, volunteers = lived_experience_share(organisation_id, team_id)
    figures = [
        Figure("Workers", shown(workers)),
        Figure(
            "With all core training in date",
            FEWER if training is None else share(training[1], training[0]),
        ),
        Figure("With supervision kept up", share(supervised, workers)),
        Figure("Supervisions overdue", shown(overdue_count(organisation_id, end))),
        Figure(
            "Volunteers with lived experience they agreed may be used",
            share(lived, volunteers),
        ),
    ]
    return Panel(
        key="training",
        title="Training and skills",
        definition=(
            "Whether workers have the training and supervision relational work needs, on the "
            "period's last day. Core training in date: the share of workers (supporters, "
            "volunteers, coordinators) whose every course marked core has not run out. "
            "Supervision kept up: the share of workers with a supervision session within its "
            "agreed interval (a worker with no supervision arranged counts as not kept up). "
            "Overdue supervision is a count, never a list of who. Lived experience: the share "
            "of active volunteers who recorded experience of the problems the people here face "
            "and agreed it may be used for matching (without that agreement, not counted)."
        ),
        figures=figures,
        not_recorded=(
            ""
            if training is not None
            else "No course is marked core yet. To see the share in date, mark the courses "
            "everyone must keep up (Training, Courses)."
        ),
    )


def _attitudes_panel(organisation_id: int, team_id: int | None, start: date, end: date) -> Panel:

    summary = relationship_check_summary(organisation_id, team_id, start, end)
    figures = [
        Figure("Responses", withheld_count(summary.responses, summary.people)),
        Figure("People", shown(summary.people)),
    ]
    for condition in summary.conditions:
        mean = condition.mean
        figures.append(Figure(f"{condition.label}: mean", FEWER if mean is None else f"{mean:.1f}"))
        figures.append(Figure(f"{condition.label}: agreeing", _percent(condition.share_agreeing)))
    return Panel(
        key="attitudes",
        title="Attitudes (the Relationship Check)",
        definition=(
            "The Relationship Check: what people say about their relationship with their workers. "
            "Mean answer (1 to 5) and the share agreeing, per condition; withheld under 5 people."
        ),
        figures=figures,
        not_recorded=(
            ""
            if summary.responses
            else "No answers in this period yet. To see it, ask people the Relationship Check "
            "questions (from their page: “Ask how it feels”)."
        ),
    )


def redeemed_by_a_supporter() -> Q:
    """A voucher's redeemer is one of its person's supporters: a named worker (any spell), the
    worker at one of their contacts, or a worker also present at one (any time)."""
    return Q(
        Exists(
            NamedWorkerSpell.objects.filter(
                person_id=OuterRef("person_id"), worker_id=OuterRef("redeemed_by_id")
            )
        )
        | Exists(
            Contact.objects.filter(
                person_id=OuterRef("person_id"), worker_id=OuterRef("redeemed_by_id")
            )
        )
        | Exists(
            Contact.also_present.through.objects.filter(
                contact__person_id=OuterRef("person_id"),
                contact__removed_at__isnull=True,
                user_id=OuterRef("redeemed_by_id"),
            )
        )
    )


def _assessed(organisation_id: int, team_id: int | None, start: date, end: date) -> int:
    """The people seen in the period who had a voucher redeemed by one of their supporters: a
    named worker (any spell), the worker at one of their contacts, or a worker also present at
    one (any time). Driven by the redeemed vouchers, each asking its person's contacts' (person,
    time) index whether they were seen in the period (decision 0127). One query."""
    since, until = period_bounds(start, end)
    assessed = (
        Voucher.objects.for_system("separation of roles: codes and ids for a team figure")
        .filter(
            organisation_id=organisation_id,
            person__organisation_id=organisation_id,
            redeemed_by_id__isnull=False,
        )
        .filter(
            Exists(
                Contact.objects.filter(
                    organisation_id=organisation_id,
                    person_id=OuterRef("person_id"),
                    at__gte=since,
                    at__lt=until,
                )
            )
        )
        .filter(redeemed_by_a_supporter())
    )
    if team_id is not None:
        assessed = assessed.filter(person__team_id=team_id)
    return int(assessed.order_by().values("person_id").distinct().count())


def _separation_panel(
    organisation_id: int,
    team_id: int | None,
    start: date,
    end: date,
    seen: WindowTotals | None = None,
) -> Panel:
    if seen is None:
        seen = _seen(organisation_id, team_id, start, end)
    since, until = period_bounds(start, end)
    people = seen.people
    separated = people - _assessed(organisation_id, team_id, start, end)
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
            Figure("People seen", shown(people)),
            Figure(
                "Never assessed by their supporters",
                withheld_share(separated, people, people),
            ),
            Figure("Overrides", withheld_count(len(override_rows), override_people)),
            Figure(
                "Overrides reviewed", withheld_share(reviewed, len(override_rows), override_people)
            ),
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


def connection_panel(organisation_id: int, team_id: int | None, start: date, end: date) -> Panel:

    groups = _group_engagement(organisation_id, team_id, start, end)
    introduced = _people_introduced(organisation_id, team_id, start, end)
    ties = tie_change(organisation_id, team_id, until=end)
    return Panel(
        key="connection",
        title="Connection",
        definition=(
            "People who came to a group or space in the period, and of them the share who came "
            "regularly at its end (at least 3 of the last 4 sessions held). People introduced in "
            "the period, when both sides agreed. The people and groups each person can turn to, "
            "counted with them: of those counted at least twice by the end of the period, the "
            "share with more at their latest count than at their first."
        ),
        figures=[
            Figure("At a group or space", shown(groups.people)),
            Figure(
                "Coming regularly", withheld_share(groups.regular, groups.people, groups.people)
            ),
            Figure("People introduced (both agreed)", shown(introduced)),
            Figure("Ties counted at least twice", ties.compared),
            Figure("More people to turn to than at first", ties.more),
        ],
    )


@dataclass(frozen=True, slots=True)
class GroupEngagement:
    people: int
    regular: int


def _group_engagement(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> GroupEngagement:
    """People of the team (or organisation) at any space in the period, and how many of them
    came regularly to at least one space by the rule in `spaces.regularity`, at the period's end."""

    rows = Attendance.objects.filter(
        space__organisation_id=organisation_id, on__gte=start, on__lte=end
    )
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    pairs = set(rows.values_list("person_id", "space_id"))
    people = {person_id for person_id, _ in pairs}
    spaces = {space_id for _, space_id in pairs}
    held: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for space_id, session_id, on in (
        Session.objects.filter(held_q(), space_id__in=spaces, on__lte=end)
        .order_by("on", "starts_at", "id")
        .values_list("space_id", "pk", "on")
    ):
        held[space_id].append((session_id, on))
    came: dict[tuple[int, int], dict[int, date]] = defaultdict(dict)
    for person_id, space_id, session_id, on in Attendance.objects.filter(
        person_id__in=people, space_id__in=spaces, on__lte=end
    ).values_list("person_id", "space_id", "session_id", "on"):
        if (person_id, space_id) in pairs:
            came[(person_id, space_id)][session_id] = on
    regular = set()
    for (person_id, space_id), sessions in came.items():
        found = engagement(held[space_id], sessions)
        if found is not None and found.regular:
            regular.add(person_id)
    return GroupEngagement(len(people), len(regular))


def _people_introduced(organisation_id: int, team_id: int | None, start: date, end: date) -> int:
    """Distinct people of the team on a side of an introduction both sides agreed to in the period."""

    since, until = period_bounds(start, end)
    sides = IntroductionSide.objects.for_system("a team count of people introduced").filter(
        introduction__organisation_id=organisation_id,
        introduction__status=Status.INTRODUCED,
        introduction__introduced_at__gte=since,
        introduction__introduced_at__lt=until,
        person__isnull=False,
    )
    if team_id is not None:
        sides = sides.filter(person__team_id=team_id)
    return int(sides.values("person_id").distinct().count())


def scorecard(organisation_id: int, team_id: int | None, start: date, end: date) -> Scorecard:
    """The Relationship Conditions Scorecard for a team (None: the organisation)."""
    discretion = discretion_summary(organisation_id, team_id, start, end)
    demand = failure_demand_by_month(organisation_id, team_id, start, end, monthly=False)
    seen = _seen(organisation_id, team_id, start, end)
    return Scorecard(
        organisation_id=organisation_id,
        team_id=team_id,
        start=start,
        end=end,
        panels=[
            _autonomy_panel(discretion, organisation_id, team_id, start, end),
            _continuity_panel(organisation_id, team_id, start, end, seen),
            _training_panel(organisation_id, team_id, end),
            _attitudes_panel(organisation_id, team_id, start, end),
            _separation_panel(organisation_id, team_id, start, end, seen),
            _failure_panel(demand),
            connection_panel(organisation_id, team_id, start, end),
        ],
    )


@keeps(version=1)
def scorecard_figures(
    organisation_id: int, team_id: int | None, start: date | None, end: date | None
) -> Scorecard:
    """`scorecard` for the period asked (None: the default, `period_of`), kept between requests
    (decision 0133)."""
    start, end = period_of(start, end, today=timezone.localdate())
    return scorecard(organisation_id, team_id, start, end)
