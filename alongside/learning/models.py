"""Learning from the work: failure demand, needs met as the person sees it, front-line discretion.

Measure to learn, never to target: every figure made from these rows is a team or organisation
aggregate (see `queries.py`), never a worker's.

Spheres: the demand *codes* on a contact are shared (like the contact's mode); everything the
person said (`DemandWords`, `Need`, `Spend`'s purpose and for whom) is support sphere and fails
closed: read it through `alongside.learning.queries`, naming the viewer.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.access.words import WordList, register
from alongside.common.spheres import SphereManager

DEFAULT_LIMIT = Decimal("50.00")
MAX_ADMIN_HOURS = 80


class LearningSettings(models.Model):
    """Organisation-level settings for this app, set by the data lead. About no one."""

    SPHERE = Sphere.SHARED

    organisation = models.OneToOneField(
        "access.Organisation", on_delete=models.CASCADE, related_name="learning_settings"
    )
    discretion_limit = models.DecimalField(
        _("a worker may spend up to this without asking"),
        max_digits=8,
        decimal_places=2,
        default=DEFAULT_LIMIT,
        help_text=_("For one person over 30 days. Above it, a coordinator of the team approves."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Learning settings of {self.organisation_id}"


class AdminTime(models.Model):
    """Hours a worker spent on admin in one week, in one team: set against time with people.

    About the worker, not a person. Only team totals from 5 workers or more are shown to
    anyone else, never one worker's hours.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    week = models.DateField(_("week starting"), help_text=_("A Monday."))
    hours = models.DecimalField(_("hours on admin"), max_digits=4, decimal_places=1)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week", "team_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "worker", "team", "week"], name="admin_time_once_a_week"
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0, hours__lte=MAX_ADMIN_HOURS),
                name="admin_time_hours_in_a_week",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "team", "week"])]

    def __str__(self) -> str:
        return f"Admin time {self.pk}"


class DemandKind(models.TextChoices):
    VALUE = "value", _("Value demand: what we are here for")
    FAILURE = "failure", _("Failure demand: caused by something not done, or not done right")


class FailureKind(models.TextChoices):
    CHASING = "chasing", _("Chasing progress")
    RETELLING = "retelling", _("Telling the story again")
    NOT_RIGHT = "not_right", _("Something not done right first time")
    NOT_AS_PROMISED = "not_as_promised", _("Not getting what was promised")
    SENT_BACK = "sent_back", _("Sent back by another service")


register(
    WordList(
        "demand_kind",
        _("Value or failure demand"),
        _("The two kinds of demand a contact can be marked as. Rename them; there are always two."),
        # Short, as the contact's marker shows them; the form explains the two.
        [(DemandKind.VALUE, _("Value demand")), (DemandKind.FAILURE, _("Failure demand"))],
        can_add=False,
        fixed=frozenset(DemandKind.values),
    )
)
register(
    WordList(
        "failure_kind",
        _("What went wrong (failure demand)"),
        _(
            "Offered when a worker marks a contact as failure demand; the learning report counts by them."
        ),
        FailureKind.choices,
    )
)


class ContactDemand(models.Model):
    """Whether a contact was value or failure demand, and which kind. Codes only: shared sphere.

    `contact_day` (the contact's local day, in the organisation's time zone) and
    `contact_removed` copy the contact, so the report counts demand by day without reading a
    contact (decision 0110). `save()` copies them; `relationships.summaries.refresh_people`,
    which every write that changes a contact's time or removal calls, keeps them in step
    (registered in `LearningConfig.ready`), and `alongside summaries rebuild` rewrites them.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.OneToOneField(
        "relationships.Contact", on_delete=models.CASCADE, related_name="demand"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "access.Team", on_delete=models.PROTECT, related_name="+", help_text=_("At marking.")
    )
    kind = models.CharField(_("kind of demand"), max_length=10, choices=DemandKind.choices)
    failure_kind = models.CharField(_("what went wrong"), max_length=20, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)
    contact_day = models.DateField(
        _("day of the contact"),
        null=True,
        help_text=_("The contact's local day. Empty only until a restore's rows are summarised."),
    )
    contact_removed = models.BooleanField(_("contact removed"), default=False)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "team"]),
            # The report's failure demand reads the period's marks from this index alone
            # (decision 0110): 0.3 s of CPU instead of 1.6 s for a year of the 100k demo.
            # (`contact_removed` is a column, not a partial index's condition: a condition
            # holds only for a literal, and the ORM sends a parameter.)
            models.Index(
                fields=[
                    "organisation",
                    "contact_removed",
                    "contact_day",
                    "kind",
                    "failure_kind",
                    "person",
                    "team",
                ],
                name="demand_by_contact_day",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="value", failure_kind=""))
                | (models.Q(kind="failure") & ~models.Q(failure_kind="")),
                name="failure_demand_has_a_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} demand at contact {self.contact_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.contact_day = timezone.localdate(self.contact.at)
        self.contact_removed = self.contact.removed_at is not None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "contact_day", "contact_removed"}
        super().save(*args, **kwargs)


class DemandWords(models.Model):
    """What went wrong, in the person's own words. Support sphere: fails closed."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    demand = models.OneToOneField(ContactDemand, on_delete=models.CASCADE, related_name="words")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("in their own words"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = SphereManager()

    class Meta:
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Words for demand {self.demand_id}"


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met, as they see it")
    CLOSED = "closed", _("Closed for another reason")


class CloseReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("They moved away")
    CHOSE_TO_STOP = "chose_to_stop", _("They chose to stop")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    LOST_TOUCH = "lost_touch", _("We lost touch")
    OTHER = "other", _("Another reason")


register(
    WordList(
        "close_reason",
        _("Why a need was closed"),
        _(
            "Offered when a need closes without being met; the learning report counts by them. "
            "“Another reason” always asks for a few words."
        ),
        CloseReason.choices,
        fixed=frozenset({CloseReason.OTHER}),
    )
)


class GoalSetBy(models.TextChoices):
    PERSON = "person", _("They set it themselves")
    TOGETHER = "together", _("We agreed it together")
    WORKER = "worker", _("A worker suggested it")


OWN_GOAL = (GoalSetBy.PERSON, GoalSetBy.TOGETHER)
"""A goal counts as the person's own when they set it, or agreed it with their worker."""


class Need(models.Model):
    """What a person came for, in their words, from first contact until they say it is met.

    Support sphere: fails closed. `first_contact_on` is the day of the contact that opened it (or
    the day given when opened by hand); end-to-end time runs from it to `closed_on`.
    """

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "access.Team", on_delete=models.PROTECT, related_name="+", help_text=_("At opening.")
    )
    in_their_words = models.TextField(_("what they came for, in their words"))
    goal = models.TextField(_("what they want to happen, in their words"), blank=True)
    goal_set_by = models.CharField(
        _("who set this goal"), max_length=10, choices=GoalSetBy.choices, blank=True
    )
    first_contact = models.ForeignKey(
        "relationships.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_contact_on = models.DateField(_("first contact"))
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=20, blank=True)
    close_words = models.TextField(_("in a few words"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SphereManager()

    class Meta:
        ordering = ["-first_contact_on", "-id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["organisation", "team", "first_contact_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True, close_reason="")
                | models.Q(status="met", closed_on__isnull=False, close_reason="")
                | (models.Q(status="closed", closed_on__isnull=False) & ~models.Q(close_reason="")),
                name="need_closes_met_or_with_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("first_contact_on")),
                name="need_closes_after_first_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Need {self.pk}"

    @property
    def days_to_close(self) -> int | None:
        return (self.closed_on - self.first_contact_on).days if self.closed_on else None


class SpendStatus(models.TextChoices):
    MADE = "made", _("Made within the worker's discretion")
    ASKED = "asked", _("Waiting for a coordinator")
    APPROVED = "approved", _("Approved by a coordinator")
    DECLINED = "declined", _("Declined by a coordinator")


class Spend(models.Model):
    """A spend from a team's discretionary fund, for one person. Support sphere: fails closed.

    Up to the organisation's limit (`limit_at_time`) the worker decides alone (`made`); above it
    the spend waits (`asked`) until a coordinator of the team, never the spender, decides.
    """

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("for whom")
    )
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    purpose = models.TextField(_("what it is for"))
    spent_on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    status = models.CharField(max_length=10, choices=SpendStatus.choices)
    limit_at_time = models.DecimalField(max_digits=8, decimal_places=2)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("why not"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SphereManager()

    class Meta:
        ordering = ["-spent_on", "-id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["organisation", "team", "spent_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="spend_is_positive"),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("author")),
                name="spend_not_decided_by_its_spender",
            ),
        ]

    def __str__(self) -> str:
        return f"Spend {self.pk}"

    @property
    def escalated(self) -> bool:
        return self.status != SpendStatus.MADE
