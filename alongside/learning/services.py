"""Writes for learning: demand on a contact, needs, discretionary spends, the settings.

Every function validates before it writes, runs in one transaction and records an audit event
in it. Errors are `ValidationError`s keyed by form field; nothing is half-saved. Audit summaries
hold codes and ids, never the person's words.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation, Role
from alongside.access.queries import teams_for
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.learning.models import (
    MAX_ADMIN_HOURS,
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
from alongside.learning.queries import (
    ADMIN_WEEKS_BACK,
    demand_words_visible_to,
    monday_of,
    needs_of_person,
    own_spends,
    settings_for,
    spends_waiting_for,
)
from alongside.visibility.roles import WORKER_ROLES

MAX_AMOUNT = Decimal("999999.99")
MIN_WORDS = 3


def _require_worker(by: Membership, organisation_id: int) -> None:
    if by.organisation_id != organisation_id or by.role not in WORKER_ROLES or not by.is_active:
        raise PermissionError("only a worker of the organisation does this")


def mark_demand(
    contact: Any,
    *,
    by: Membership,
    kind: str,
    failure_kind: str = "",
    in_their_words: str | None = "",
) -> ContactDemand:
    """Mark a contact as value or failure demand (with its kind and, optionally, the person's
    words; None leaves stored words as they are). Marking again changes it. Marking value demand
    removes any words. Side effects: ContactDemand (and DemandWords) rows; one audit event
    (codes, never the words)."""
    _require_worker(by, contact.organisation_id)
    keep_words = in_their_words is None
    words = (in_their_words or "").strip()
    errors: dict[str, str] = {}
    if kind not in DemandKind.values:
        errors["kind"] = "Choose value demand or failure demand."
    elif kind == DemandKind.FAILURE and failure_kind not in FailureKind.values:
        errors["failure_kind"] = "Choose what went wrong."
    elif kind == DemandKind.VALUE and words:
        errors["in_their_words"] = "Their words about what went wrong are for failure demand only."
    if errors:
        raise ValidationError(errors)
    if kind == DemandKind.VALUE:
        failure_kind = ""
    with transaction.atomic():
        demand = ContactDemand.objects.filter(contact=contact).first()
        created = demand is None
        before = None if demand is None else (demand.kind, demand.failure_kind)
        if demand is None:
            demand = ContactDemand(
                organisation_id=contact.organisation_id,
                contact=contact,
                person_id=contact.person_id,
                team_id=contact.person.team_id,
            )
        demand.kind, demand.failure_kind, demand.marked_by = kind, failure_kind, by.user
        demand.save()
        stored = (
            DemandWords.objects.for_system("the service writing a demand's own words")
            .filter(demand=demand)
            .first()
        )
        if keep_words and kind == DemandKind.FAILURE:
            words = stored.text if stored else ""
        words_changed = (stored.text if stored else "") != words
        if words and stored is None:
            DemandWords.objects.create(
                organisation_id=demand.organisation_id,
                demand=demand,
                person_id=demand.person_id,
                text=words,
                author=by.user,
            )
        elif words and stored is not None and words_changed:
            stored.text, stored.author = words, by.user
            stored.save()
        elif not words and stored is not None:
            DemandWords.objects.for_system("removing a demand's words").filter(
                pk=stored.pk
            ).delete()
        if created or before != (kind, failure_kind) or words_changed:
            record(
                demand,
                action=actions.LEARNING_DEMAND_MARKED
                if created
                else actions.LEARNING_DEMAND_CHANGED,
                by=by,
                summary={
                    "contact": contact.pk,
                    "kind": kind,
                    "failure_kind": failure_kind,
                    "words_changed": words_changed,
                },
            )
    return demand


def open_need(
    person: Any,
    *,
    by: Membership,
    in_their_words: str,
    first_contact_on: date | None = None,
    contact: Any = None,
    goal: str = "",
    goal_set_by: str = "",
) -> Need:
    """Open a need: what the person came for, in their words, from a first contact (or a day
    given by hand), optionally with their goal. Side effects: one Need; one audit event."""
    _require_worker(by, person.organisation_id)
    words = in_their_words.strip()
    errors: dict[str, str] = _goal_errors(goal, goal_set_by, optional=True)
    goal = goal.strip()
    if len(words) < MIN_WORDS:
        errors["in_their_words"] = "Write what they came for, in their words."
    if contact is not None:
        if contact.person_id != person.pk:
            raise ValidationError({"contact": _("That contact is with someone else.")})
        first_contact_on = timezone.localdate(contact.at)
    if first_contact_on is None:
        errors["first_contact_on"] = "Give the day of the first contact about this."
    elif first_contact_on > timezone.localdate():
        errors["first_contact_on"] = "The first contact can't be in the future."
    if errors:
        raise ValidationError(errors)
    assert first_contact_on is not None
    with transaction.atomic():
        need: Need = Need.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            team_id=person.team_id,
            in_their_words=words,
            goal=goal if goal_set_by else "",
            goal_set_by=goal_set_by if goal else "",
            first_contact=contact,
            first_contact_on=first_contact_on,
            author=by.user,
        )
        record(
            need,
            action=actions.LEARNING_NEED_OPENED,
            by=by,
            summary={
                "contact": getattr(contact, "pk", None),
                "by_hand": contact is None,
                "goal_set_by": need.goal_set_by,
            },
        )
    return need


def _goal_errors(goal: str, set_by: str, *, optional: bool) -> dict[str, str]:
    words = goal.strip()
    if set_by and set_by not in GoalSetBy.values:
        return {"goal_set_by": "Choose who set this goal."}
    if words and len(words) < MIN_WORDS:
        return {"goal": "Write what they want to happen, in their words."}
    if words and not set_by:
        return {"goal_set_by": "Say who set this goal."}
    if set_by and not words:
        return {"goal": "Write what they want to happen, in their words."}
    if not words and not optional:
        return {"goal": "Write what they want to happen, in their words."}
    return {}


def set_goal(need: Need, *, by: Membership, goal: str, set_by: str) -> Need:
    """Set or change a need's goal: what the person wants to happen, in their words, and who set
    it. Side effects: saves the need; one audit event (who set it, never the words)."""
    _require_worker(by, need.organisation_id)
    errors = _goal_errors(goal, set_by, optional=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need.goal, need.goal_set_by = goal.strip(), set_by
        need.save(update_fields=["goal", "goal_set_by"])
        record(need, action=actions.LEARNING_NEED_GOAL_SET, by=by, summary={"goal_set_by": set_by})
    return need


def close_need(
    need: Need,
    *,
    by: Membership,
    on: date,
    person_confirmed: bool = False,
    reason: str = "",
    words: str = "",
) -> Need:
    """Close a need: met when the person told their worker it is sorted (`person_confirmed`),
    otherwise only with a recorded reason ("other" needs a few words). Refuses without either.
    Side effects: saves the need; one audit event (outcome and reason codes)."""
    _require_worker(by, need.organisation_id)
    words = words.strip()
    errors: dict[str, str] = {}
    if need.status != NeedStatus.OPEN:
        raise ValidationError({"reason": _("This need is already closed.")})
    if person_confirmed and reason:
        errors["reason"] = "Either they told you it is sorted, or give another reason: not both."
    elif not person_confirmed and not reason:
        errors["person_confirmed"] = (
            "Close a need only when they tell you it is sorted, or give a reason."
        )
    elif reason and reason not in CloseReason.values:
        errors["reason"] = "Choose a reason."
    elif reason == CloseReason.OTHER and len(words) < MIN_WORDS:
        errors["words"] = "Say in a few words why it is closing."
    if on < need.first_contact_on:
        errors["on"] = "It can't close before the first contact about it."
    elif on > timezone.localdate():
        errors["on"] = "It can't close in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need.status = NeedStatus.MET if person_confirmed else NeedStatus.CLOSED
        need.close_reason = "" if person_confirmed else reason
        need.close_words = words
        need.closed_on = on
        need.closed_by = by.user
        need.save()
        record(
            need,
            action=actions.LEARNING_NEED_CLOSED,
            by=by,
            summary={"outcome": need.status, "reason": need.close_reason},
        )
    return need


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
    rows = Membership.objects.filter(
        organisation_id=spend.organisation_id, role=Role.COORDINATOR, left_on__isnull=True
    ).exclude(user_id=spend.author_id)
    rows = rows.filter(team_id=spend.team_id) | rows.filter(team_id__isnull=True)
    return [m.user for m in rows.select_related("user").order_by("pk")]


def record_spend(
    person: Any, *, by: Membership, amount: Any, purpose: str, spent_on: date
) -> Spend:
    """Record a spend from the team's discretionary fund for a person. Up to the organisation's
    limit it is made at once, without asking anyone; above it, it waits (`asked`) and the team's
    coordinators are told in the app (no words, no name). Side effects: one Spend; one audit
    event; notifications when asked."""

    _require_worker(by, person.organisation_id)
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
    if errors:
        raise ValidationError(errors)
    assert value is not None
    limit = settings_for(person.organisation_id).discretion_limit
    status = SpendStatus.MADE if value <= limit else SpendStatus.ASKED
    with transaction.atomic():
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
            summary={"amount": str(value), "status": status, "limit": str(limit)},
        )
        if status == SpendStatus.ASKED:
            notify(
                _coordinators_for(spend),
                organisation_id=spend.organisation_id,
                text=f"A discretionary spend of {value:.2f} waits for your decision.",
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
                f"Your discretionary spend of {spend.amount:.2f} was "
                f"{'approved' if approve else 'declined'}."
            ),
            url=reverse("learning:spend", args=[spend.pk]),
        )
    return spend


def set_learning_settings(
    organisation: Organisation, *, by: Membership, discretion_limit: Any, currency: str
) -> LearningSettings:
    """The data lead sets the per-spend limit and currency. Side effects: one audit event."""
    if by.organisation_id != organisation.pk or by.role != Role.DATA_LEAD:
        raise PermissionError("only the organisation's data lead changes this setting")
    try:
        limit = Decimal(str(discretion_limit))
    except (InvalidOperation, ValueError):
        raise ValidationError({"discretion_limit": _("Enter an amount such as 50.00.")}) from None
    errors: dict[str, str] = {}
    if not limit.is_finite() or limit < 0 or limit > MAX_AMOUNT:
        errors["discretion_limit"] = "Enter an amount of zero or more."
    elif limit != limit.quantize(Decimal("0.01")):
        errors["discretion_limit"] = "Use at most two decimal places."
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = "Enter a three-letter currency code, such as GBP."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings, _created = LearningSettings.objects.get_or_create(organisation=organisation)
        settings.discretion_limit, settings.currency = limit.quantize(Decimal("0.01")), currency
        settings.save()
        record(
            settings,
            action=actions.LEARNING_SETTINGS_CHANGED,
            by=by,
            summary={"discretion_limit": str(settings.discretion_limit), "currency": currency},
        )
    return settings


def record_admin_time(by: Membership, *, team: Any, week: date, hours: Any) -> AdminTime:
    """Record (or correct) the hours a worker spent on admin in one week in one of their teams.

    Side effects: one AdminTime row created or changed; one audit event (week, team, hours).
    """

    _require_worker(by, by.organisation_id)
    errors: dict[str, str] = {}
    this_monday = monday_of(timezone.localdate())
    if team is None or not teams_for(by).filter(pk=team.pk).exists():
        errors["team"] = "Choose one of your teams."
    if week.weekday() != 0:
        errors["week"] = "Choose a week (it starts on a Monday)."
    elif week > this_monday:
        errors["week"] = "That week has not started yet."
    elif week < this_monday - timedelta(weeks=ADMIN_WEEKS_BACK):
        errors["week"] = f"Record weeks from the last {ADMIN_WEEKS_BACK} only."
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_ADMIN_HOURS:
        errors["hours"] = f"Enter the hours, from 0 to {MAX_ADMIN_HOURS}."
    elif value != value.quantize(Decimal("0.1")):
        errors["hours"] = "Use at most one decimal place, such as 6.5."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = AdminTime.objects.update_or_create(
            organisation_id=by.organisation_id,
            worker=by.user,
            team=team,
            week=week,
            defaults={"hours": value},
        )
        record(
            row,
            action=actions.LEARNING_ADMIN_TIME_RECORDED,
            by=by,
            summary={
                "week": week.isoformat(),
                "team": team.pk,
                "hours": str(value),
                "created": created,
            },
        )
    return row


# Audited reads -------------------------------------------------------------------------------
# Each returns the support-sphere records a worker is about to see and writes the one
# `<app>.<model>.viewed` event (ids only); nothing when there is nothing to show.


def _read(model: Any, ids: list[int], by: Membership, person_id: int | None) -> None:
    record_read(model, ids, by=by, organisation_id=by.organisation_id, person_id=person_id)


def read_demand_words(membership: Membership, demand: ContactDemand) -> DemandWords | None:
    """What went wrong in the person's words, when this membership may read them."""
    words = demand_words_visible_to(membership).filter(demand=demand).first()
    if words is not None:
        _read(DemandWords, [words.pk], membership, demand.person_id)
    return words


def read_needs_of_person(membership: Membership, person_id: int) -> list[Need]:
    """What the person came for, each need this membership may read."""
    needs = needs_of_person(membership, person_id)
    _read(Need, [need.pk for need in needs], membership, person_id)
    return needs


def read_need(membership: Membership, need: Need) -> Need:
    """One need, already fetched for this membership."""
    _read(Need, [need.pk], membership, need.person_id)
    return need


def read_spends(membership: Membership) -> tuple[list[Spend], list[Spend]]:
    """The spends waiting for this coordinator's decision, and their own (about no one person)."""
    waiting, mine = spends_waiting_for(membership), own_spends(membership)
    _read(Spend, sorted({spend.pk for spend in [*waiting, *mine]}), membership, None)
    return waiting, mine


def read_spend(membership: Membership, spend: Spend) -> Spend:
    """One spend, already fetched for this membership."""
    _read(Spend, [spend.pk], membership, spend.person_id)
    return spend
