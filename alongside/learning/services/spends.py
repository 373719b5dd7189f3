"""Discretionary spends: recorded within the team's limit, approved or declined by a coordinator."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.dates import date_problem
from alongside.learning.models import (
    Spend,
    SpendStatus,
)
from alongside.learning.queries import (
    settings_for,
)
from alongside.learning.services.checks import MAX_AMOUNT, MIN_WORDS, require_worker
from alongside.people.models import Person


def _clean_amount(amount: Any) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("Enter an amount such as 12.50.")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"amount": _("Enter an amount more than zero.")})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Use at most two decimal places.")})
    if value > MAX_AMOUNT:
        raise ValidationError({"amount": _("That is more than the fund could hold.")})
    return value.quantize(Decimal("0.01"))


def _coordinators_for(spend: Spend) -> list[Any]:
    rows = (
        Membership.objects.active()
        .filter(
            organisation_id=spend.organisation_id,
            role=Role.COORDINATOR,
        )
        .exclude(user_id=spend.author_id)
    )
    rows = rows.filter(team_id=spend.team_id) | rows.filter(team_id__isnull=True)
    return [m.user for m in rows.select_related("user").order_by("pk")]


DISCRETION_DAYS = 30
"""The limit is per person over the last 30 days (docs/decisions/0016)."""


def discretion_used(person: Any) -> Decimal:
    """What workers spent for `person` at their own discretion (`made`) in the last
    DISCRETION_DAYS, counted by when each spend was recorded. Call it inside the transaction
    that records the next spend: it locks the person's row first (PostgreSQL), so two spends
    for one person at once are counted one after the other; SQLite serialises writers anyway."""
    assert transaction.get_connection().in_atomic_block, "count inside the spend's transaction"
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").first()
    since = timezone.now() - timedelta(days=DISCRETION_DAYS)
    total = (
        Spend.objects.for_system("the discretion already used, to hold the limit")
        .filter(person_id=person.pk, status=SpendStatus.MADE, created_at__gte=since)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0.00")


def record_spend(
    person: Any, *, by: Membership, amount: Any, purpose: str, spent_on: date
) -> Spend:
    """Record a spend from the team's discretionary fund for a person. While what was spent for
    them at workers' discretion in the last 30 days, with this one, stays within the organisation's
    limit, it is made at once, without asking anyone; above it, it waits (`asked`) and the team's
    coordinators are told in the app (no words, no name). Side effects: one Spend; one audit
    event; notifications when asked."""

    require_worker(by, person.organisation_id)
    errors: dict[str, str] = {}
    value: Decimal | None = None
    try:
        value = _clean_amount(amount)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if len(purpose.strip()) < MIN_WORDS:
        errors["purpose"] = "Say what it is for."
    if spent_on > timezone.localdate():
        errors["spent_on"] = "The date can't be in the future."
    elif problem := date_problem(spent_on):
        errors["spent_on"] = problem
    if errors:
        raise ValidationError(errors)
    assert value is not None
    limit = settings_for(person.organisation_id).discretion_limit
    with transaction.atomic():
        used = discretion_used(person)
        status = SpendStatus.MADE if used + value <= limit else SpendStatus.ASKED
        spend: Spend = Spend.objects.create(
            organisation_id=person.organisation_id,
            team_id=person.team_id,
            person=person,
            amount=value,
            purpose=purpose.strip(),
            spent_on=spent_on,
            author=by.user,
            status=status,
            limit_at_time=limit,
        )
        record(
            spend,
            action=actions.LEARNING_SPEND_RECORDED,
            by=by,
            summary={
                "amount": str(value),
                "status": status,
                "limit": str(limit),
                "used_in_period": str(used),
            },
        )
        if status == SpendStatus.ASKED:
            notify(
                _coordinators_for(spend),
                organisation_id=spend.organisation_id,
                text=_("A discretionary spend of %(amount).2f waits for your decision.")
                % {"amount": value},
                url=reverse("learning:spend", args=[spend.pk]),
            )
    return spend


def may_decide(spend: Spend, by: Membership) -> bool:
    """A coordinator of the spend's team (any team when they have none), never its spender."""
    return (
        by.is_active
        and by.role == Role.COORDINATOR
        and by.organisation_id == spend.organisation_id
        and (by.team_id is None or by.team_id == spend.team_id)
        and by.user_id != spend.author_id
    )


def decide_spend(spend: Spend, *, by: Membership, approve: bool, reason: str = "") -> Spend:
    """Approve or decline a spend that waits; declining needs a reason. Side effects: saves the
    spend; one audit event; tells the spender in the app (no words)."""

    if not may_decide(spend, by):
        raise PermissionError("only a coordinator of the team who did not make the spend decides")
    if spend.status != SpendStatus.ASKED:
        raise ValidationError({"decision": _("This spend has already been decided.")})
    reason = reason.strip()
    if approve and reason:
        raise ValidationError({"reason": _("A reason is for declining.")})
    if not approve and len(reason) < MIN_WORDS:
        raise ValidationError({"reason": _("Say why it is declined.")})
    with transaction.atomic():
        spend.status = SpendStatus.APPROVED if approve else SpendStatus.DECLINED
        spend.decided_by, spend.decided_at = by.user, timezone.now()
        spend.decline_reason = reason
        spend.save()
        record(
            spend,
            action=actions.LEARNING_SPEND_APPROVED if approve else actions.LEARNING_SPEND_DECLINED,
            by=by,
            summary={"amount": str(spend.amount)},
        )
        notify(
            [spend.author],
            organisation_id=spend.organisation_id,
            text=(
                _("Your discretionary spend of %(amount).2f was approved.")
                if approve
                else _("Your discretionary spend of %(amount).2f was declined.")
            )
            % {"amount": spend.amount},
            url=reverse("learning:spend", args=[spend.pk]),
        )
    return spend
