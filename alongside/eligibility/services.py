"""Writes in the eligibility sphere: referral partners, vouchers and their redemption.

Every function validates before it writes, runs in one transaction and records an audit event in
that transaction. Bad input raises a `ValidationError` keyed by form field, and nothing is written.
Audit summaries hold ids, counts and flags only: never a voucher's reasons or anyone's words.
"""

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from alongside.access import words as local_words
from alongside.access.models import Membership, Organisation, Team
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.common.dates import date_problem
from alongside.eligibility.models import (
    MAX_HOUSEHOLD_ADULTS,
    MAX_HOUSEHOLD_CHILDREN,
    MAX_PARCELS,
    PartnerKind,
    ReferralPartner,
    Voucher,
    voucher_key,
)
from alongside.eligibility.queries import (
    assessors_free_to_assess,
    get_voucher_for_user,
    normalise_code,
    reads_eligibility,
    supports_person,
    vouchers_for_person,
)
from alongside.people.models import Person
from alongside.people.services import create_person
from alongside.relationships.services import record_worker_request

if TYPE_CHECKING:
    from alongside.relationships.models import WorkerRequest

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9/-]{0,31}")
SUPPORT_OFFER_WORDS = "Would like to talk to someone about what is going on"


def _check_assessor(by: Membership, organisation_id: int) -> None:
    """Callers (views) already 404 other roles; this keeps the rule true for every caller."""
    if not reads_eligibility(by) or by.organisation_id != organisation_id:
        raise PermissionDenied(
            "Only an assessor in this organisation may change eligibility records."
        )


def add_referral_partner(
    organisation: Organisation, *, by: Membership, name: str, kind: str
) -> ReferralPartner:
    """Add an agency that issues vouchers. Side effects: one ReferralPartner, one audit event."""
    _check_assessor(by, organisation.pk)
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter the partner's name.")
    elif len(name) > 200:
        errors["name"] = _("Enter a name of 200 characters or fewer.")
    if kind not in PartnerKind.values:
        errors["kind"] = _("Choose what kind of partner this is.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if ReferralPartner.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise ValidationError({"name": _("There is already a partner with this name.")})
        partner = ReferralPartner.objects.create(organisation=organisation, name=name, kind=kind)
        record(partner, action=actions.ELIGIBILITY_PARTNER_ADDED, by=by, summary={"kind": kind})
    return partner


def set_referral_partner_active(
    partner: ReferralPartner, *, by: Membership, active: bool
) -> ReferralPartner:
    """Stop (or restart) taking new vouchers from a partner; its vouchers stay.

    Side effects: saves the partner; one audit event when the state changes.
    """
    _check_assessor(by, partner.organisation_id)
    if partner.active == active:
        return partner
    with transaction.atomic():
        partner.active = active
        partner.save(update_fields=["active"])
        record(
            partner,
            action=actions.ELIGIBILITY_PARTNER_REACTIVATED
            if active
            else actions.ELIGIBILITY_PARTNER_DEACTIVATED,
            by=by,
        )
    return partner


def _voucher_errors(
    partner: ReferralPartner,
    *,
    by: Membership,
    code: str,
    adults: int,
    children: int,
    reason_codes: list[str],
    issued_on: date,
    issued_by_name: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if partner.organisation_id != by.organisation_id:
        errors["partner"] = _("Choose a referral partner of this foodbank.")
    elif not partner.active:
        errors["partner"] = _(
            "%(name)s no longer issues vouchers here. Choose another partner, or make them active again."
        ) % {"name": partner.name}
    if not code:
        errors["code"] = _("Enter the code printed on the voucher.")
    elif not CODE_PATTERN.fullmatch(code):
        errors["code"] = _(
            "A voucher code has up to 32 letters, numbers, dashes or slashes, like FB-10234."
        )
    if adults < 1:
        errors["adults"] = _("A household has at least one adult. Enter 1 or more.")
    elif adults > MAX_HOUSEHOLD_ADULTS:
        errors["adults"] = _("Enter %(max)s adults or fewer.") % {"max": MAX_HOUSEHOLD_ADULTS}
    if not 0 <= children <= MAX_HOUSEHOLD_CHILDREN:
        errors["children"] = _("Enter a number of children from 0 to %(max)s.") % {
            "max": MAX_HOUSEHOLD_CHILDREN
        }
    if not reason_codes:
        errors["reason_codes"] = _("Choose at least one reason, as ticked on the voucher.")
    elif not set(reason_codes) <= local_words.codes_in_use(by.organisation_id, "voucher_reason"):
        errors["reason_codes"] = _("Choose reasons from the list.")
    if issued_on > timezone.localdate():
        errors["issued_on"] = _(
            "The issue date can't be in the future. Check the date on the voucher."
        )
    elif problem := date_problem(issued_on):
        errors["issued_on"] = problem
    if not issued_by_name:
        errors["issued_by_name"] = _("Enter the name of the person at the partner who issued it.")
    elif len(issued_by_name) > 100:
        errors["issued_by_name"] = _("Enter a name of 100 characters or fewer.")
    return errors


def record_voucher(
    partner: ReferralPartner,
    *,
    by: Membership,
    code: str,
    adults: int,
    children: int,
    reason_codes: list[str],
    issued_on: date,
    issued_by_name: str,
) -> Voucher:
    """Record a voucher as it arrives from a referral partner. Nobody is attached until redemption.

    The code is stored in upper case without spaces, and is unique in the organisation.
    Side effects: one Voucher, one audit event (summary: the partner id only).
    """
    _check_assessor(by, by.organisation_id)
    code = normalise_code(code)
    issued_by_name = " ".join(issued_by_name.split())
    reasons = list(dict.fromkeys(reason_codes))  # keep the order ticked, drop repeats
    errors = _voucher_errors(
        partner,
        by=by,
        code=code,
        adults=adults,
        children=children,
        reason_codes=reasons,
        issued_on=issued_on,
        issued_by_name=issued_by_name,
    )
    if errors:
        raise ValidationError(errors)
    duplicate = ValidationError(
        {"code": _("A voucher with code %(code)s is already recorded.") % {"code": code}}
    )
    with transaction.atomic():
        existing = Voucher.objects.for_system("the service checking a new voucher's code")
        if existing.filter(organisation_id=by.organisation_id, code_key=voucher_key(code)).exists():
            raise duplicate
        try:
            with transaction.atomic():  # a savepoint: a racing duplicate fails here, not later
                voucher: Voucher = Voucher.objects.create(
                    organisation_id=by.organisation_id,
                    partner=partner,
                    code=code,
                    code_key=voucher_key(code),
                    adults=adults,
                    children=children,
                    reason_codes=reasons,
                    issued_on=issued_on,
                    issued_by_name=issued_by_name,
                    recorded_by=by.user,
                )
        except IntegrityError:
            raise duplicate from None
        record(
            voucher,
            action=actions.ELIGIBILITY_VOUCHER_RECORDED,
            by=by,
            summary={"partner": partner.pk},
        )
    return voucher


def separation_refusal(person: Person) -> str:
    """Why a supporter may not also redeem for someone they support, and who can instead."""
    others = assessors_free_to_assess(person.organisation_id, person.pk)
    why = _(
        "You support %(name)s (as their named worker or at a contact), so you can't also check "
        "their voucher. People tell their supporter more when their supporter does not decide "
        "what they get."
    ) % {"name": person.display_name}
    if others:
        instead = _("Ask %(names)s to redeem it instead.") % {
            "names": get_text_list(others, _("or"))
        }
    else:
        instead = _("Ask another assessor who does not support them to redeem it instead.")
    return f"{why} {instead}"


def _check_redemption(
    voucher: Voucher, *, by: Membership, person: Person | None, parcels: int, at: datetime
) -> bool:
    """Validate a redemption (`person` None: someone new); True when role separation is relaxed."""
    _check_assessor(by, voucher.organisation_id)
    if timezone.is_naive(at):
        raise ValueError("redemption times must be timezone-aware")
    if voucher.redeemed_at is not None:
        raise ValidationError({"voucher": _already_redeemed(voucher.redeemed_at)})
    errors: dict[str, str] = {}
    if not 1 <= parcels <= MAX_PARCELS:
        errors["parcels"] = _("Enter a number of parcels from 1 to %(max)s.") % {"max": MAX_PARCELS}
    if at > timezone.now() + timedelta(minutes=5):
        errors["at"] = _("A voucher can't be redeemed in the future.")
    elif timezone.localdate(at) < voucher.issued_on:
        errors["at"] = _("A voucher can't be redeemed before the day it was issued.")
    if person is not None and person.organisation_id != voucher.organisation_id:
        errors["person"] = _("Choose someone this foodbank works with.")
    if errors:
        raise ValidationError(errors)
    if person is None or not supports_person(by.user_id, person.pk):
        return False
    if not by.organisation.allow_assessor_and_supporter:
        raise ValidationError({"person": separation_refusal(person)})
    return True


def _already_redeemed(at: datetime) -> str:
    return _("This voucher was already redeemed on %(date)s. A voucher is used only once.") % {
        "date": date_format(timezone.localtime(at), "j F Y")
    }


def redeem_voucher(
    voucher: Voucher,
    *,
    by: Membership,
    person: Person,
    parcels: int = 1,
    at: datetime | None = None,
) -> Voucher:
    """Give the parcels: attach the person and mark the voucher redeemed. Only once per voucher.

    Refused when `by` supports the person, unless the organisation allows one person to do both
    (then the voucher and the audit summary record `role_separation_relaxed`). Never refused
    because the person has had many parcels: that only leads to an offer of deeper support.
    Side effects: updates the voucher; one audit event.
    """
    at = at or timezone.now()
    relaxed = _check_redemption(voucher, by=by, person=person, parcels=parcels, at=at)
    with transaction.atomic():
        _mark_redeemed(voucher, by=by, person=person, parcels=parcels, at=at, relaxed=relaxed)
    return voucher


def _mark_redeemed(
    voucher: Voucher, *, by: Membership, person: Person, parcels: int, at: datetime, relaxed: bool
) -> None:
    fields = {
        "person_id": person.pk,
        "redeemed_at": at,
        "redeemed_by_id": by.user_id,
        "parcels": parcels,
        "role_separation_relaxed": relaxed,
    }
    # The condition makes "at most once" hold even when two people redeem the same voucher at once.
    updated = (
        Voucher.objects.for_system("the service redeeming a voucher")
        .filter(pk=voucher.pk, redeemed_at__isnull=True)
        .update(**fields)
    )
    if updated != 1:
        fresh = Voucher.objects.for_system("why a redemption failed").get(pk=voucher.pk)
        raise ValidationError({"voucher": _already_redeemed(fresh.redeemed_at or at)})
    for name, value in fields.items():
        setattr(voucher, name, value)
    voucher.person = person
    record(
        voucher,
        action=actions.ELIGIBILITY_VOUCHER_REDEEMED,
        by=by,
        summary={"parcels": parcels, "role_separation_relaxed": relaxed},
    )


def redeem_voucher_for_new_person(
    voucher: Voucher,
    *,
    by: Membership,
    team: Team,
    given_name: str,
    family_name: str,
    parcels: int = 1,
    at: datetime | None = None,
    confirm_new: bool = False,
) -> Voucher:
    """Add someone new (first name, last name, service) and redeem the voucher for them, all or
    nothing. Raises `people.services.PossibleMatch` when they may already be on the record,
    unless `confirm_new`. Side effects: one Person and its audit event; the redemption and its
    audit event.
    """

    at = at or timezone.now()
    # Check the voucher first: a refused redemption must not leave a new person behind.
    _check_redemption(voucher, by=by, person=None, parcels=parcels, at=at)
    with transaction.atomic():
        person = create_person(
            by=by,
            team=team,
            given_name=given_name,
            family_name=" ".join(family_name.split()),
            confirm_new=confirm_new,
        )
        _mark_redeemed(voucher, by=by, person=person, parcels=parcels, at=at, relaxed=False)
    return voucher


def undo_redemption(voucher: Voucher, *, by: Membership, reason: str) -> Voucher:
    """Undo a redemption recorded by mistake (the wrong person, or no parcel given), saying why.

    The voucher is no longer attached to anyone and can be redeemed again; the redemption and its
    undoing stay in the audit log, on the person it was wrongly given to, so it is never silent.
    Side effects: updates the voucher; one audit event about that person (the reason is kept on
    the voucher, never in the event).
    """
    _check_assessor(by, voucher.organisation_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the redemption was wrong.")})
    with transaction.atomic():
        fresh: Voucher = (
            Voucher.objects.for_system("the service undoing a redemption")
            .select_for_update()
            .get(pk=voucher.pk)
        )
        if fresh.redeemed_at is None or fresh.person_id is None:
            raise ValidationError({"voucher": _("This voucher has not been redeemed.")})
        person_id = fresh.person_id
        fresh.person = None
        fresh.redeemed_at = None
        fresh.redeemed_by = None
        fresh.parcels = None
        fresh.role_separation_relaxed = False
        fresh.redemption_undone_at = timezone.now()
        fresh.redemption_undone_reason = reason.strip()[:300]
        fresh.save()
        record(
            fresh,
            action=actions.ELIGIBILITY_VOUCHER_REDEMPTION_UNDONE,
            by=by,
            person_id=person_id,
            summary={"voucher": fresh.pk},
        )
    return fresh


def accept_support_offer(voucher: Voucher, *, by: Membership, on: date) -> "WorkerRequest":
    """The person said yes to talking with a link worker: record their request for a worker.

    Only the request crosses to the shared sphere, in neutral words; nothing about the voucher.
    Side effects: one WorkerRequest and its audit event; one eligibility audit event.
    """

    _check_assessor(by, voucher.organisation_id)
    if voucher.person is None or voucher.redeemed_at is None:
        raise ValidationError({"voucher": _("Redeem the voucher first.")})
    with transaction.atomic():
        request = record_worker_request(
            voucher.person,
            by=by,
            requested_worker=None,
            in_their_words=SUPPORT_OFFER_WORDS,
            on=on,
        )
        record(
            voucher,
            action=actions.ELIGIBILITY_SUPPORT_OFFER_ACCEPTED,
            by=by,
            summary={"worker_request": request.pk},
        )
    return request


# Audited reads -------------------------------------------------------------------------------


def read_voucher(membership: Membership, voucher_id: int) -> Voucher:
    """One voucher for an assessor (404 when they may not see it).

    Side effects: one `eligibility.voucher.viewed` audit event (the id, never the reasons)."""
    voucher = get_voucher_for_user(membership, voucher_id)
    record_read(
        Voucher,
        [voucher.pk],
        by=membership,
        organisation_id=voucher.organisation_id,
        person_id=voucher.person_id,
    )
    return voucher


def read_vouchers_for_person(membership: Membership, person_id: int) -> list[Voucher]:
    """A person's vouchers, for the person page's panel (roles that read the eligibility sphere).

    Side effects: one `eligibility.voucher.viewed` audit event when there are any."""
    vouchers = list(vouchers_for_person(membership, person_id))
    record_read(
        Voucher,
        [voucher.pk for voucher in vouchers],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person_id,
    )
    return vouchers
