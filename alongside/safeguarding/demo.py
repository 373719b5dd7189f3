"""Synthetic safeguarding records for the demo town: a handful of concerns and two past overrides.

Called by the demo builder inside its transaction. Writes rows directly (no notifications, no
per-row audit events: the builder records one `demo.built` event for the whole town).
"""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.connections.models import IntroductionSide
from alongside.safeguarding.models import (
    OVERRIDE_DURATION,
    Category,
    Concern,
    ConcernAction,
    ConcernStatus,
    MatchingHold,
    Override,
    OverrideReason,
    ReviewOutcome,
)

# (category, immediate risk, what happened, actions as (what was done, status afterwards))
CONCERNS: list[tuple[str, bool, str, list[tuple[str, str]]]] = [
    (
        Category.FINANCIAL,
        False,
        "Said a nephew has been collecting their pension and they have had no food money for "
        "two weeks. Seemed frightened to talk about it at home.",
        [
            (
                "Spoke to them on the phone with their agreement. Agreed a plan to open a new bank "
                "account and talk to the advice team.",
                ConcernStatus.BEING_LOOKED_INTO,
            ),
        ],
    ),
    (
        Category.SELF_NEGLECT,
        False,
        "Flat was very cold, no heating on, little food in the cupboards. Said they do not see "
        "the point in eating much any more.",
        [
            (
                "Home visit with their named worker. GP contacted with consent.",
                ConcernStatus.BEING_LOOKED_INTO,
            ),
            (
                "Heating fixed through the energy grant; GP follow-up done. Closing with the named "
                "worker keeping in touch weekly.",
                ConcernStatus.CLOSED,
            ),
        ],
    ),
    (
        Category.DOMESTIC_ABUSE,
        True,
        "Arrived with a bruised arm and said their partner gets angry when money is short. "
        "Asked us not to call anyone yet.",
        [
            (
                "Talked through safety planning and gave the local domestic abuse service number. "
                "MARAC referral considered and discussed with them.",
                ConcernStatus.BEING_LOOKED_INTO,
            ),
        ],
    ),
    (
        Category.EMOTIONAL,
        False,
        "A neighbour who comes with them to the hub shouts at them and takes their vouchers.",
        [],
    ),
    (
        Category.NEGLECT,
        False,
        "Carer has not turned up for three visits in a row; they were still in yesterday's "
        "clothes and had not had their tablets.",
        [
            (
                "Rang the care agency, who have changed the rota. Checked again two days later and all "
                "was well.",
                ConcernStatus.CLOSED,
            ),
        ],
    ),
]

OVERRIDES: list[tuple[str, str, str]] = [
    (
        OverrideReason.RISK_TO_PERSON,
        "Their named worker is off sick and they have not answered the phone for four days after "
        "saying they felt hopeless; I need their last notes to know who else to call.",
        "Proportionate: the lead read only the recent notes and found the sister's number.",
    ),
    (
        OverrideReason.ADULT_AT_RISK,
        "The council has opened a section 42 enquiry and asked what we know about the financial "
        "abuse; we could not reach the person to ask for consent before the strategy meeting.",
        "",
    ),
]


def _user(who: Any) -> User:
    return who.user if isinstance(who, Membership) else who


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _text(words: str, canary: str | None) -> str:
    return f"{words} {canary}" if canary else words


def build_safeguarding(
    organisation: Organisation,
    *,
    rng: random.Random,
    people: Sequence[Any],
    workers: Sequence[Any],
    lead: Any,
    today: date,
    canary: str | None = None,
) -> dict[str, int]:
    """Concerns (with actions) about some of `people`, raised by `workers`, handled by `lead`,
    and two past overrides by `lead`: one reviewed, one waiting for review.

    `workers` and `lead` may be users or memberships. The reviewed override's reviewer is the
    organisation's first data lead, else another safeguarding lead; without either, both wait.
    Every free text (what happened, actions, justifications, review note) contains `canary` when
    given. Returns counts of the rows written.
    """
    if not people or not workers:
        return {"concerns": 0, "concern_actions": 0, "overrides": 0}
    lead_user = _user(lead)
    worker_users = [_user(worker) for worker in workers]
    chosen = rng.sample(list(people), k=min(len(CONCERNS), len(people)))
    concerns = actions = 0
    for index, (person, (category, risk, words, steps)) in enumerate(
        zip(chosen, CONCERNS, strict=False)
    ):
        raised_on = today - timedelta(days=rng.randint(3, 80))
        status = steps[-1][1] if steps else ConcernStatus.OPEN
        concern = Concern.objects.create(
            organisation=organisation,
            person=person,
            raised_by=worker_users[index % len(worker_users)],
            raised_at=_at(raised_on, rng.randint(9, 16), rng.choice([0, 15, 30, 45])),
            category=category,
            what_happened=_text(words, canary),
            immediate_risk=risk,
            status=status,
        )
        concerns += 1
        for step, (done, after) in enumerate(steps, start=1):
            ConcernAction.objects.create(
                concern=concern,
                by=lead_user,
                at=concern.raised_at + timedelta(days=step, hours=1),
                what_was_done=_text(done, canary),
                status=after,
            )
            actions += 1
    reviewer = (
        Membership.objects.filter(
            organisation=organisation,
            role__in=[Role.DATA_LEAD, Role.SAFEGUARDING_LEAD],
            left_on__isnull=True,
        )
        .exclude(user=lead_user)
        .select_related("user")
        .order_by("role", "pk")  # data_lead sorts before safeguarding_lead
        .first()
    )
    for index, (reason, justification, note) in enumerate(OVERRIDES):
        person = chosen[index % len(chosen)]
        started = _at(today - timedelta(days=12 - 9 * index), 10 + index, 20)
        reviewed = index == 0 and reviewer is not None
        Override.objects.create(
            organisation=organisation,
            person=person,
            lead=lead_user,
            reason_code=reason,
            justification=_text(justification, canary),
            started_at=started,
            expires_at=started + OVERRIDE_DURATION,
            ended_at=started + timedelta(minutes=25) if index == 0 else None,
            reviewed_at=started + timedelta(days=1) if reviewed else None,
            reviewed_by=reviewer.user if reviewed and reviewer else None,
            review_outcome=ReviewOutcome.JUSTIFIED if reviewed else "",
            review_note=_text(note, canary) if reviewed else "",
        )
    return {"concerns": concerns, "concern_actions": actions, "overrides": len(OVERRIDES)}


HOLD_REASON = (
    "A group member says money was asked for after sessions. Pausing introductions while we talk "
    "with everyone involved."
)


def build_holds(organisation: Organisation, *, canary: str | None = None) -> dict[str, int]:
    """One open hold on matching and introductions by the demo `safeguarding` lead, on someone with
    a concern who is in no introduction (so nothing needs withdrawing). Written directly, like the
    rest of the town (the build records one audit event). The reason contains `canary` when given.
    """

    lead = Membership.objects.filter(
        organisation=organisation, user__username="safeguarding", left_on__isnull=True
    ).first()
    introduced = IntroductionSide.objects.for_system("demo: people in introductions").filter(
        introduction__organisation=organisation, person__isnull=False
    )
    person_id = (
        Concern.objects.for_system("demo: someone with a concern to hold")
        .filter(organisation=organisation)
        .exclude(person_id__in=introduced.values("person_id"))
        .order_by("raised_at", "pk")
        .values_list("person_id", flat=True)
        .first()
    )
    if lead is None or person_id is None:
        return {"matching_holds": 0}
    MatchingHold.objects.create(
        organisation=organisation,
        person_id=person_id,
        reason=_text(HOLD_REASON, canary),
        started_at=timezone.now() - timedelta(days=2),
        started_by=lead.user,
    )
    return {"matching_holds": 1}
