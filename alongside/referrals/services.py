"""Writes for referrals: sending one out with the person's consent, the service's answer through
its one-time link, a partner's referral in, its triage, and the partner's keys.

Every write validates first, runs in one transaction and records its audit event inside it.
Notifications and emails carry no names and no support-sphere words (`access.services.notify`'s
contract): the service's email holds only its link; the partner's only their own reference and
"accepted" or "not suitable".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access import words as local_words
from alongside.access.models import Membership, Organisation, Role, active_membership_q
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.common.links import hash_token, new_token
from alongside.directory.models import TaxonomyTerm
from alongside.directory.queries import local_need
from alongside.directory.services import local_needs
from alongside.people.models import ConsentScope, ConsentToShare, Person
from alongside.people.services import create_person
from alongside.referrals.models import (
    FINAL_ANSWERS,
    InStatus,
    OutStatus,
    Partner,
    ReferralIn,
    ReferralOut,
)
from alongside.relationships.models import NamedWorkerSpell
from alongside.relationships.services import assign_named_worker
from alongside.visibility.consent import consents_in_force

# How long the service's link stays open, and when an answer is expected.
LINK_DAYS = 60
ANSWER_DAYS = 14
MAX_NOTE = 2000
MAX_REASON = 1000

SENT_TEXT = gettext_lazy("A referral was made for someone you are named worker for.")
ANSWERED_TEXT = gettext_lazy("A service answered a referral: %(answer)s.")
SWITCHED_OFF_TEXT = gettext_lazy(
    "Referrals from your organisation are switched off at the moment. Please contact us "
    "another way, or ask us to switch them back on."
)
IN_TEXT = gettext_lazy("A partner referred someone new. It is waiting in the inbox.")


class Closed(Exception):
    """The link no longer takes an answer: `reason` is "answered", "expired" or "closed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Out -------------------------------------------------------------------------------------------


def needs_of(organisation: Organisation) -> list[TaxonomyTerm]:
    """The words referrals may be for: the organisation's own needs list (decision 0079)."""
    return list(local_needs(organisation))


def local_needs_of(organisation: Organisation) -> QuerySet[TaxonomyTerm]:
    """The same words as a query set, for a form's choices."""
    return local_needs(organisation)


def need_for(organisation: Organisation, need: TaxonomyTerm | str | None) -> TaxonomyTerm | None:
    """The word of the organisation's needs list that `need` is or names (its code or ORUK id,
    as a partner's script sends it); None for anything else."""
    if isinstance(need, TaxonomyTerm):
        need = str(need.oruk_id) if need.organisation_id == organisation.pk else ""
    local_needs(organisation)  # a list with no words yet gets its starting words
    return local_need(organisation, need or "")


def what_is_shared(
    person: Person, *, service_name: str, need: TaxonomyTerm, share_contact: bool, share_note: bool
) -> str:
    """What the service will see, in plain words: shown before sending and kept as the consent's
    purpose (at most 300 characters)."""
    parts = [_("their name"), _("what it is for (%(need)s)") % {"need": need.name[:60]}]
    if share_contact:
        parts.append(_("how to contact them"))
    if share_note:
        parts.append(_("the note written for the service"))
    words = _("%(service)s will see %(what)s, and nothing else from their record.") % {
        "service": service_name[:120],
        "what": ", ".join(parts[:-1]) + _(" and ") + parts[-1],
    }
    return words[:300]


def _named_worker(person: Person) -> User | None:
    spell = (
        NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True)
        .select_related("worker")
        .first()
    )
    return spell.worker if spell else None


def link_url(token: str) -> str:
    return settings.ALONGSIDE_BASE_URL + reverse("referrals:answer", kwargs={"token": token})


def refer(
    person: Person,
    *,
    by: Membership,
    service: Any,
    service_name: str,
    service_email: str,
    need: TaxonomyTerm | str,
    share_contact: bool,
    share_note: bool,
    note: str,
    consent_given: bool,
    now: datetime | None = None,
) -> tuple[ReferralOut, str]:
    """Refer `person` to a service, with their consent. Returns the referral and its link's token
    (shown once; only its hash is kept).

    Raises ValidationError (nothing saved) without their consent, a service or a need, or with a
    note to share that is empty or too long. Side effects: one `ConsentToShare` (scope
    "referral", its purpose the plain words of what is shared) and its `people.consent.granted`
    event; one `ReferralOut` and `referrals.out.sent`; the named worker told (when it is not
    them); on commit, the link emailed to the service when it has an address.
    """
    now = now or timezone.now()
    service_name = service_name.strip()
    note = note.strip()
    errors: dict[str, str] = {}
    if person.organisation_id != by.organisation_id:
        errors["person"] = _("Choose someone in this organisation.")
    if not service_name:
        errors["service"] = _("Choose the service to refer them to.")
    term = need_for(person.organisation, need)
    if term is None:
        errors["need"] = _("Choose what the referral is for.")
    if share_note and not note:
        errors["note"] = _("Write the note, or untick sharing it.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("At most %(n)d characters.") % {"n": MAX_NOTE}
    if not consent_given:
        errors["consent_given"] = _(
            "Ask them first: nothing is sent without their agreement to exactly this."
        )
    if errors:
        raise ValidationError(errors)
    assert term is not None
    token = new_token()
    with transaction.atomic():
        consent = ConsentToShare.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            scope=ConsentScope.REFERRAL,
            purpose=what_is_shared(
                person,
                service_name=service_name,
                need=term,
                share_contact=share_contact,
                share_note=share_note,
            ),
            granted_at=now,
            expires_at=now + timedelta(days=LINK_DAYS),
            recorded_by=by.user,
        )
        record(consent, action=actions.PEOPLE_CONSENT_GRANTED, by=by, summary={"scope": "referral"})
        referral = ReferralOut.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            service=service,
            service_name=service_name,
            service_email=service_email.strip(),
            need=term,
            share_contact=share_contact,
            share_note=share_note,
            note=note if share_note else "",
            consent=consent,
            referred_by=by.user,
            referred_at=now,
            answer_by=timezone.localdate(now) + timedelta(days=ANSWER_DAYS),
            token_hash=hash_token(token),
            link_expires_at=now + timedelta(days=LINK_DAYS),
        )
        record(
            referral,
            action=actions.REFERRALS_OUT_SENT,
            by=by,
            summary={
                "service": getattr(service, "pk", None),
                "need": term.pk,
                "consent": consent.pk,
                "shared": ["name", "need"]
                + (["contact"] if share_contact else [])
                + (["note"] if share_note else []),
            },
        )
        worker = _named_worker(person)
        if worker is not None and worker.pk != by.user_id:
            notify(
                [worker],
                organisation_id=person.organisation_id,
                text=SENT_TEXT,
                url=reverse("referrals:referral", args=[referral.pk]),
            )
        if referral.service_email:
            subject = _("A referral from %(org)s") % {"org": person.organisation.name}
            body = _(
                "%(org)s has referred someone to you, with their agreement. Open this private "
                "link to see what they agreed to share and to tell us what happened:\n\n%(link)s\n\n"
                "The link works until %(until)s. Please do not forward it."
            ) % {
                "org": person.organisation.name,
                "link": link_url(token),
                "until": f"{timezone.localtime(referral.link_expires_at):%d %B %Y}",
            }
            address = referral.service_email
            transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return referral, token


def link_open(referral: ReferralOut, *, now: datetime | None = None) -> bool:
    """The link shows the referral: not withdrawn, not expired, and the consent still in force."""
    now = now or timezone.now()
    return (
        referral.status != OutStatus.WITHDRAWN
        and referral.link_expires_at > now
        and consents_in_force(now=now).filter(pk=referral.consent_id).exists()
    )


def answer(
    referral: ReferralOut, *, status: str, reason: str, now: datetime | None = None
) -> ReferralOut:
    """The receiving service answers through its link (no account). "Accepted" keeps the link
    open for a later "seen"; "seen", "not suitable" and "could not contact" close it.

    Raises ValidationError for an unknown answer or "not suitable" without why; Closed when the
    link no longer takes answers. Side effects: `referrals.out.answered` (the answer, never the
    words); the worker who referred and the named worker told (the answer's label only).
    """
    now = now or timezone.now()
    reason = reason.strip()
    allowed = [OutStatus.ACCEPTED, *FINAL_ANSWERS]
    if status not in allowed:
        raise ValidationError({"status": _("Choose what happened.")})
    if status == OutStatus.NOT_SUITABLE and not reason:
        raise ValidationError({"reason": _("Say why it is not suitable, so we can find another.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": MAX_REASON}})
    with transaction.atomic():
        locked = ReferralOut.objects.select_for_update().get(pk=referral.pk)
        if not link_open(locked, now=now):
            raise Closed("expired" if locked.link_expires_at <= now else "closed")
        if locked.status in FINAL_ANSWERS or (
            locked.status == OutStatus.ACCEPTED and status == OutStatus.ACCEPTED
        ):
            raise Closed("answered")
        locked.status = status
        locked.answered_at = now
        locked.answer_reason = reason
        locked.save(update_fields=["status", "answered_at", "answer_reason"])
        record(
            locked,
            action=actions.REFERRALS_OUT_ANSWERED,
            by=None,
            summary={"answer": status, "reason_given": bool(reason)},
        )
        told = {locked.referred_by_id: locked.referred_by}
        worker = _named_worker(locked.person)
        if worker is not None:
            told[worker.pk] = worker
        notify(
            told.values(),
            organisation_id=locked.organisation_id,
            text=ANSWERED_TEXT
            % {
                "answer": local_words.label(
                    locked.organisation_id, "referral_outcome", status
                ).lower()
            },
            url=reverse("referrals:referral", args=[locked.pk]),
        )
    referral.status, referral.answered_at, referral.answer_reason = status, now, reason
    return referral


def withdraw(referral: ReferralOut, *, by: Membership) -> ReferralOut:
    """Take a referral back: its link shows nothing from now on. Side effect:
    `referrals.out.withdrawn`."""
    with transaction.atomic():
        locked = ReferralOut.objects.select_for_update().get(pk=referral.pk)
        if locked.status in FINAL_ANSWERS or locked.status == OutStatus.WITHDRAWN:
            raise ValidationError(_("This referral is already closed."))
        locked.status = OutStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        record(locked, action=actions.REFERRALS_OUT_WITHDRAWN, by=by)
    referral.status = OutStatus.WITHDRAWN
    return referral


# Partners and their keys -----------------------------------------------------------------------


def add_partner(
    organisation: Organisation, *, by: Membership, name: str, email: str
) -> tuple[Partner, str]:
    """A new referral partner and its first key (returned once; only its hash is kept)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the partner's name.")})
    if Partner.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": _("There is already a partner with this name.")})
    key = new_token()
    with transaction.atomic():
        partner = Partner.objects.create(
            organisation=organisation,
            name=name,
            email=email.strip(),
            key_hash=hash_token(key),
            key_set_at=timezone.now(),
        )
        record(partner, action=actions.REFERRALS_PARTNER_ADDED, by=by, person_id=None)
    return partner, key


def rotate_key(partner: Partner, *, by: Membership) -> str:
    """A new key for the partner; the old one stops working at once."""
    key = new_token()
    with transaction.atomic():
        partner.key_hash = hash_token(key)
        partner.key_set_at = timezone.now()
        partner.save(update_fields=["key_hash", "key_set_at"])
        record(partner, action=actions.REFERRALS_PARTNER_KEY_ROTATED, by=by, person_id=None)
    return key


def switch_partner(partner: Partner, *, by: Membership, active: bool) -> Partner:
    """Switch a partner off (its key and form stop working at once, and say so) or back on
    (the same key works again; make a new one if it may have leaked). Side effect:
    `referrals.partner.switched_off` or `.switched_on`; nothing when it already was."""
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if locked.active != active:
            locked.active = active
            locked.save(update_fields=["active"])
            record(
                locked,
                action=actions.REFERRALS_PARTNER_SWITCHED_ON
                if active
                else actions.REFERRALS_PARTNER_SWITCHED_OFF,
                by=by,
                person_id=None,
            )
    partner.active = active
    return partner


def partner_by_key(key: str) -> Partner | None:
    """The partner whose key this is, switched on or off (the caller says which it is)."""
    if not key or len(key) > 200:
        return None
    return (
        Partner.objects.filter(key_hash=hash_token(key.strip()))
        .select_related("organisation")
        .first()
    )


def partner_for_key(key: str) -> Partner | None:
    """The partner whose key this is, when it is switched on."""
    partner = partner_by_key(key)
    return partner if partner is not None and partner.active else None


# In --------------------------------------------------------------------------------------------


def _coordinators(organisation_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            active_membership_q(), organisation_id=organisation_id, role=Role.COORDINATOR
        ).select_related("user")
    ]


def receive(partner: Partner, **fields: Any) -> ReferralIn:
    """A partner's referral in (public form or API). Raises ValidationError (nothing saved) on a
    missing name or need. Side effects: `referrals.in.received`; the coordinators told."""
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    errors: dict[str, str] = {}
    if not fields.get("given_name"):
        errors["given_name"] = _("Enter their first name.")
    fields["need"] = need_for(partner.organisation, fields.get("need"))
    if fields["need"] is None:
        errors["need"] = _("Choose what the referral is for, from our list.")
    if not fields.get("phone") and not fields.get("email"):
        errors["phone"] = _("Give a phone number or an email address, so we can reach them.")
    if not fields.pop("agreed", False):
        errors["agreed"] = _("Refer someone only when they have agreed to it.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = ReferralIn(organisation_id=partner.organisation_id, partner=partner, **fields)
        referral.full_clean()
        referral.save()
        record(
            referral,
            action=actions.REFERRALS_IN_RECEIVED,
            by=None,
            person_id=None,
            summary={"partner": partner.pk, "need": referral.need_id},
        )
        notify(
            _coordinators(partner.organisation_id),
            organisation_id=partner.organisation_id,
            text=IN_TEXT,
            url=reverse("referrals:incoming_one", args=[referral.pk]),
        )
    return referral


@dataclass(frozen=True)
class Decision:
    accept: bool
    person: Person | None = None  # an existing record (a possible match the coordinator chose)
    team: Any = None  # for a new record
    confirm_new: bool = False
    worker: User | None = None


def decide(referral: ReferralIn, *, by: Membership, decision: Decision) -> ReferralIn:
    """Triage: accept (onto an existing record, or a new one through `people.create_person` and
    its possible-match check) and give them a named worker, or say it is not suitable. The
    partner is emailed the outcome with their own reference only.

    Raises ValidationError (nothing saved), `people.services.PossibleMatch` when a new record may
    be someone already known. Side effects: maybe a Person and a named worker spell (their own
    events); `referrals.in.accepted` or `.not_suitable`."""
    now = timezone.now()
    with transaction.atomic():
        locked = ReferralIn.objects.select_for_update().get(pk=referral.pk)
        if locked.status != InStatus.WAITING:
            raise ValidationError(_("This referral has already been decided."))
        person = None
        if decision.accept:
            if decision.worker is None:
                raise ValidationError({"worker": _("Choose their named worker.")})
            person = decision.person
            if person is None:
                if decision.team is None:
                    raise ValidationError({"team": _("Choose the service they join.")})
                person = create_person(
                    by=by,
                    team=decision.team,
                    given_name=locked.given_name,
                    confirm_new=decision.confirm_new,
                    family_name=locked.family_name,
                    phone=locked.phone,
                    email=locked.email,
                    postcode=locked.postcode,
                )
            elif person.organisation_id != by.organisation_id:
                raise ValidationError({"person": _("Choose someone in this organisation.")})
            spell = NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True).first()
            if spell is None:
                spell = assign_named_worker(
                    person, worker=decision.worker, by=by, started_on=timezone.localdate(now)
                )
            # Someone already known keeps their named worker (a change is a handover).
            locked.allocated_to_id = spell.worker_id
        locked.person = person
        locked.status = InStatus.ACCEPTED if decision.accept else InStatus.NOT_SUITABLE
        locked.decided_by = by.user
        locked.decided_at = now
        locked.save()
        record(
            locked,
            action=actions.REFERRALS_IN_ACCEPTED
            if decision.accept
            else actions.REFERRALS_IN_NOT_SUITABLE,
            by=by,
            person_id=person.pk if person else None,
            summary={"partner": locked.partner_id},
        )
        address = locked.partner.email
        if address:
            outcome = _("accepted") if decision.accept else _("not one we can take on")
            subject = _("Your referral to %(org)s") % {"org": by.organisation.name}
            body = _(
                "Thank you for your referral%(ref)s, sent on %(date)s. It was %(outcome)s."
            ) % {
                "ref": f" ({locked.their_reference})" if locked.their_reference else "",
                "date": f"{timezone.localtime(locked.received_at):%d %B %Y}",
                "outcome": outcome,
            }
            transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    referral.status, referral.person = locked.status, person
    return referral


# Reads that are audited ------------------------------------------------------------------------


def read_referral_words(membership: Membership, referral: ReferralOut) -> bool:
    """Audit that a worker read a referral's words (the note, the service's reason); one
    `referrals.referralout.viewed` event when there are words to read."""
    if not (referral.note or referral.answer_reason):
        return False
    record_read(
        ReferralOut,
        [referral.pk],
        by=membership,
        organisation_id=referral.organisation_id,
        person_id=referral.person_id,
    )
    return True


def read_incoming(membership: Membership, referral: ReferralIn) -> None:
    """Audit that a coordinator read why a partner referred someone (`referrals.referralin.viewed`)."""
    if referral.reason:
        record_read(
            ReferralIn,
            [referral.pk],
            by=membership,
            organisation_id=referral.organisation_id,
            person_id=referral.person_id,
        )


def opened(referral: ReferralOut) -> None:
    """The service opened its link and saw what was consented: `referrals.out.opened`."""
    with transaction.atomic():
        record(referral, action=actions.REFERRALS_OUT_OPENED, by=None)
