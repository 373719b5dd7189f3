"""The rota and what volunteers give (issue 15, §5 and §6).

- `ShiftPattern` and `PatternRole`: a repeating shift ("Tuesday foodbank 10–13") and the people
  it needs in each role ("2 on the desk, 3 packing, 1 driver"). Shifts are made ahead from it
  (`services.generate_shifts`; the daily task keeps them `services.ROLL_ON_WEEKS` ahead), each with
  its own copy of the roles, so changing a pattern never moves a shift people have signed up for
  (`services.change_pattern`, decision 0090).
- `Shift` and `ShiftRole`: one shift on one day, linked to the `spaces` session it serves.
- `Signup`: a member on a shift in one role: asked by a coordinator, confirmed, declined,
  withdrawn, passed on in a swap, or off it because the shift was cancelled. `starts_at`/`ends_at` are the shift's, copied so the
  no-double-booking check and PostgreSQL's exclusion constraint read one table (decision 0076).
- `HoursEntry`: time a volunteer gave and adds themselves (what, when, how long).
- `Gift`: the ledger of gifts in kind and money received, donors may be anonymous.
- `MilestoneShare`: a volunteer's choice to share a milestone they reached (default not shared).

None of these holds a supported person's words: they are about the organisation's own members.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere


class ShiftPattern(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("space it serves"),
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    weekday = models.PositiveSmallIntegerField(_("day"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    every_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), default=1)
    starts_on = models.DateField(_("from"))
    # Empty: it goes on until changed, its shifts made `ROLL_ON_WEEKS` ahead by the daily task.
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "starts_at", "name"]

    def __str__(self) -> str:
        return self.name


class PatternRole(models.Model):
    pattern = models.ForeignKey(ShiftPattern, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=80)
    needed = models.PositiveSmallIntegerField(_("people needed"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.needed} {self.name}"


class Shift(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    pattern = models.ForeignKey(
        ShiftPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    session = models.ForeignKey(
        "spaces.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    place = models.CharField(_("where"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "access.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Told to those who were on it, in the app and by email: about the shift, never a person.
    cancel_reason = models.CharField(_("why it is cancelled"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "starts_at"], name="rota_one_shift_per_pattern_time"
            )
        ]
        indexes = [models.Index(fields=["organisation", "starts_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class ShiftRole(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=80)
    needed = models.PositiveSmallIntegerField(_("people needed"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SignupStatus(models.TextChoices):
    ASKED = "asked", _("Asked")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SWAPPED = "swapped", _("Passed on in a swap")
    CANCELLED = "cancelled", _("Shift cancelled")


# An ask waiting for an answer holds the place and the time, so two asks cannot overfill a role
# and an appointment cannot be booked over it while the volunteer thinks.
HOLDS_PLACE = (SignupStatus.ASKED, SignupStatus.CONFIRMED)


class Signup(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    role = models.ForeignKey(ShiftRole, on_delete=models.CASCADE, related_name="signups")
    membership = models.ForeignKey(
        "access.Membership", on_delete=models.CASCADE, related_name="shift_signups"
    )
    status = models.CharField(max_length=12, choices=SignupStatus.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    asked_by = models.ForeignKey(
        "access.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)  # offered for a swap
    swapped_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="swapped_from"
    )
    did_not_come = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day-before reminder, sent once
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["membership", "starts_at"]),
            models.Index(fields=["organisation", "status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} on {self.shift_id}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class HoursEntry(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "access.Membership", on_delete=models.CASCADE, related_name="added_hours"
    )
    what = models.CharField(_("what you did"), max_length=200)
    on = models.DateField(_("when"))
    minutes = models.PositiveIntegerField(_("how long"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return self.what


class GiftKind(models.TextChoices):
    FOOD = "food", _("Food")
    GOODS = "goods", _("Goods")
    ROOM = "room", _("A room lent")
    SERVICE = "service", _("A service given free")
    MONEY = "money", _("Money")


class GiftUnit(models.TextChoices):
    KG = "kg", _("kilograms")
    ITEMS = "items", _("items")
    HOURS = "hours", _("hours")


class Gift(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("what kind"), max_length=10, choices=GiftKind.choices)
    description = models.CharField(_("what it was"), max_length=200)
    quantity = models.DecimalField(
        _("how much"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("in"), max_length=10, choices=GiftUnit.choices, blank=True)
    value = models.DecimalField(
        _("value (£)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    donor = models.CharField(_("from"), max_length=200, blank=True)  # blank: anonymous
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "received_on"])]

    def __str__(self) -> str:
        return self.description

    @property
    def is_money(self) -> bool:
        return self.kind == GiftKind.MONEY

    @property
    def estimated(self) -> Decimal | None:
        return self.value


class MilestoneShare(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "access.Membership", on_delete=models.CASCADE, related_name="milestone_shares"
    )
    milestone = models.CharField(max_length=20)
    shared = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "milestone"], name="rota_one_choice_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return self.milestone
