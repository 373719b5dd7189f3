"""A person's rights over their record (issue 14, parts 3 and 4): subject access requests and
what the data lead withheld from an answer; erasure and retention (per-organisation periods per
sphere, the daily review the data lead confirms, what was anonymised); legal holds.

These rows hold the facts of each decision. The person's own words live in their apps' records;
an anonymisation blanks those in place and the rows here say that it happened (decision 0058).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere


class RequestStatus(models.TextChoices):
    REVIEWING = "reviewing", _("Being reviewed")
    ANSWERED = "answered", _("Answered")


class SubjectAccessRequest(models.Model):
    """A person asked for their record. The one-month clock starts on the day it was received."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.REVIEWING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the JSON answer as it was produced: the audit event names it, never its content.
    answer_digest = models.CharField(max_length=64, blank=True, default="")
    # The answer as it was given (the JSON file; the PDF is drawn from it): a copy of what was
    # disclosed, kept with the request and blanked when the person is erased.
    answer = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


class WithholdReason(models.TextChoices):
    THIRD_PARTY = "third_party", _("It identifies someone else, who has not agreed")
    SERIOUS_HARM = "serious_harm", _("Telling them would be likely to cause serious harm")
    CRIME = "crime", _("Telling them would prejudice preventing or detecting a crime")
    LEGAL_PRIVILEGE = "legal_privilege", _("It is legal advice (legal professional privilege)")


class Withholding(models.Model):
    """One item of the record left out of (or redacted in) an answer, and why."""

    SPHERE = Sphere.SHARED

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="withholdings"
    )
    item = models.CharField(max_length=120)  # "<app>.<model>:<id>"
    reason = models.CharField(_("why"), max_length=20, choices=WithholdReason.choices)
    # Third-party names only: the item is given with the other people's names taken out.
    names_only = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="one_withholding_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


class RetentionSettings(models.Model):
    """How long an organisation keeps each sphere's records after a person's involvement closes
    (docs/retention.md cites the guidance behind the defaults)."""

    SPHERE = Sphere.SHARED

    organisation = models.OneToOneField(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    shared_years = models.PositiveSmallIntegerField(
        _("their record and contacts (years)"), default=6
    )
    support_years = models.PositiveSmallIntegerField(
        _("support notes and answers (years)"), default=6
    )
    eligibility_years = models.PositiveSmallIntegerField(_("foodbank vouchers (years)"), default=3)
    safeguarding_years = models.PositiveSmallIntegerField(
        _("safeguarding records (years)"), default=25
    )

    def __str__(self) -> str:
        return f"Retention for organisation {self.organisation_id}"

    def years(self, sphere: str) -> int:
        return int(getattr(self, f"{sphere}_years"))


class LegalHold(models.Model):
    """While in force, nothing of the person's is anonymised automatically and erasure on
    request is refused: records needed for legal claims or a safeguarding inquiry. Safeguarding
    sphere: its events are not on a supporter's "who saw my record"."""

    SPHERE = Sphere.SAFEGUARDING

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why the records must be kept"), max_length=1000)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(_("why it can be lifted"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_legal_hold_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"


class ReviewStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the data lead")
    CONFIRMED = "confirmed", _("Confirmed: anonymised")
    REPLACED = "replaced", _("Replaced by a newer review")


class RetentionReview(models.Model):
    """What the daily check found past its retention period, for the data lead to confirm.

    `items`: [{"person": id, "sphere": name, "due_on": iso date}]; `held`: [{"person": id,
    "hold": id}] (never anonymised automatically; listed so the data lead sees why)."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    made_on = models.DateField()
    made_at = models.DateTimeField(auto_now_add=True)
    items = models.JSONField(default=list)
    held = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.WAITING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"Retention review {self.pk}"


class AnonymisationKind(models.TextChoices):
    REQUEST = "request", _("Erased on their request")
    RETENTION = "retention", _("Retention period passed")


class Anonymisation(models.Model):
    """One sphere of one person's records was anonymised: their words, names and contact details
    blanked in place; dates, codes, scores and who worked with them kept as anonymous facts."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    sphere = models.CharField(max_length=20, choices=Sphere.choices)
    kind = models.CharField(max_length=10, choices=AnonymisationKind.choices)
    # On request: why, in the data lead's words (the request's basis, never the person's story).
    reason = models.TextField(max_length=1000, blank=True)
    review = models.ForeignKey(
        RetentionReview, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "sphere"], name="one_anonymisation_per_sphere"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.sphere} anonymised"
