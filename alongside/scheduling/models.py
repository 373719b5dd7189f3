"""Availability, appointments and planning rounds. Shared sphere: when, who and how, never what.

An appointment says who meets whom, when and how. Why they meet, and what was said, belongs to
the contact it becomes and to the support sphere.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class WeeklyAvailability(models.Model):
    """A worker is free for appointments on this weekday between these times, in slots."""

    SPHERE = Sphere.SHARED

    membership = models.ForeignKey(
        "access.Membership", on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("appointment length (minutes)"),
        default=60,
        choices=[(30, "30"), (45, "45"), (60, "60"), (90, "90")],
    )
    place = models.CharField(
        _("where"), max_length=200, blank=True, help_text=_("For example: the hub, Mill Street.")
    )

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="availability_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class ExceptionKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    SICKNESS = "sickness", _("Off sick")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Not available")


class AvailabilityException(models.Model):
    """Days a worker is not available (leave, sickness), whatever their weekly pattern says."""

    SPHERE = Sphere.SHARED

    membership = models.ForeignKey(
        "access.Membership", on_delete=models.CASCADE, related_name="exceptions"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    kind = models.CharField(_("why"), max_length=20, choices=ExceptionKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="exception_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Happened")
    CANCELLED = "cancelled", _("Cancelled")
    DID_NOT_ATTEND = "did_not_attend", _("Did not happen")


class CancelledBy(models.TextChoices):
    PERSON = "person", _("They asked to change it")
    US = "us", _("We had to change it")


class BookedVia(models.TextChoices):
    BOOKING = "booking", _("Booked for them")
    PLAN = "plan", _("From a plan")
    HANDOVER = "handover", _("Introduction to a new worker")


# Statuses that hold the time in the worker's and the person's diary.
HOLDS_TIME = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED)


class Appointment(models.Model):
    """A booked time for a person to meet a worker (and, at an introduction, a second worker).

    Never double-booked: the booking service locks both diaries first, and on PostgreSQL an
    exclusion constraint refuses overlapping times for the same worker or person as well.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="appointments"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    with_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_appointments",
        verbose_name=_("also there"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(
        _("how"), max_length=20, choices=AppointmentMode.choices, default=AppointmentMode.IN_PERSON
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancelled_by = models.CharField(
        _("who changed it"), max_length=10, choices=CancelledBy.choices, blank=True
    )
    booked_via = models.CharField(
        max_length=10, choices=BookedVia.choices, default=BookedVia.BOOKING
    )
    planning_round = models.ForeignKey(
        "PlanningRound", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handover = models.ForeignKey(
        "relationships.Handover",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    contact = models.OneToOneField(
        "relationships.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["worker", "starts_at"]),
            models.Index(fields=["with_worker", "starts_at"]),
            models.Index(fields=["person", "starts_at"]),
            models.Index(fields=["organisation", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(with_worker=models.F("worker")),
                name="appointment_second_worker_is_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} with {self.person} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class PlanningRound(models.Model):
    """A coordinator's plan for a period: who needs to be seen, and the proposed bookings."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Proposal")
        ACCEPTED = "accepted", _("Booked")
        DISCARDED = "discarded", _("Set aside")

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    description = models.CharField(_("what this plan is for"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    proposal = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="planning_round_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.description


class SeeRequest(models.Model):
    """Someone who needs to be seen once within a window, maybe by a worker with a skill."""

    SPHERE = Sphere.SHARED

    planning_round = models.ForeignKey(
        PlanningRound, on_delete=models.CASCADE, related_name="requests"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    earliest = models.DateField(_("from"))
    latest = models.DateField(_("by"))
    skill = models.ForeignKey(
        "access.Skill", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointment = models.OneToOneField(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["earliest", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest__gte=models.F("earliest")),
                name="see_request_window_is_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"See {self.person_id} {self.earliest}–{self.latest}"
