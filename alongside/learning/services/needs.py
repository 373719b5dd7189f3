"""Needs: opened in the person's words, their goal, closed as the person sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access import words as local_words
from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.learning.models import (
    CloseReason,
    GoalSetBy,
    Need,
    NeedStatus,
)
from alongside.learning.services.checks import MIN_WORDS, require_worker


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
    require_worker(by, person.organisation_id)
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
    require_worker(by, need.organisation_id)
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
    require_worker(by, need.organisation_id)
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
    elif reason and reason not in local_words.codes_in_use(need.organisation_id, "close_reason"):
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
