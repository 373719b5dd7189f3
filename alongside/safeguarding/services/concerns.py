"""Concerns and what was done about them; the notifications and locks the other services share.

Audit summaries and notifications never hold what someone wrote (concern text, actions) and
notifications never name the person.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.models import Membership, Role
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import SphereQuerySet
from alongside.people.models import Person
from alongside.safeguarding.models import (
    Category,
    Concern,
    ConcernAction,
    ConcernStatus,
)
from alongside.safeguarding.queries import (
    may_raise_concern,
)
from alongside.visibility.overrides import is_safeguarding_lead

CONCERN_RAISED_TEXT = gettext_lazy("A new safeguarding concern was raised for a person.")
CONCERN_RAISED_SUBJECT = gettext_lazy("New safeguarding concern")
OVERRIDE_STARTED_TEXT = gettext_lazy(
    "A safeguarding lead opened a person's support records without consent (an override). "
    "It needs a review."
)
OVERRIDE_STARTED_SUBJECT = gettext_lazy("Safeguarding override to review")


def _active_users(organisation_id: int, roles: Iterable[str], *, except_user_id: int) -> list[User]:
    memberships = (
        Membership.objects.active()
        .filter(
            organisation_id=organisation_id,
            role__in=list(roles),
        )
        .exclude(user_id=except_user_id)
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships if membership.user.is_active]


def _lock(membership: Membership) -> None:
    """Serialise this member's safeguarding writes (PostgreSQL; SQLite serialises all writes)."""
    list(Membership.objects.select_for_update().filter(pk=membership.pk).values_list("pk"))


def raise_concern(
    person: Person,
    *,
    by: Membership,
    category: str,
    what_happened: str,
    immediate_risk: bool,
    now: datetime | None = None,
    request_id: str = "",
) -> Concern:
    """Record a worker's safeguarding concern about a person they can see.

    Raises PermissionDenied for a role that may not raise concerns or another organisation;
    ValidationError (by field) for bad input. Side effects: one Concern; audit event
    `safeguarding.concern.raised`; a notification (in-app, and email on commit) to every other
    active safeguarding lead of the organisation.
    """
    if not may_raise_concern(by) or by.organisation_id != person.organisation_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Choose what kind of harm it might be.")]
    what_happened = (what_happened or "").strip()
    if not what_happened:
        errors["what_happened"] = [_("Say what happened or what you noticed.")]
    if not isinstance(immediate_risk, bool):
        errors["immediate_risk"] = [_("Say whether someone is at risk of harm now.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concern: Concern = Concern.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            raised_by=by.user,
            raised_at=now or timezone.now(),
            category=category,
            what_happened=what_happened,
            immediate_risk=immediate_risk,
        )
        record(
            concern,
            action=actions.SAFEGUARDING_CONCERN_RAISED,
            by=by,
            summary={"category": category, "immediate_risk": immediate_risk},
            request_id=request_id,
        )
        notify(
            _active_users(
                person.organisation_id, [Role.SAFEGUARDING_LEAD], except_user_id=by.user_id
            ),
            organisation_id=person.organisation_id,
            text=CONCERN_RAISED_TEXT,
            url=reverse("safeguarding:concern", args=[concern.pk]),
            email_subject=CONCERN_RAISED_SUBJECT,
        )
    return concern


def add_concern_action(
    concern: Concern,
    *,
    by: Membership,
    what_was_done: str,
    status: str,
    now: datetime | None = None,
    request_id: str = "",
) -> ConcernAction:
    """A safeguarding lead records what was done about a concern, and its status afterwards.

    Raises PermissionDenied unless `by` is a safeguarding lead of the concern's organisation;
    ValidationError (by field) for bad input. Side effects: one ConcernAction; the concern's
    status when it changes; audit event `safeguarding.concern.action_added` (summary: action id,
    status before and after).
    """
    if not is_safeguarding_lead(by) or by.organisation_id != concern.organisation_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    what_was_done = (what_was_done or "").strip()
    if not what_was_done:
        errors["what_was_done"] = [_("Say what was done.")]
    if status not in ConcernStatus.values:
        errors["status"] = [_("Choose the status of the concern now.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concerns: SphereQuerySet = Concern.objects.for_system("a lead's action locks the concern")
        locked: Concern = concerns.select_for_update().get(pk=concern.pk)
        before = locked.status
        action: ConcernAction = ConcernAction.objects.create(
            concern=locked,
            by=by.user,
            at=now or timezone.now(),
            what_was_done=what_was_done,
            status=status,
        )
        if status != before:
            concerns.filter(pk=locked.pk).update(status=status)
        record(
            locked,
            action=actions.SAFEGUARDING_CONCERN_ACTION_ADDED,
            by=by,
            summary={"action": action.pk, "status_before": before, "status": status},
            request_id=request_id,
        )
    concern.status = status
    return action
