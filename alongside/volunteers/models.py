"""The volunteer journey (issue 15 §1): from a public enquiry to active, paused and leaving.

A `Volunteer` is someone who offered to volunteer, from the day they enquire. They have no
account until they become active: then `membership` is the one made for them through the
ordinary invitation (`workers.services.invite_worker`, role volunteer). Every move between
stages is a `StageChange` (dated, by whom, with a reason when it goes back). References and
checks are facts only: who was asked and when, a yes or no; a DBS level, a certificate number and
dates — never a document or what a certificate says.

A volunteer record never points at a `people.Person` (decision 0071): someone once supported who
comes forward to volunteer enquires like anyone else, and their support history stays where it
is, out of reach of the people who manage volunteers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquired")
    CONVERSATION = "conversation", _("Conversation")
    REFERENCES = "references", _("References")
    CHECKS = "checks", _("Checks")
    INDUCTION = "induction", _("Induction")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEAVING = "leaving", _("Left")


# The journey's order: moving to an earlier stage is "back" and needs a reason.
ORDER = [s.value for s in Stage]


class Volunteer(models.Model):
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    # What they would like to do, in their words: shown to those who manage volunteers.
    offer = models.CharField(_("what you would like to do"), max_length=500, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.ENQUIRY)
    stage_since = models.DateField()
    enquired_on = models.DateField()
    membership = models.OneToOneField(
        "access.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_record",
    )
    # The public form's submit token (its SHA-256): the same form sent twice is one enquiry
    # (decision 0093). Empty for enquiries made before it, or without one.
    submit_digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["organisation", "stage"])]
        constraints = [
            models.UniqueConstraint(
                fields=["submit_digest"],
                condition=~models.Q(submit_digest=""),
                name="volunteer_enquiry_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"Volunteer {self.pk}"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class StageChange(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    # None: the volunteer themselves, through the public enquiry form.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    # Moved to induction or active with something still missing, on a manager's say-so (decision
    # 0092): what was missing then, in the words the page showed. Empty for an ordinary move.
    went_without = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Stage change {self.pk}"


class Reference(models.Model):
    """Who gave (or was asked for) a reference: facts and a yes or no, never its content."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="references")
    referee = models.CharField(_("who"), max_length=200)
    asked_on = models.DateField(_("asked on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    satisfactory = models.BooleanField(_("satisfactory"), null=True, blank=True)
    note = models.CharField(_("short note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["asked_on", "pk"]

    def __str__(self) -> str:
        return f"Reference {self.pk}"


class DbsLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    ENHANCED = "enhanced", _("Enhanced")
    ENHANCED_BARRED = "enhanced_barred", _("Enhanced with barred list")


class CheckKind(models.TextChoices):
    DBS = "dbs", _("DBS check")
    RIGHT_TO_VOLUNTEER = "right_to_volunteer", _("Right to volunteer")


class Check(models.Model):
    """A UK check as facts: never a document upload or what the certificate says."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("check"), max_length=30, choices=CheckKind.choices)
    requested_on = models.DateField(_("asked for on"))
    level = models.CharField(_("DBS level"), max_length=20, choices=DbsLevel.choices, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=12, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    update_service_checked_on = models.DateField(
        _("update service last checked on"), null=True, blank=True
    )
    # Right to volunteer: the day it was seen (nothing else is kept).
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_on", "pk"]

    def __str__(self) -> str:
        return f"Check {self.pk}"

    @property
    def done(self) -> bool:
        if self.kind == CheckKind.DBS:
            return self.issued_on is not None
        return self.confirmed_on is not None


# DBS levels from least to most thorough: a required level is met by it or any above it.
DBS_ORDER = [level.value for level in DbsLevel]


class Requirements(models.Model):
    """What the organisation needs before a volunteer starts induction or becomes active
    (decision 0092). One row per organisation, made with the defaults the first time it is
    changed; until then `Requirements.DEFAULTS` apply."""

    organisation = models.OneToOneField(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    references = models.PositiveSmallIntegerField(
        _("satisfactory references needed"),
        default=2,
        help_text=_("0 to 5. Any reference that came back not satisfactory also holds them."),
    )
    dbs_level = models.CharField(
        _("DBS check needed"),
        max_length=20,
        choices=[("", _("None")), *DbsLevel.choices],
        blank=True,
        default=DbsLevel.BASIC,
        help_text=_("The lowest level that will do. Only ask for the level the role allows."),
    )
    dbs_renew_months = models.PositiveSmallIntegerField(
        _("a DBS check is out of date after (months)"),
        default=36,
        help_text=_("Counted from its issue date, or from the last update-service check if later."),
    )
    right_to_volunteer = models.BooleanField(
        _("right to volunteer must be seen"),
        default=False,
        help_text=_("Where it is relevant, for example for someone here on a visa."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(references__lte=5), name="volunteer_references_at_most_5"
            ),
            models.CheckConstraint(
                condition=models.Q(dbs_renew_months__gte=1) & models.Q(dbs_renew_months__lte=120),
                name="volunteer_dbs_renew_1_to_120_months",
            ),
        ]

    def __str__(self) -> str:
        return f"Volunteer requirements {self.pk}"
