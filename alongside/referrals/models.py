"""Referrals out to a local service and in from a referral partner (issue 16, part 2).

A referral out is a shared-sphere fact (who was referred, where, when, what came back) with two
support-sphere words fields beside it: `note` (what the worker wrote for the service, sent only
when the person's consent covers it) and `answer_reason` (why the service said "not suitable" or
could not make contact). Queries read those words only through
`alongside.visibility.support_records_q`. The receiving service answers through a one-time link
whose token is never stored: only its SHA-256 (`common.links`).

A referral in arrives from a `Partner` (GP surgery, council, another charity) that holds a key;
only the key's hash is kept, and a coordinator can rotate it (decision 0066).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.access.words import WordList, register


class OutStatus(models.TextChoices):
    SENT = "sent", _("Sent, waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    SEEN = "seen", _("Seen by the service")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    NO_CONTACT = "no_contact", _("They could not make contact")
    WITHDRAWN = "withdrawn", _("Withdrawn")


register(
    WordList(
        "referral_outcome",
        _("What came back from a referral"),
        _(
            "The answers a service gives to a referral, shown to the service on its link, on the "
            "person's page and in the report. Rename them; each one means what it always has."
        ),
        OutStatus.choices,
        can_add=False,
        fixed=frozenset(OutStatus.values),
    )
)


# A service's answer that closes its link: nothing more to say.
FINAL_ANSWERS = (OutStatus.SEEN, OutStatus.NOT_SUITABLE, OutStatus.NO_CONTACT)
ANSWERED = (OutStatus.ACCEPTED, *FINAL_ANSWERS)


class ReferralOut(models.Model):
    """A person referred to a local service, with their consent, and what came back."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_out"
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The service as it was named when the referral went (the directory entry may change or go).
    service_name = models.CharField(_("service"), max_length=300)
    service_email = models.EmailField(_("the service's email address"), blank=True)
    # A word of the organisation's own needs list (`directory.services.local_needs`): the
    # report counts referrals by it; it is never the person's own words.
    need = models.ForeignKey(
        "directory.TaxonomyTerm",
        verbose_name=_("what it is for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    share_contact = models.BooleanField(_("share how to contact them"), default=True)
    share_note = models.BooleanField(_("share the note"), default=False)
    # Support sphere: sent only with share_note and the consent in force.
    note = models.TextField(_("a note for the service"), max_length=2000, blank=True)
    consent = models.ForeignKey("people.ConsentToShare", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)
    answer_by = models.DateField(_("an answer expected by"))
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    link_expires_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=OutStatus.choices, default=OutStatus.SENT)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Support sphere: the service's words (why not suitable, what happened).
    answer_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "answer_by"])]

    def __str__(self) -> str:
        return f"Referral to {self.service_name}"

    @property
    def answered(self) -> bool:
        return self.status in ANSWERED


class Partner(models.Model):
    """An organisation that refers people in (not `eligibility.ReferralPartner`, which issues
    foodbank vouchers). Holds one key at a time: only its hash."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("where to send the outcome"), blank=True)
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    key_set_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="referrals_partner_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class InStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to be looked at")
    ACCEPTED = "accepted", _("Accepted")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class ReferralIn(models.Model):
    """Someone referred to us by a partner, waiting for triage and a named worker."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField(default=timezone.now)
    their_reference = models.CharField(_("your reference"), max_length=60, blank=True)
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    # A word of the organisation's own needs list (`directory.services.local_needs`): the
    # report counts referrals by it; it is never the person's own words.
    need = models.ForeignKey(
        "directory.TaxonomyTerm",
        verbose_name=_("what it is for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Support sphere: the referrer's words about the person.
    reason = models.TextField(_("what would help"), max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=InStatus.choices, default=InStatus.WAITING)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Referral in from {self.partner_id}"
