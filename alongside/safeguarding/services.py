"""Writes in the safeguarding sphere: concerns, actions, overrides and their review, and holds
on matching and introductions.

Each service validates first, then writes its rows and the audit event in one transaction.
Audit summaries and notifications never hold what someone wrote (concern text, actions,
justifications, review notes) and notifications never name the person.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.common.spheres import SphereQuerySet
from alongside.people.models import Person
from alongside.safeguarding.models import (
    HOLD_REASON_MIN_LENGTH,
    JUSTIFICATION_MIN_LENGTH,
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
from alongside.safeguarding.queries import (
    HOLDABLE_ROLES,
    concerns_for_person,
    may_raise_concern,
    may_review_overrides,
    open_hold_for_person,
    open_hold_list,
)
from alongside.visibility.overrides import in_force_q, is_safeguarding_lead

CONCERN_RAISED_TEXT = "A new safeguarding concern was raised for a person."
CONCERN_RAISED_SUBJECT = "New safeguarding concern"
OVERRIDE_STARTED_TEXT = (
    "A safeguarding lead opened a person's support records without consent (an override). "
    "It needs a review."
)
OVERRIDE_STARTED_SUBJECT = "Safeguarding override to review"


def _active_users(organisation_id: int, roles: Iterable[str], *, except_user_id: int) -> list[User]:
    memberships = (
        Membership.objects.filter(
            organisation_id=organisation_id, role__in=list(roles), left_on__isnull=True
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
            url=reverse("safeguarding_concern", args=[concern.pk]),
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
            url=reverse("safeguarding_override", args=[override.pk]),
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


def _already_held() -> ValidationError:
    return ValidationError(_("Matching and introductions are already on hold for them."))


def _reason_or_error(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < HOLD_REASON_MIN_LENGTH:
        raise ValidationError({"reason": [message % {"count": HOLD_REASON_MIN_LENGTH}]})
    return reason


def place_matching_hold(
    *,
    by: Membership,
    person: Person | None = None,
    volunteer: User | None = None,
    reason: str,
    now: datetime | None = None,
    request_id: str = "",
) -> MatchingHold:
    """A safeguarding lead stops matching and introductions for one person or one volunteer.

    Raises PermissionDenied unless `by` is an active safeguarding lead of the organisation (and
    the person is in it); ValidationError for a volunteer who is not an active volunteer or
    supporter there, a reason shorter than HOLD_REASON_MIN_LENGTH characters, or a hold already
    open on them. Side effects, all in one transaction: one MatchingHold; every introduction of
    theirs still suggested or asking is withdrawn through `connections.services` (links stop
    working; those who helped are told it is not going ahead, in the usual words, nothing about
    safeguarding); audit event `safeguarding.matching_hold.placed` (ids and a count, never the
    reason). Proposed volunteer matches are worked out on each read, so none are stored to drop.
    """
    from alongside.connections.services import withdraw_open_introductions

    if not is_safeguarding_lead(by):
        raise PermissionDenied
    if (person is None) == (volunteer is None):
        raise ValidationError(_("Choose one person or one volunteer."))
    if person is not None:
        if person.organisation_id != by.organisation_id:
            raise PermissionDenied
        target = {"person_id": person.pk}
    else:
        assert volunteer is not None
        holdable = Membership.objects.filter(
            organisation_id=by.organisation_id,
            user_id=volunteer.pk,
            role__in=sorted(HOLDABLE_ROLES),
            left_on__isnull=True,
        ).exists()
        if not holdable:
            raise ValidationError(
                {"volunteer": [_("Choose a volunteer or supporter in your organisation.")]}
            )
        target = {"volunteer_id": volunteer.pk}
    reason = _reason_or_error(
        reason, _("Give the reason in a few words (at least %(count)d characters).")
    )
    now = now or timezone.now()
    with transaction.atomic():
        holds: SphereQuerySet = MatchingHold.objects.for_system("is a hold already open?")
        if holds.filter(
            organisation_id=by.organisation_id, lifted_at__isnull=True, **target
        ).exists():
            raise _already_held()
        try:
            # A savepoint, so a hold placed at the same moment by another lead becomes a clear
            # message (the partial unique constraints decide) and nothing is half-saved.
            with transaction.atomic():
                hold: MatchingHold = MatchingHold.objects.create(
                    organisation_id=by.organisation_id,
                    reason=reason,
                    started_at=now,
                    started_by=by.user,
                    **target,
                )
        except IntegrityError:
            raise _already_held() from None
        withdrawn = withdraw_open_introductions(
            organisation_id=by.organisation_id,
            actor=by.user,
            now=now,
            request_id=request_id,
            **target,
        )
        record(
            hold,
            action=actions.SAFEGUARDING_MATCHING_HOLD_PLACED,
            by=by,
            summary={
                "hold": hold.pk,
                "volunteer": hold.volunteer_id,
                "introductions_withdrawn": withdrawn,
            },
            request_id=request_id,
        )
    return hold


def lift_matching_hold(
    hold: MatchingHold,
    *,
    by: Membership,
    reason: str,
    now: datetime | None = None,
    request_id: str = "",
) -> MatchingHold:
    """A safeguarding lead lifts an open hold: matching and introductions may start again.

    Raises PermissionDenied unless `by` is an active safeguarding lead of the hold's
    organisation; ValidationError for a reason shorter than HOLD_REASON_MIN_LENGTH characters or
    a hold already lifted. Side effects: the lift fields; audit event
    `safeguarding.matching_hold.lifted` (ids, never either reason). Introductions withdrawn when
    it was placed stay withdrawn.
    """
    if not is_safeguarding_lead(by) or by.organisation_id != hold.organisation_id:
        raise PermissionDenied
    reason = _reason_or_error(
        reason, _("Say in a few words why it can be lifted (at least %(count)d characters).")
    )
    now = now or timezone.now()
    with transaction.atomic():
        holds: SphereQuerySet = MatchingHold.objects.for_system("a lead lifts a hold")
        locked: MatchingHold = holds.select_for_update().get(pk=hold.pk)
        if locked.lifted_at is not None:
            raise ValidationError(_("This hold has already been lifted."))
        holds.filter(pk=locked.pk).update(lifted_at=now, lifted_by=by.user, lift_reason=reason)
        record(
            locked,
            action=actions.SAFEGUARDING_MATCHING_HOLD_LIFTED,
            by=by,
            summary={"hold": locked.pk, "volunteer": locked.volunteer_id},
            request_id=request_id,
        )
    hold.lifted_at, hold.lifted_by, hold.lift_reason = now, by.user, reason
    return hold


# Audited reads -------------------------------------------------------------------------------
# Each returns what the lead is about to see and writes the one `<app>.<model>.viewed` event
# (ids only). Views and the person page's panel read concerns, overrides and holds only here.


def read_concerns(
    membership: Membership, concerns: Iterable[Concern], *, person_id: int | None = None
) -> list[Concern]:
    """The concerns on a page of the list (or a person's). Side effects: one audit event."""
    shown = list(concerns)
    record_read(
        Concern,
        [concern.pk for concern in shown],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person_id,
    )
    return shown


def read_concerns_for_person(membership: Membership, person_id: int) -> list[Concern]:
    """A person's concerns, for the person page's safeguarding panel. Side effects: one audit event."""
    return read_concerns(
        membership, concerns_for_person(membership, person_id), person_id=person_id
    )


def read_concern(membership: Membership, concern: Concern) -> Concern:
    """One concern, already fetched for this lead. Side effects: one audit event."""
    read_concerns(membership, [concern], person_id=concern.person_id)
    return concern


def read_override(membership: Membership, override: Override) -> Override:
    """One override, already fetched for this reviewer. Side effects: one audit event."""
    record_read(
        Override,
        [override.pk],
        by=membership,
        organisation_id=override.organisation_id,
        person_id=override.person_id,
    )
    return override


def read_holds(
    membership: Membership, holds: Iterable[MatchingHold], *, person_id: int | None = None
) -> list[MatchingHold]:
    """Holds on matching, already fetched for this lead. Side effects: one audit event."""
    shown = list(holds)
    record_read(
        MatchingHold,
        [hold.pk for hold in shown],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person_id,
    )
    return shown


def read_open_holds(membership: Membership) -> list[MatchingHold]:
    """Every open hold the lead may see. Side effects: one audit event."""
    return read_holds(membership, open_hold_list(membership))


def read_open_hold_for_person(membership: Membership, person_id: int) -> MatchingHold | None:
    """The person's open hold, if any. Side effects: one audit event when there is one."""
    current = open_hold_for_person(membership, person_id)
    if current is not None:
        read_holds(membership, [current], person_id=person_id)
    return current


def read_hold(membership: Membership, hold: MatchingHold) -> MatchingHold:
    """One hold, already fetched for this lead. Side effects: one audit event."""
    read_holds(membership, [hold], person_id=hold.person_id)
    return hold
