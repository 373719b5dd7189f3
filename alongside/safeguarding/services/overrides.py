"""The time-limited override of a person's consent, its end and its review by another lead.

Audit summaries and notifications never hold the justification or the review note.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import SphereQuerySet
from alongside.people.models import Person
from alongside.safeguarding.models import (
    JUSTIFICATION_MIN_LENGTH,
    OVERRIDE_DURATION,
    Override,
    OverrideReason,
    ReviewOutcome,
)
from alongside.safeguarding.queries import (
    may_review_overrides,
)
from alongside.safeguarding.services.concerns import (
    OVERRIDE_STARTED_SUBJECT,
    OVERRIDE_STARTED_TEXT,
    _active_users,
    _lock,
)
from alongside.visibility.overrides import in_force_q, is_safeguarding_lead


def start_override(
    person: Person,
    *,
    by: Membership,
    reason_code: str,
    justification: str,
    now: datetime | None = None,
    request_id: str = "",
) -> Override:
    """A safeguarding lead opens a person's support records without consent, for OVERRIDE_MINUTES.

    Raises PermissionDenied unless `by` is an active safeguarding lead of the person's
    organisation; ValidationError for an unknown reason, a justification shorter than
    JUSTIFICATION_MIN_LENGTH characters, or an override of theirs for this person already in
    force. Side effects: one Override; audit event `safeguarding.override.started` (summary: the
    reason code and expiry, never the justification); a notification (in-app, and email on
    commit) to the organisation's other safeguarding leads and its data leads.
    """
    if not is_safeguarding_lead(by) or by.organisation_id != person.organisation_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if reason_code not in OverrideReason.values:
        errors["reason_code"] = [_("Choose the reason for opening their support records.")]
    justification = (justification or "").strip()
    if len(justification) < JUSTIFICATION_MIN_LENGTH:
        errors["justification"] = [
            _("Explain why in at least %(count)d characters.") % {"count": JUSTIFICATION_MIN_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        _lock(by)
        overrides: SphereQuerySet = Override.objects.for_system("checking a lead's own overrides")
        current = (
            overrides.filter(in_force_q(now), lead_id=by.user_id, person_id=person.pk)
            .order_by("-expires_at")
            .first()
        )
        if current is not None:
            ends = formats.time_format(timezone.localtime(current.expires_at), "H:i")
            raise ValidationError(
                _(
                    "You already have an override in force for this person. It ends at %(time)s. "
                    "End it before you start another."
                )
                % {"time": ends}
            )
        override: Override = Override.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            lead=by.user,
            reason_code=reason_code,
            justification=justification,
            started_at=now,
            expires_at=now + OVERRIDE_DURATION,
        )
        record(
            override,
            action=actions.SAFEGUARDING_OVERRIDE_STARTED,
            by=by,
            summary={"reason_code": reason_code, "expires_at": override.expires_at.isoformat()},
            request_id=request_id,
        )
        notify(
            _active_users(
                person.organisation_id,
                [Role.SAFEGUARDING_LEAD, Role.DATA_LEAD],
                except_user_id=by.user_id,
            ),
            organisation_id=person.organisation_id,
            text=OVERRIDE_STARTED_TEXT,
            url=reverse("safeguarding:override", args=[override.pk]),
            email_subject=OVERRIDE_STARTED_SUBJECT,
        )
    return override


def end_override(
    override: Override, *, by: Membership, now: datetime | None = None, request_id: str = ""
) -> Override:
    """The lead who started an override ends it before it expires.

    Raises PermissionDenied for anyone but that lead (still a safeguarding lead of the
    organisation); ValidationError when it is no longer in force. Side effects: sets
    `ended_at`; audit event `safeguarding.override.ended`.
    """
    if (
        not is_safeguarding_lead(by)
        or by.organisation_id != override.organisation_id
        or by.user_id != override.lead_id
    ):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        overrides: SphereQuerySet = Override.objects.for_system("a lead ends their override")
        locked: Override = overrides.select_for_update().get(pk=override.pk)
        if locked.ended_at is not None or locked.expires_at <= now:
            raise ValidationError(_("This override has already ended."))
        overrides.filter(pk=locked.pk).update(ended_at=now)
        record(
            locked,
            action=actions.SAFEGUARDING_OVERRIDE_ENDED,
            by=by,
            summary={"minutes_early": int((locked.expires_at - now).total_seconds() // 60)},
            request_id=request_id,
        )
    override.ended_at = now
    return override


def review_override(
    override: Override,
    *,
    by: Membership,
    outcome: str,
    note: str,
    now: datetime | None = None,
    request_id: str = "",
) -> Override:
    """Another safeguarding lead, or a data lead, records whether an override was justified.

    Raises PermissionDenied unless `by` is an active safeguarding lead or data lead of the
    override's organisation; ValidationError when `by` started the override, it has been
    reviewed already, or the outcome is unknown. Side effects: the review fields; audit event
    `safeguarding.override.reviewed` (summary: the outcome, never the note).
    """
    if not may_review_overrides(by) or by.organisation_id != override.organisation_id:
        raise PermissionDenied
    if by.user_id == override.lead_id:
        raise ValidationError(
            _(
                "You started this override, so you cannot review it. Another safeguarding lead "
                "or a data lead must."
            )
        )
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": [_("Say whether the override was justified.")]})
    note = (note or "").strip()
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not note:
        raise ValidationError(
            {"note": [_("Say why it was not justified and what should happen next.")]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        overrides: SphereQuerySet = Override.objects.for_system("a reviewer locks the override")
        locked: Override = overrides.select_for_update().get(pk=override.pk)
        if locked.reviewed_at is not None:
            raise ValidationError(_("This override has already been reviewed."))
        overrides.filter(pk=locked.pk).update(
            reviewed_at=now, reviewed_by=by.user, review_outcome=outcome, review_note=note
        )
        record(
            locked,
            action=actions.SAFEGUARDING_OVERRIDE_REVIEWED,
            by=by,
            summary={"outcome": outcome, "reviewer_role": by.role},
            request_id=request_id,
        )
    override.reviewed_at, override.reviewed_by = now, by.user
    override.review_outcome, override.review_note = outcome, note
    return override
