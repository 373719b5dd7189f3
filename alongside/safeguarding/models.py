"""Safeguarding-sphere records: concerns, what was done about them, overrides, and holds on
matching and introductions.

These models fail closed: `Concern.objects.all()` raises. Read through
`alongside.safeguarding.queries`, which names the viewer (see docs/access-and-audit.md).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.common.spheres import SphereManager

# How long an override lets a safeguarding lead open a person's support records.
OVERRIDE_MINUTES = 60
OVERRIDE_DURATION = timedelta(minutes=OVERRIDE_MINUTES)
# The shortest justification (after stripping spaces) a lead must give to start an override.
JUSTIFICATION_MIN_LENGTH = 20


class Category(models.TextChoices):
    NEGLECT = "neglect", _("Neglect")
    PHYSICAL = "physical", _("Physical abuse")
    EMOTIONAL = "emotional", _("Emotional or psychological abuse")
    FINANCIAL = "financial", _("Financial abuse")
    SEXUAL = "sexual", _("Sexual abuse")
    SELF_NEGLECT = "self_neglect", _("Self-neglect")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    MODERN_SLAVERY = "modern_slavery", _("Modern slavery")
    DISCRIMINATORY = "discriminatory", _("Discriminatory abuse")
    ORGANISATIONAL = "organisational", _("Organisational abuse")
    OTHER = "other", _("Something else")


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BEING_LOOKED_INTO = "being_looked_into", _("Being looked into")
    CLOSED = "closed", _("Closed")


class Concern(models.Model):
    """A worry that someone is at risk of harm, raised by a worker for the safeguarding leads."""

    SPHERE = Sphere.SAFEGUARDING

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    category = models.CharField(_("what kind of harm"), max_length=32, choices=Category.choices)
    what_happened = models.TextField(_("what happened"))
    immediate_risk = models.BooleanField(_("someone is at risk of harm now"))
    status = models.CharField(
        _("status"), max_length=32, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )

    objects = SphereManager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        base_manager_name = "objects"
        indexes = [
            # The list's runs, one per status, newest first (decision 0128).
            models.Index(
                fields=["organisation", "status", "raised_at", "id"],
                name="concern_org_status_raised",
            ),
            models.Index(fields=["person", "raised_at"]),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"


class ConcernAction(models.Model):
    """What a safeguarding lead did about a concern, and the concern's status afterwards."""

    SPHERE = Sphere.SAFEGUARDING

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    what_was_done = models.TextField(_("what was done"))
    status = models.CharField(_("status afterwards"), max_length=32, choices=ConcernStatus.choices)

    objects = SphereManager()

    class Meta:
        ordering = ["at", "id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Action {self.pk} on concern {self.concern_id}"


class OverrideReason(models.TextChoices):
    RISK_TO_PERSON = "risk_to_person", _("Risk of serious harm to the person")
    RISK_TO_OTHERS = "risk_to_others", _("Risk of serious harm to others")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    ADULT_AT_RISK = "adult_at_risk", _("Adult at risk (Care Act section 42 enquiry)")
    POLICE_REQUEST = "police_request", _("Police request with a lawful basis")
    OTHER = "other", _("Another reason")


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", _("Justified")
    NOT_JUSTIFIED = "not_justified", _("Not justified")


class Override(models.Model):
    """A safeguarding lead opening a person's support records without their consent.

    In force while `ended_at` is empty and `expires_at` (start + OVERRIDE_MINUTES) is in the
    future: visibility is worked out on every read, so it lapses with nothing to run. Every
    override waits for review by another safeguarding lead or a data lead.
    """

    SPHERE = Sphere.SAFEGUARDING

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(_("reason"), max_length=32, choices=OverrideReason.choices)
    justification = models.TextField(_("why this cannot wait for consent"))
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(
        _("was it justified?"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    review_note = models.TextField(_("review note"), blank=True)

    objects = SphereManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["lead", "person", "expires_at"]),
            models.Index(fields=["organisation", "reviewed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="override_expires_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_outcome="")
                    | (
                        models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False)
                        & ~models.Q(review_outcome="")
                    )
                ),
                name="override_review_is_complete_or_absent",
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("lead")),
                name="override_not_reviewed_by_its_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"Override {self.pk}"

    @property
    def ends_at(self) -> datetime:
        """When access ended or will end: early end, else expiry."""
        return self.ended_at or self.expires_at


# The shortest reason (after stripping spaces) a lead must give to place or lift a matching hold.
HOLD_REASON_MIN_LENGTH = 10


class MatchingHold(models.Model):
    """A safeguarding lead stops matching and introductions for one person or one volunteer.

    On exactly one of the two. Open while `lifted_at` is empty; at most one open hold per person
    (and per volunteer in an organisation). Other apps read only who is held
    (`queries.held_person_ids`, `queries.held_volunteer_ids`), never the reason.
    """

    SPHERE = Sphere.SAFEGUARDING

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why matching and introductions must stop"))
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("why it can be lifted"), blank=True)

    objects = SphereManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["organisation", "lifted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, volunteer__isnull=True)
                    | models.Q(person__isnull=True, volunteer__isnull=False)
                ),
                name="matching_hold_on_person_or_volunteer",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_reason="")
                    | (
                        models.Q(lifted_at__isnull=False, lifted_by__isnull=False)
                        & ~models.Q(lift_reason="")
                    )
                ),
                name="matching_hold_lift_is_complete_or_absent",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True, person__isnull=False),
                name="matching_hold_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["organisation", "volunteer"],
                condition=models.Q(lifted_at__isnull=True, volunteer__isnull=False),
                name="matching_hold_one_open_per_volunteer",
            ),
        ]

    def __str__(self) -> str:
        return f"Matching hold {self.pk}"
