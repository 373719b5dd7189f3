"""Holds on matching and introductions: placing one (which withdraws open introductions) and
lifting it. Audit summaries never hold the reason."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import SphereQuerySet
from alongside.connections.services import withdraw_open_introductions
from alongside.people.models import Person
from alongside.safeguarding.models import (
    HOLD_REASON_MIN_LENGTH,
    MatchingHold,
)
from alongside.safeguarding.queries import (
    HOLDABLE_ROLES,
)
from alongside.visibility.overrides import is_safeguarding_lead


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
        holdable = (
            Membership.objects.active()
            .filter(
                organisation_id=by.organisation_id,
                user_id=volunteer.pk,
                role__in=sorted(HOLDABLE_ROLES),
            )
            .exists()
        )
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
