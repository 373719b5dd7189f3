"""What the funder learning report is made from, beyond the other apps' records.

- `ReportSettings`: how volunteer time is valued (hours × a rate the organisation sets).
- `Story`: a person's story in their own words, which they agreed may be shared, without their
  name, in learning reports. Written for the report with the person; never copied from support
  notes, so it is its own sphere: shared for learning, with consent, withdrawable.
- `TeamLearning`: what a team learned in a period and what it will change.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere

# The UK National Living Wage (age 21 and over) from 1 April 2026; each organisation may set its
# own (the Real Living Wage, say). The report states the source when this default is used.
DEFAULT_VOLUNTEER_HOUR_RATE = Decimal("12.71")
DEFAULT_RATE_SOURCE = (
    "the National Living Wage for people aged 21 and over from 1 April 2026 "
    "(GOV.UK, “National Minimum Wage and National Living Wage rates”)"
)


class ReportSettings(models.Model):
    organisation = models.OneToOneField(
        "access.Organisation", on_delete=models.CASCADE, related_name="report_settings"
    )
    volunteer_hour_rate = models.DecimalField(
        _("value of an hour of volunteer time (£)"),
        max_digits=7,
        decimal_places=2,
        default=DEFAULT_VOLUNTEER_HOUR_RATE,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("For example the Real Living Wage. Used to value volunteer time in reports."),
    )

    def __str__(self) -> str:
        return f"Report settings for {self.organisation}"


class Story(models.Model):
    """A story the person agreed to share, without their name, in learning reports."""

    SPHERE = Sphere.SHARED  # shared for learning, by the person's explicit agreement

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="stories")
    in_their_words = models.TextField(
        _("their story, in their words"),
        help_text=_("Leave out names and anything that could identify them or anyone else."),
    )
    told_on = models.DateField(_("told on"))
    agreed_to_share = models.BooleanField(
        _("they agreed it may be shared, without their name, in reports to funders")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-told_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreed_to_share=True), name="story_only_with_agreement"
            )
        ]

    def __str__(self) -> str:
        return f"Story {self.pk} told on {self.told_on}"


class TeamLearning(models.Model):
    """What a team learned in a period, and what it will change. Written by its coordinator."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    learned = models.TextField(_("what we learned"))
    will_change = models.TextField(_("what we will change"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="team_learning_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.period_start}–{self.period_end}"
