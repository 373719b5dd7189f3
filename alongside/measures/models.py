"""Measures: instruments as data, one-time sittings, and the person's answers (support sphere).

`Response` fails closed (`SphereManager`, also its base manager): read it through
`alongside.measures.queries`, which names the viewer, or `.for_system(reason)` for aggregates.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.common.spheres import SphereManager
from alongside.measures.scoring import Definition, from_json


class Instrument(models.Model):
    """A questionnaire. Built in when `organisation` is empty; otherwise added by a data lead."""

    organisation = models.ForeignKey(
        "access.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the instruments built into Alongside."),
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=200)
    notice = models.TextField(
        _("licence and copyright notice"),
        help_text=_("Shown wherever the instrument is shown."),
    )
    licensed_permission_confirmed = models.BooleanField(
        _("we have permission to use this"), default=False
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="measures_instrument_key_unique"
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(organisation__isnull=True),
                name="measures_builtin_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def built_in(self) -> bool:
        return self.organisation_id is None


class VersionInUse(Exception):
    """An instrument version that has answers cannot change: make a new version."""


class InstrumentVersion(models.Model):
    """Items, options and scoring (`scoring.to_json`). Immutable once anyone has answered it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition_json = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="measures_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            used = (
                Response.objects.for_system("is this version in use? (immutability check)")
                .filter(version_id=self.pk)
                .exists()
            )
            if used:
                raise VersionInUse(f"{self} has answers: make a new version instead")
        super().save(*args, **kwargs)

    @property
    def definition(self) -> Definition:
        cached: Definition | None = getattr(self, "_definition", None)
        if cached is None:
            cached = from_json(self.definition_json)
            self._definition = cached
        return cached


class SittingKind(models.TextChoices):
    LINK = "link", _("A one-time link or QR code they open themselves")
    KIOSK = "kiosk", _("On this tablet, handed to them now")
    READ_OUT = "read_out", _("I read the questions out and record their answers")


class Sitting(models.Model):
    """One chance for one person to answer one or more questionnaires, once.

    Shared sphere: it says only that they were asked, when and how. A link's token is random and
    stored only as its SHA-256; it expires and works once.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SittingKind.choices)
    versions = models.ManyToManyField(InstrumentVersion, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    about_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Sitting {self.pk}"


class Response(models.Model):
    """One person's answers to one instrument version: item code -> option value (None: prefer
    not to say). Support sphere: fails closed."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(
        Sitting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(max_length=10, choices=SittingKind.choices)
    # Named `author` so the support sphere's role rule applies as it does to notes: the worker
    # who collected the answers (sent the link, ran the kiosk or read the questions out).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    about_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The named worker the Relationship Check was about, when they answered."),
    )
    completed_at = models.DateTimeField()
    answers = models.JSONField()

    objects = SphereManager()

    class Meta:
        ordering = ["-completed_at", "-id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["organisation", "person", "completed_at"])]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class Schedule(models.Model):
    """When to ask again: a data-lead setting per organisation."""

    organisation = models.OneToOneField(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    review_every_weeks = models.PositiveSmallIntegerField(
        _("ask again every (weeks)"),
        null=True,
        blank=True,
        default=12,
        help_text=_("Leave empty for no time-based review."),
    )
    review_after_contacts = models.PositiveSmallIntegerField(
        _("or after this many contacts"),
        null=True,
        blank=True,
        help_text=_("Leave empty to ignore the number of contacts."),
    )

    def __str__(self) -> str:
        return f"Schedule for {self.organisation_id}"


class MeasureBaseline(models.Model):
    """Derived (decision 0108): per person and instrument, their first answer ever (the baseline)
    and their latest, each with its numeric measures (`scoring.MeasureScorer`: measure key ->
    number; None when an answer could not be scored). Kept by `baselines.refresh_people` in the
    same transaction as every write of answers, rebuilt by `alongside summaries rebuild`. The
    outcome changes and the continuity associations read these rows, not every answer.

    Support sphere, like the answers it is made from: fails closed (`for_system` only)."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+")
    # The answers' ids, not foreign keys: a derived row, rewritten whenever the answers change.
    first_id = models.PositiveBigIntegerField()
    first_at = models.DateTimeField()
    first_measures = models.JSONField(null=True)
    latest_id = models.PositiveBigIntegerField()
    latest_at = models.DateTimeField()
    latest_measures = models.JSONField(null=True)

    objects = SphereManager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "instrument"], name="measures_baseline_person_instrument"
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "instrument", "latest_at"], name="measures_baseline_latest"
            )
        ]

    def __str__(self) -> str:
        return f"Baseline {self.person_id}/{self.instrument_id}"
