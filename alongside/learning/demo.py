"""Demo data for learning: demand marked on contacts, needs opened and closed, discretionary spends.

`build_learning(organisation=..., seed=..., today=..., canary=...)` is called by the demo builder
after contacts exist. Deterministic per seed (rows are visited in primary-key order). Every piece
of support-sphere free text holds `canary` when given, so leak tests can look for it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from alongside.access.models import Membership, Notification, Organisation, Role
from alongside.learning.models import (
    AdminTime,
    CloseReason,
    ContactDemand,
    DemandKind,
    DemandWords,
    FailureKind,
    GoalSetBy,
    LearningSettings,
    Need,
    NeedStatus,
    Spend,
    SpendStatus,
)
from alongside.learning.queries import ADMIN_WEEKS_BACK, monday_of
from alongside.relationships.models import Contact

MARKED_SHARE = 0.6
# Failure demand by team name (other teams: DEFAULT_FAILURE), easing a little over the period.
FAILURE_RATES = {"Foodbank": 0.38, "Advice": 0.32, "Link workers": 0.22}
DEFAULT_FAILURE = 0.28
FAILURE_WEIGHTS = {
    FailureKind.CHASING: 35,
    FailureKind.RETELLING: 25,
    FailureKind.NOT_RIGHT: 15,
    FailureKind.NOT_AS_PROMISED: 15,
    FailureKind.SENT_BACK: 10,
}
WORDS = {
    FailureKind.CHASING: [
        "I rang twice to ask where the form had got to",
        "Just checking if anyone heard back",
    ],
    FailureKind.RETELLING: [
        "I had to explain everything again to someone new",
        "Nobody had my story written down",
    ],
    FailureKind.NOT_RIGHT: [
        "The letter had my name wrong so it bounced",
        "They sent the wrong form",
    ],
    FailureKind.NOT_AS_PROMISED: [
        "I was told someone would call and they didn't",
        "The voucher never came",
    ],
    FailureKind.SENT_BACK: [
        "The council said to come back here",
        "The job centre sent me back to you",
    ],
}
NEED_WORDS = [
    "Help sorting the rent arrears before court",
    "Food for me and the kids until payday",
    "Someone to go with me to the housing office",
    "Getting my benefits back on after the sanction",
    "I want to feel less alone in the evenings",
    "Fixing the boiler, the landlord won't",
    "Understanding this letter from the council",
    "A bit of help getting back into work",
]
GOAL_WORDS = [
    "Keep my home and pay back a bit each month",
    "The kids fed without me skipping meals",
    "Sort the housing myself, with someone beside me",
    "Money coming in again so I can breathe",
    "Have somewhere to go a couple of evenings a week",
    "A warm flat before the winter",
    "Know where I stand with the council",
    "Be working again by the summer",
]
CLOSE_WORDS = "They found their own way through it"
PURPOSES = [
    "Bus fares to the hospital appointments",
    "Electric top-up to get through the week",
    "School shoes for the youngest",
    "A phone top-up so the job centre can reach them",
    "Second-hand cooker",
    "Bedding after the move",
]


def _text(words: str, canary: str | None) -> str:
    return f"{words} {canary}" if canary else words


def build_learning(
    *, organisation: Organisation, seed: int, today: date, canary: str | None
) -> dict[str, int]:
    """Demand on about 60% of the organisation's contacts, a need per person seen, spends.

    Side effects (bulk, no audit events: the builder records `demo.built`): LearningSettings,
    ContactDemand and DemandWords rows, Need rows, Spend rows, one Notification for the demo
    `coordinator` about the spend that waits for them.
    """

    rng = random.Random(f"{seed}:learning")
    zone = timezone.get_current_timezone()
    LearningSettings.objects.update_or_create(
        organisation=organisation,
        defaults={"discretion_limit": Decimal("50.00"), "currency": "GBP"},
    )
    rows = list(
        Contact.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", "person_id", "person__team_id", "person__team__name", "worker_id", "at")
    )
    if not rows:
        return {"learning_demand": 0, "learning_needs": 0, "learning_spends": 0}
    earliest = min(row[5] for row in rows)
    span = max(1.0, (datetime.now(tz=zone) - earliest).total_seconds())
    demands: list[ContactDemand] = []
    words_for: dict[int, tuple[str, int, int]] = {}
    first_contact: dict[int, tuple[int, date, int, int]] = {}
    people_contacts: dict[int, list[date]] = defaultdict(list)
    for pk, person_id, team_id, team_name, worker_id, at in rows:
        day = at.astimezone(zone).date()
        people_contacts[person_id].append(day)
        if person_id not in first_contact or day < first_contact[person_id][1]:
            first_contact[person_id] = (pk, day, team_id, worker_id)
        if rng.random() >= MARKED_SHARE:
            continue
        # Failure demand eases by up to a quarter over the period: the team is learning.
        progress = (at - earliest).total_seconds() / span
        rate = FAILURE_RATES.get(team_name, DEFAULT_FAILURE) * (1 - 0.25 * progress)
        if rng.random() < rate:
            kind = rng.choices(list(FAILURE_WEIGHTS), weights=list(FAILURE_WEIGHTS.values()))[0]
            demands.append(
                ContactDemand(
                    organisation=organisation,
                    contact_id=pk,
                    person_id=person_id,
                    team_id=team_id,
                    kind=DemandKind.FAILURE,
                    failure_kind=kind,
                    marked_by_id=worker_id,
                    contact_day=day,
                )
            )
            if rng.random() < 0.35:
                words_for[pk] = (rng.choice(WORDS[kind]), person_id, worker_id)
        else:
            demands.append(
                ContactDemand(
                    organisation=organisation,
                    contact_id=pk,
                    person_id=person_id,
                    team_id=team_id,
                    kind=DemandKind.VALUE,
                    marked_by_id=worker_id,
                    contact_day=day,
                )
            )
    ContactDemand.objects.bulk_create(demands, batch_size=1000)
    by_contact = {d.contact_id: d.pk for d in demands}
    if by_contact and any(pk is None for pk in by_contact.values()):  # backends without RETURNING
        by_contact = dict(
            ContactDemand.objects.filter(organisation=organisation).values_list("contact_id", "pk")
        )
    DemandWords.objects.bulk_create(
        [
            DemandWords(
                organisation=organisation,
                demand_id=by_contact[contact_id],
                person_id=person_id,
                text=_text(words, canary),
                author_id=worker_id,
            )
            for contact_id, (words, person_id, worker_id) in sorted(words_for.items())
        ],
        batch_size=1000,
    )
    needs = _needs(organisation, rng, first_contact, people_contacts, today, canary)
    spends = _spends(organisation, rng, first_contact, today, canary)
    admin_weeks = _admin_time(organisation, rows, seed=seed, today=today)
    return {
        "learning_demand": len(demands),
        "learning_demand_words": len(words_for),
        "learning_needs": needs,
        "learning_spends": spends,
        "learning_admin_weeks": admin_weeks,
    }


def _admin_time(organisation: Organisation, rows: list[Any], *, seed: int, today: date) -> int:
    """Most weeks of the last 12, each worker gives a rough figure for their admin hours in
    each team they saw people for (from its own generator, so the rest of the town is unchanged)."""
    rng = random.Random(f"{seed}:admin-time")
    zone = timezone.get_current_timezone()
    this_monday = monday_of(today)
    first = this_monday - timedelta(weeks=ADMIN_WEEKS_BACK)
    active: set[tuple[int, int, date]] = set()
    for _, _, team_id, _, worker_id, at in rows:
        day = at.astimezone(zone).date()
        monday = monday_of(day)
        if first <= monday < this_monday:
            active.add((worker_id, team_id, monday))
    weeks = [
        AdminTime(
            organisation=organisation,
            worker_id=worker_id,
            team_id=team_id,
            week=monday,
            hours=Decimal(rng.randint(6, 28)) / 2,
        )
        for worker_id, team_id, monday in sorted(active)
        if rng.random() < 0.7
    ]
    AdminTime.objects.bulk_create(weeks, batch_size=1000)
    return len(weeks)


def _needs(
    organisation: Organisation,
    rng: random.Random,
    first_contact: dict[int, tuple[int, date, int, int]],
    people_contacts: dict[int, list[date]],
    today: date,
    canary: str | None,
) -> int:
    needs = []
    for person_id in sorted(first_contact):
        contact_id, opened, team_id, worker_id = first_contact[person_id]
        words = rng.choice(NEED_WORDS)
        need = Need(
            organisation=organisation,
            person_id=person_id,
            team_id=team_id,
            in_their_words=_text(words, canary),
            first_contact_id=contact_id,
            first_contact_on=opened,
            author_id=worker_id,
        )
        # Goals draw from their own generator, so the rest of the town is unchanged by them.
        goal_roll = random.Random(f"goal-{person_id}").random()
        if goal_roll < 0.75:
            need.goal = _text(GOAL_WORDS[NEED_WORDS.index(words)], canary)
            need.goal_set_by = (
                GoalSetBy.PERSON
                if goal_roll < 0.35
                else GoalSetBy.TOGETHER
                if goal_roll < 0.65
                else GoalSetBy.WORKER
            )
        roll = rng.random()
        later = sorted(day for day in people_contacts[person_id] if day > opened)
        if roll < 0.22:  # sorted at the first contact
            need.status, need.closed_on = NeedStatus.MET, opened
        elif roll < 0.72 and later:  # sorted at a later contact
            need.status, need.closed_on = NeedStatus.MET, rng.choice(later[:6])
        elif roll < 0.87:
            reason = rng.choice(list(CloseReason))
            closed_on = min(today, opened + timedelta(days=rng.randint(14, 200)))
            need.status, need.closed_on, need.close_reason = NeedStatus.CLOSED, closed_on, reason
            if reason == CloseReason.OTHER:
                need.close_words = _text(CLOSE_WORDS, canary)
        if need.closed_on is not None:
            need.closed_by_id = worker_id
        needs.append(need)
    Need.objects.bulk_create(needs, batch_size=1000)
    return len(needs)


def _spends(
    organisation: Organisation,
    rng: random.Random,
    first_contact: dict[int, tuple[int, date, int, int]],
    today: date,
    canary: str | None,
) -> int:
    users = get_user_model()._base_manager
    coordinators = dict(
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, team__isnull=False
        )
        .order_by("pk")
        .values_list("team_id", "user_id")
    )
    demo_coordinator = users.filter(username="coordinator").first()
    coordinator_team = (
        Membership.objects.filter(organisation=organisation, user=demo_coordinator)
        .values_list("team_id", flat=True)
        .first()
        if demo_coordinator
        else None
    )
    limit = Decimal("50.00")
    spends = []
    waiting_made = False
    for person_id in sorted(first_contact):
        _, opened, team_id, worker_id = first_contact[person_id]
        if rng.random() >= 0.12:
            continue
        decider = coordinators.get(team_id)
        over = rng.random() < 0.15 and decider is not None and decider != worker_id
        amount = (
            Decimal(rng.randint(55, 180))
            if over
            else Decimal(rng.randint(300, 4500)) / Decimal(100)
        ).quantize(Decimal("0.01"))
        spent_on = min(today, opened + timedelta(days=rng.randint(0, 60)))
        spend = Spend(
            organisation=organisation,
            team_id=team_id,
            person_id=person_id,
            amount=amount,
            purpose=_text(rng.choice(PURPOSES), canary),
            spent_on=spent_on,
            author_id=worker_id,
            status=SpendStatus.MADE,
            limit_at_time=limit,
        )
        if over:
            decided_at = datetime.combine(
                spent_on, datetime.min.time(), tzinfo=timezone.get_current_timezone()
            ) + timedelta(hours=15)
            if rng.random() < 0.8:
                spend.status = SpendStatus.APPROVED
            else:
                spend.status = SpendStatus.DECLINED
                spend.decline_reason = _text("The fund is nearly spent this month", canary)
            spend.decided_by_id, spend.decided_at = decider, decided_at
        spends.append(spend)
    # One spend waits for the demo coordinator: someone in their team, by another worker.
    if demo_coordinator is not None and coordinator_team is not None:
        for person_id in sorted(first_contact):
            _, opened, team_id, worker_id = first_contact[person_id]
            if team_id == coordinator_team and worker_id != demo_coordinator.pk:
                spends.append(
                    Spend(
                        organisation=organisation,
                        team_id=team_id,
                        person_id=person_id,
                        amount=Decimal("85.00"),
                        purpose=_text("A fridge: theirs broke and the food is spoiling", canary),
                        spent_on=today,
                        author_id=worker_id,
                        status=SpendStatus.ASKED,
                        limit_at_time=limit,
                    )
                )
                waiting_made = True
                break
    Spend.objects.bulk_create(spends, batch_size=1000)
    if waiting_made and demo_coordinator is not None:
        waiting = (
            Spend.objects.for_system("demo: the spend waiting for the demo coordinator")
            .filter(organisation=organisation, status=SpendStatus.ASKED)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        from django.urls import reverse

        Notification.objects.create(
            organisation=organisation,
            user=demo_coordinator,
            text="A discretionary spend of 85.00 waits for your decision.",
            url=reverse("learning:spend", args=[waiting]) if waiting else "",
        )
    return len(spends)
