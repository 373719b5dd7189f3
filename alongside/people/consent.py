"""Consent to share support records: grant, revoke, and which consents are in force.

Kept apart from `services.py` because it is its own small domain; the same rules apply
(validate first, one transaction, audit event inside it).
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import ConsentScope, ConsentToShare, Person
from alongside.support.queries import support_notes_visible_to
from alongside.visibility.roles import GRANTEE_ROLES

MAX_CONSENT_DAYS = 366
MIN_PURPOSE_LENGTH = 5


def describe(consent: ConsentToShare, *, person: Person, grantee_name: str) -> str:
    """The consent in plain words, as shown before it is confirmed and on the person page."""
    until = f"{timezone.localtime(consent.expires_at):%d %B %Y}"
    if consent.scope == ConsentScope.REFERRAL:  # its purpose says what the one service is sent
        return _(
            "%(person)s agrees to this referral: %(purpose)s "
            "Until %(until)s. %(person)s can take it back at any time, and the service's link "
            "then shows nothing."
        ) % {"person": person.display_name, "purpose": consent.purpose, "until": until}
    what = (
        _("one note (from %(date)s)") % {"date": f"{consent.note.created_at:%d %B %Y}"}  # type: ignore[union-attr]
        if consent.scope == ConsentScope.ONE_NOTE
        else _("all of their support notes, including ones written later")
    )
    return _(
        "%(person)s agrees that %(grantee)s may read %(what)s, for this reason: “%(purpose)s”. "
        "This lasts until %(until)s. %(person)s can take it back at any time, and it stops at once."
    ) % {
        "person": person.display_name,
        "grantee": grantee_name,
        "what": what,
        "purpose": consent.purpose,
        "until": until,
    }


def grantee_name(*, role: str, user: User | None, organisation: Organisation) -> str:
    """Who a consent lets read: the worker, or everyone in a role (as the organisation names it)."""
    if user is not None:
        return user.get_full_name() or user.get_username()
    if not role:  # a referral's consent names an outside service, in its purpose
        return ""
    return _("everyone in the role “%(role)s” at %(organisation)s") % {
        "role": organisation.role_name(role),
        "organisation": organisation.name,
    }


def build_consent(
    person: Person,
    *,
    by: Membership,
    scope: str,
    note_id: int | None,
    grantee_role: str,
    grantee_user: User | None,
    purpose: str,
    expires_on: datetime,
    now: datetime | None = None,
) -> ConsentToShare:
    """Validate a consent without saving it (for the plain-words check before confirming)."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if scope not in ConsentScope.values:
        errors["scope"] = _("Choose what they agree to share.")
    if bool(grantee_role) == (grantee_user is not None):
        errors["grantee_role"] = _("Choose either a role or one person to share with, not both.")
    elif grantee_role and grantee_role not in GRANTEE_ROLES:
        errors["grantee_role"] = _("Choose a role that works with people.")
    elif (
        grantee_user is not None
        and not Membership.objects.active()
        .filter(
            user=grantee_user,
            organisation_id=person.organisation_id,
            role__in=GRANTEE_ROLES,
        )
        .exists()
    ):
        errors["grantee_user"] = _("Choose someone who works with people in this organisation.")
    if len(purpose.strip()) < MIN_PURPOSE_LENGTH:
        errors["purpose"] = _("Say in their words what it is for.")
    if expires_on <= now:
        errors["expires_on"] = _("The end date must be in the future.")
    elif expires_on > now + timedelta(days=MAX_CONSENT_DAYS):
        errors["expires_on"] = _("Consent can last a year at most. Ask again after that.")
    note = None
    if scope == ConsentScope.ONE_NOTE:
        note = (
            support_notes_visible_to(by).filter(pk=note_id, person=person).first()
            if note_id
            else None
        )
        if note is None:
            errors["note"] = _("Choose one of their notes that you can read.")
    elif note_id:
        errors["note"] = _("Leave the note empty when sharing all their notes.")
    if errors:
        raise ValidationError(errors)
    return ConsentToShare(
        organisation_id=person.organisation_id,
        person=person,
        scope=scope,
        note=note,
        grantee_role=grantee_role,
        grantee_user=grantee_user,
        purpose=purpose.strip(),
        granted_at=now,
        expires_at=expires_on,
        recorded_by=by.user,
    )


def grant_consent(person: Person, *, by: Membership, **fields: object) -> ConsentToShare:
    """Record the person's consent to share. Side effects: one ConsentToShare, one audit event."""
    consent = build_consent(person, by=by, **fields)  # type: ignore[arg-type]
    with transaction.atomic():
        consent.save()
        record(
            consent,
            action=actions.PEOPLE_CONSENT_GRANTED,
            by=by,
            summary={
                "scope": consent.scope,
                "note": consent.note_id,
                "grantee_role": consent.grantee_role,
                "grantee_user": consent.grantee_user_id,
                "expires_at": consent.expires_at.isoformat(),
            },
        )
    return consent


def revoke_consent(
    consent: ConsentToShare, *, by: Membership, now: datetime | None = None
) -> ConsentToShare:
    """Take consent back; it stops at once. Side effects: saves the consent, one audit event."""
    now = now or timezone.now()
    if consent.revoked_at is not None:
        raise ValidationError({"consent": _("This consent was already taken back.")})
    with transaction.atomic():
        consent.revoked_at = now
        consent.revoked_by = by.user
        consent.save(update_fields=["revoked_at", "revoked_by"])
        record(consent, action=actions.PEOPLE_CONSENT_REVOKED, by=by)
    return consent
