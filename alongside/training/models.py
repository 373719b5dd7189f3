"""Training and skills: courses, who completed what and when, and what each role or activity
requires (issue 15 §3); supervision, its sessions and its notes (the supervision sphere, §4). Keyed on `access.Membership`: a volunteer or worker does things as one.

A completion's `expires_on` is worked out from the course's validity when it is recorded
(`Course.expiry_for`) and kept, so "who runs out in the next 60 days" and the check other apps
call (`queries.unmet_requirements`) are plain date comparisons.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Organisation, Role, Sphere
from alongside.common.spheres import SphereManager


class Activity(models.TextChoices):
    """Things a member may be required to be trained for before doing them."""

    SHIFTS = "shifts", _("Working shifts")
    MATCHING = "matching", _("Being matched one-to-one with someone")


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, the last day of a shorter month when the day is not in it."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Course(models.Model):
    """A course: the organisation's own or an external one (safeguarding, food hygiene ...)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    provider = models.CharField(
        _("run by"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty for the organisation's own course."),
    )
    valid_for_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if it never needs renewing."),
    )
    is_core = models.BooleanField(
        _("core training"),
        default=False,
        help_text=_("Counted in the scorecard's share of workers with in-date core training."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="course_name_unique_in_organisation"
            ),
            models.CheckConstraint(
                condition=Q(valid_for_months__isnull=True) | Q(valid_for_months__gt=0),
                name="course_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return bool(self.provider)

    def expiry_for(self, completed_on: date) -> date | None:
        """The last day a completion on `completed_on` is in date (None: it never runs out)."""
        if self.valid_for_months is None:
            return None
        return add_months(completed_on, self.valid_for_months)


class Completion(models.Model):
    """A member completed a course on a day; evidence is a short note (never an upload)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="training_completions"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("runs out on"), null=True, blank=True)
    evidence = models.CharField(
        _("evidence"),
        max_length=200,
        blank=True,
        help_text=_("For example: certificate seen by the coordinator, or the session it was."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "course", "completed_on"],
                name="one_completion_per_course_per_day",
            )
        ]
        indexes = [models.Index(fields=["organisation", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.course} on {self.completed_on}"


class Requirement(models.Model):
    """A course that a role, or an activity, requires (exactly one of the two)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & ~Q(activity="")) | (~Q(role="") & Q(activity="")),
                name="requirement_role_or_activity",
            ),
            models.UniqueConstraint(
                fields=["course", "role", "activity"], name="requirement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} for {self.role or self.activity}"


class Removal(models.Model):
    """A completion, or a course, removed because it was recorded in error: what it was, who
    removed it, when and why (decision 0093). The audit event holds ids only; the reason is kept
    here, shown on the coordinator's completions page."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    course_name = models.CharField(max_length=100)
    # A removed completion's member and day; empty for a removed course.
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    reason = models.CharField(_("why"), max_length=300)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-removed_at", "-id"]

    def __str__(self) -> str:
        return f"removal {self.pk}"


class ExpiryReminder(models.Model):
    """A reminder sent for one completion at one threshold: at most one each (idempotent)."""

    completion = models.ForeignKey(Completion, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["completion", "days_before"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before} days before, completion {self.completion_id}"


# Supervision (issue 15 §4) ---------------------------------------------------------------------


class Supervision(models.Model):
    """Who supervises whom, and how often. One in force per supervisee; a new supervisor is a
    new supervision (the old one ended), so each one's notes stay between its own two people."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    supervisee = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="supervisions_received"
    )
    supervisor = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="supervisions_given"
    )
    every_weeks = models.PositiveSmallIntegerField(_("every (weeks)"), default=6)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisee=models.F("supervisor")),
                name="supervision_not_of_oneself",
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1) & Q(every_weeks__lte=52),
                name="supervision_every_1_to_52_weeks",
            ),
            models.UniqueConstraint(
                fields=["supervisee"],
                condition=Q(ended_on__isnull=True),
                name="one_supervision_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"supervision {self.pk}"


class SupervisionSession(models.Model):
    """A supervision session: planned for a day, then recorded as held by the supervisor.
    Its dates are not sphere records (overdue supervision is counted from them)."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="sessions")
    planned_for = models.DateField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-planned_for", "-id"]

    def __str__(self) -> str:
        return f"supervision session {self.pk}"


class SupervisionNote(models.Model):
    """What was talked through in a session, in the supervisor's words: the supervision sphere,
    read only by the supervisee and their supervisor (`visibility.supervision`), fail closed."""

    SPHERE = Sphere.SUPERVISION

    session = models.OneToOneField(
        SupervisionSession, on_delete=models.CASCADE, related_name="note"
    )
    text = models.TextField(_("notes"), max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    objects = SphereManager()

    class Meta:
        base_manager_name = "objects"  # related lookups fail closed too

    def __str__(self) -> str:
        return f"supervision note {self.pk}"
