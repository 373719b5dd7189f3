"""Writes for the volunteer journey and a volunteer's own lived experience.

Each write validates, runs in one transaction and records one audit event in it; mistakes are
`ValidationError`s on the field to fix and nothing is saved. Becoming active gives the volunteer
an account through the ordinary invitation (`workers.services.invite_worker`, role volunteer):
there is no second way in. Leaving sets the leaving date on that account
(`workers.services.mark_leaving`), which ends access on the day.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date

import rules
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation, Role
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.once import TOKEN
from alongside.connections.models import LivedExperience, VolunteerProfile
from alongside.volunteers.models import (
    ORDER,
    Check,
    CheckKind,
    DbsLevel,
    Reference,
    Requirements,
    Stage,
    StageChange,
    Volunteer,
)
from alongside.volunteers.queries import GATED, still_missing
from alongside.workers.services import invite_worker, mark_leaving

CERTIFICATE = re.compile(r"^\d{12}$")  # a DBS certificate number: twelve digits
LIVED_CODES = frozenset(str(c.value) for c in LivedExperience)


def _refuse_unless_manages(by: Membership, volunteer: Volunteer) -> None:
    if not rules.test_rule("volunteers.manage_volunteer", by, volunteer):
        raise ValidationError(_("You cannot manage this volunteer."))


def _not_future(errors: dict[str, str], name: str, value: date | None, today: date) -> None:
    if value is not None and value > today:
        errors[name] = _("This date is in the future: enter the day it happened.")


def enquire(
    organisation: Organisation,
    *,
    given_name: str,
    family_name: str = "",
    email: str,
    phone: str = "",
    offer: str = "",
    submit_token: str = "",
) -> Volunteer:
    """Someone offers to volunteer through the public form. Side effects: a Volunteer at the
    enquiry stage, its first StageChange (by no one: themselves), one audit event; none when
    the form's `submit_token` was already sent (a double click, the browser sending it again:
    decision 0093), or an enquiry from the same address is still waiting to be answered (that
    one is returned)."""
    email = email.strip().lower()
    errors: dict[str, str] = {}
    if not given_name.strip():
        errors["given_name"] = _("Enter your first name.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter an email address like name@example.org.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    digest = (
        hashlib.sha256(submit_token.encode()).hexdigest() if TOKEN.fullmatch(submit_token) else ""
    )
    with transaction.atomic():
        # The same form sent twice is one enquiry: its token is kept on the enquiry (the public
        # form has no account to key a `common.SubmitToken` on). A second offer from the same
        # address while the first is still waiting is the same enquiry too.
        if digest and (sent := Volunteer.objects.filter(submit_digest=digest).first()):
            return sent
        already = (
            Volunteer.objects.select_for_update()
            .filter(organisation=organisation, email=email, stage=Stage.ENQUIRY)
            .first()
        )
        if already is not None:
            return already
        try:
            with transaction.atomic():  # a savepoint: the same token at the same moment
                volunteer = Volunteer.objects.create(
                    organisation=organisation,
                    given_name=given_name.strip(),
                    family_name=family_name.strip(),
                    email=email,
                    phone=phone.strip(),
                    offer=offer.strip(),
                    stage=Stage.ENQUIRY,
                    stage_since=today,
                    enquired_on=today,
                    submit_digest=digest,
                )
        except IntegrityError:
            return Volunteer.objects.get(submit_digest=digest)
        StageChange.objects.create(volunteer=volunteer, to_stage=Stage.ENQUIRY, on=today)
        record(volunteer, action=actions.VOLUNTEERS_VOLUNTEER_ENQUIRED, by=None, person_id=None)
    return volunteer


def _gated(current: str, to: str) -> bool:
    """Whether this move needs the organisation's references and checks: onward to induction
    or active, or back to active from paused (not going back to induction from active)."""
    if to not in GATED:
        return False
    return current == Stage.PAUSED or ORDER.index(to) > ORDER.index(current)


def move(
    volunteer: Volunteer,
    *,
    to: str,
    by: Membership,
    reason: str = "",
    on: date | None = None,
    anyway: bool = False,
) -> StageChange:
    """Move a volunteer to another stage, dated and by whom. Going back needs a reason; moving to
    induction or active is refused while a reference or check the organisation requires is
    missing (`queries.still_missing`, decision 0092), unless the manager moves them `anyway`
    with a reason, which is kept with what was missing and audited; becoming active invites them
    (role volunteer, the manager's team); leaving sets their account's leaving date; paused or
    leaving takes them out of matching rounds. Side effects: a StageChange, maybe an Invitation
    or a leaving date, one audit event (and the invitation's or leaving date's own)."""
    _refuse_unless_manages(by, volunteer)
    today = timezone.localdate()
    on = on or today
    reason = reason.strip()
    errors: dict[str, str] = {}
    if to not in ORDER:
        errors["to"] = _("Choose a stage from the list.")
    elif to == volunteer.stage:
        errors["to"] = _("They are already at this stage: choose another.")
    elif ORDER.index(to) < ORDER.index(volunteer.stage) and not reason:
        errors["reason"] = _("Say why they are going back a stage.")
    if on > today:
        errors["on"] = _("This date is in the future: enter the day it happened.")
    elif on < volunteer.stage_since:
        errors["on"] = _(
            "They reached their current stage on %(day)s: enter that day or later."
        ) % {"day": f"{volunteer.stage_since:%-d %B %Y}"}
    if len(reason) > 300:
        errors["reason"] = _("Keep the reason under 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if locked.stage != volunteer.stage:
            raise ValidationError({"to": _("Someone else moved them just now: look again.")})
        missing = still_missing(locked, on=on) if _gated(locked.stage, to) else []
        if missing and not anyway:
            raise ValidationError(
                {
                    "to": _("They cannot move to %(stage)s yet. Still missing: %(what)s")
                    % {"stage": Stage(to).label.lower(), "what": " ".join(missing)}
                }
            )
        if missing and not reason:
            raise ValidationError(
                {"reason": _("Say why they may go on without what is still missing.")}
            )
        if to == Stage.ACTIVE and locked.membership_id is None:
            try:
                invitation, _token = invite_worker(
                    locked.organisation,
                    by=by,
                    email=locked.email,
                    first_name=locked.given_name,
                    last_name=locked.family_name,
                    role=Role.VOLUNTEER,
                    team=by.team,
                )
            except ValidationError as error:
                raise ValidationError(
                    {
                        "to": _("They could not be invited: %(why)s")
                        % {"why": " ".join(error.messages)}
                    }
                ) from None
            locked.membership = invitation.membership
        elif to == Stage.LEAVING and locked.membership is not None:
            mark_leaving(locked.membership, by=by, leaving_on=on)
        if to in (Stage.PAUSED, Stage.LEAVING) and locked.membership is not None:
            # Not proposed in a matching round while paused (the coordinator turns it back on).
            VolunteerProfile.objects.filter(membership=locked.membership).update(
                available_for_matching=False
            )
        change = StageChange.objects.create(
            volunteer=locked,
            from_stage=locked.stage,
            to_stage=to,
            on=on,
            by=by.user,
            reason=reason,
            went_without=" ".join(missing),
        )
        locked.stage = to
        locked.stage_since = on
        locked.save(update_fields=["stage", "stage_since", "membership"])
        record(
            locked,
            action=actions.VOLUNTEERS_VOLUNTEER_MOVED,
            by=by,
            person_id=None,
            summary={
                "from": change.from_stage,
                "to": to,
                "back": ORDER.index(to) < ORDER.index(change.from_stage),
                "went_without": len(missing),
            },
        )
    volunteer.refresh_from_db()
    return change


def ask_reference(
    volunteer: Volunteer, *, by: Membership, referee: str, asked_on: date, note: str = ""
) -> Reference:
    """Record that a reference was asked for: who and when (never what it says)."""
    _refuse_unless_manages(by, volunteer)
    errors: dict[str, str] = {}
    if not referee.strip():
        errors["referee"] = _("Enter who was asked: their name, and how they know them.")
    _not_future(errors, "asked_on", asked_on, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reference = Reference.objects.create(
            volunteer=volunteer,
            referee=referee.strip(),
            asked_on=asked_on,
            note=note.strip(),
            recorded_by=by.user,
        )
        record(
            reference,
            action=actions.VOLUNTEERS_REFERENCE_RECORDED,
            by=by,
            organisation_id=volunteer.organisation_id,
            person_id=None,
            summary={"volunteer": volunteer.pk, "asked": True},
        )
    return reference


def reference_received(
    reference: Reference,
    *,
    by: Membership,
    received_on: date,
    satisfactory: bool,
    note: str = "",
) -> Reference:
    """Record that a reference came back, and whether it was satisfactory (yes or no)."""
    volunteer = reference.volunteer
    _refuse_unless_manages(by, volunteer)
    errors: dict[str, str] = {}
    _not_future(errors, "received_on", received_on, timezone.localdate())
    if "received_on" not in errors and received_on < reference.asked_on:
        errors["received_on"] = _("It was asked for on %(day)s: it cannot be back before.") % {
            "day": f"{reference.asked_on:%-d %B %Y}"
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reference.received_on = received_on
        reference.satisfactory = satisfactory
        if note.strip():
            reference.note = note.strip()
        reference.save()
        record(
            reference,
            action=actions.VOLUNTEERS_REFERENCE_RECORDED,
            by=by,
            organisation_id=volunteer.organisation_id,
            person_id=None,
            summary={"volunteer": volunteer.pk, "received": True, "satisfactory": satisfactory},
        )
    return reference


def save_check(
    volunteer: Volunteer,
    *,
    by: Membership,
    kind: str,
    requested_on: date,
    level: str = "",
    certificate_number: str = "",
    issued_on: date | None = None,
    update_service_checked_on: date | None = None,
    confirmed_on: date | None = None,
    check: Check | None = None,
) -> Check:
    """Record a check, or what came back for one, as facts: a DBS check's level, certificate
    number, issue date and update-service check date; the day the right to volunteer was seen.
    Never a document or what a certificate says."""
    _refuse_unless_manages(by, volunteer)
    today = timezone.localdate()
    certificate_number = re.sub(r"\s+", "", certificate_number)
    errors: dict[str, str] = {}
    if kind not in CheckKind.values:
        errors["kind"] = _("Choose a check from the list.")
    elif kind == CheckKind.DBS:
        if level and level not in DbsLevel.values:
            errors["level"] = _("Choose a DBS level from the list.")
        if (issued_on or certificate_number) and not level:
            errors["level"] = _("Choose the level the certificate was issued at.")
        if certificate_number and not CERTIFICATE.match(certificate_number):
            errors["certificate_number"] = _(
                "A DBS certificate number is 12 digits, like 001234567890."
            )
        if issued_on and not certificate_number:
            errors["certificate_number"] = _("Enter the certificate number with its issue date.")
        if certificate_number and not issued_on:
            errors["issued_on"] = _("Enter the certificate's issue date.")
        if confirmed_on:
            errors["confirmed_on"] = _("Leave this empty for a DBS check.")
    else:
        if level or certificate_number or issued_on or update_service_checked_on:
            errors["kind"] = _(
                "For the right to volunteer, record only the day it was seen: leave the DBS fields empty."
            )
    for name, value in (
        ("requested_on", requested_on),
        ("issued_on", issued_on),
        ("update_service_checked_on", update_service_checked_on),
        ("confirmed_on", confirmed_on),
    ):
        _not_future(errors, name, value, today)
    if issued_on and "issued_on" not in errors and issued_on < requested_on:
        errors["issued_on"] = _("It was asked for on %(day)s: it cannot be issued before.") % {
            "day": f"{requested_on:%-d %B %Y}"
        }
    if update_service_checked_on and not issued_on and "update_service_checked_on" not in errors:
        errors["update_service_checked_on"] = _(
            "Enter the certificate's issue date before an update-service check."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check = check or Check(volunteer=volunteer)
        created = check.pk is None
        check.kind = kind
        check.requested_on = requested_on
        check.level = level if kind == CheckKind.DBS else ""
        check.certificate_number = certificate_number
        check.issued_on = issued_on
        check.update_service_checked_on = update_service_checked_on
        check.confirmed_on = confirmed_on
        check.recorded_by = by.user
        check.save()
        record(
            check,
            action=actions.VOLUNTEERS_CHECK_RECORDED,
            by=by,
            organisation_id=volunteer.organisation_id,
            person_id=None,
            summary={
                "volunteer": volunteer.pk,
                "kind": kind,
                "created": created,
                "done": check.done,
            },
        )
    return check


def set_requirements(
    organisation: Organisation,
    *,
    by: Membership,
    references: int,
    dbs_level: str,
    dbs_renew_months: int,
    right_to_volunteer: bool,
) -> Requirements:
    """What the organisation needs before a volunteer starts induction or becomes active
    (decision 0092). Side effects: the organisation's Requirements row (made if missing), one
    audit event with the new values."""
    if not rules.test_rule("volunteers.manage", by) or by.organisation_id != organisation.pk:
        raise ValidationError(_("You cannot change what volunteers need."))
    errors: dict[str, str] = {}
    if not 0 <= references <= 5:
        errors["references"] = _("Enter a number from 0 to 5.")
    if dbs_level and dbs_level not in DbsLevel.values:
        errors["dbs_level"] = _("Choose a DBS level from the list, or none.")
    if not 1 <= dbs_renew_months <= 120:
        errors["dbs_renew_months"] = _("Enter a number of months from 1 to 120.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        needs, _created = Requirements.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        needs.references = references
        needs.dbs_level = dbs_level
        needs.dbs_renew_months = dbs_renew_months
        needs.right_to_volunteer = right_to_volunteer
        needs.save()
        record(
            needs,
            action=actions.VOLUNTEERS_REQUIREMENTS_CHANGED,
            by=by,
            person_id=None,
            summary={
                "references": references,
                "dbs_level": dbs_level,
                "dbs_renew_months": dbs_renew_months,
                "right_to_volunteer": right_to_volunteer,
            },
        )
    return needs


def set_lived_experience(
    membership: Membership,
    *,
    codes: Iterable[str],
    words: str,
    for_matching: bool,
    for_telling: bool,
) -> VolunteerProfile:
    """A volunteer records their own lived experience, in their own words, and two separate
    agreements: it may be used for matching; it may be told to the person they are matched
    with. Either is withdrawn by unticking it (the date of each change is kept); the next
    matching round and the next introduction page use only what is agreed then. Side effects:
    the volunteer's profile (made if missing), one audit event (field names only)."""
    codes = sorted(set(codes))
    words = words.strip()
    errors: dict[str, str] = {}
    if any(code not in LIVED_CODES for code in codes):
        errors["codes"] = _("Choose from the list.")
    if len(words) > 2000:
        errors["words"] = _("Keep it under 2000 characters.")
    if (for_matching or for_telling) and not codes and not words:
        errors["codes"] = _("Choose what you know about, or write about it, before agreeing.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        profile, created = VolunteerProfile.objects.select_for_update().get_or_create(
            membership=membership, defaults={"organisation_id": membership.organisation_id}
        )
        changed = {
            "matching": profile.lived_experience_consent != for_matching,
            "telling": profile.lived_experience_tell != for_telling,
        }
        if changed["matching"]:
            profile.lived_experience_consent = for_matching
            profile.lived_experience_consent_on = today
        if changed["telling"]:
            profile.lived_experience_tell = for_telling
            profile.lived_experience_tell_on = today
        profile.lived_experience = codes
        profile.lived_experience_words = words
        profile.save()
        record(
            profile,
            action=actions.CONNECTIONS_VOLUNTEER_LIVED_EXPERIENCE,
            by=membership,
            person_id=None,
            summary={
                "created": created,
                "for_matching": for_matching,
                "for_telling": for_telling,
                "matching_changed": changed["matching"],
                "telling_changed": changed["telling"],
            },
        )
    return profile
