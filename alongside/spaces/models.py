"""Community spaces: groups that meet (at a venue, online, or both), their sessions and who came."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.common.spheres import SphereManager


class Space(models.Model):
    """A group or space people can come to: a venue, an online link, or both."""

    class Access(models.TextChoices):
        DROP_IN = "drop_in", _("Open: anyone can drop in")
        INVITATION = "invitation", _("By invitation")

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="spaces"
    )
    team = models.ForeignKey(
        "access.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="spaces"
    )
    name = models.CharField(_("name"), max_length=200)
    about = models.TextField(_("what happens there"), blank=True)
    access = models.CharField(
        _("who can come"), max_length=12, choices=Access.choices, default=Access.DROP_IN
    )
    venue = models.CharField(_("where"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_spaces",
        verbose_name=_("host"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(venue="") | ~models.Q(online_link=""),
                name="space_has_a_venue_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SessionPattern(models.Model):
    """Sessions that repeat: a weekday and time, every N weeks, from one date until another."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="patterns")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    every_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), default=1)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="pattern_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="pattern_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(every_weeks__gte=1) & models.Q(every_weeks__lte=8),
                name="pattern_every_one_to_eight_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space} every {self.every_weeks} week(s) on {self.get_weekday_display()}"


class Session(models.Model):
    """One time a space meets. Generated from a pattern, or added on its own."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="sessions")
    pattern = models.ForeignKey(
        SessionPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    register_closed_at = models.DateTimeField(null=True, blank=True)
    register_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "on", "starts_at"], name="session_once_per_space_and_time"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "on"])]

    def __str__(self) -> str:
        return f"{self.space} on {self.on} at {self.starts_at:%H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Attendance(models.Model):
    """Someone came to a session. Shared sphere: who came when, never what was said.

    At most one row per session and person (the unique constraint keeps marking idempotent,
    even when two hosts tap at the same moment). `space` and `on` repeat the session's, so that
    engagement over time is one indexed query per space or per person.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="space_attendances"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="attendance_once_per_session_and_person"
            )
        ]
        indexes = [
            models.Index(fields=["person", "on"]),
            models.Index(fields=["space", "on"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at session {self.session_id}"


class Invitation(models.Model):
    """Someone is invited to a space (needed for a space by invitation; welcome for any)."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="space_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["space", "person"], name="invited_once_per_space")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} invited to {self.space_id}"


class DoorWelcome(models.Model):
    """This person's record began when they were welcomed at the door: a first name, little else.

    A worker fills in more later, and only if the person wants to.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="door_welcome"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    welcomed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    welcomed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.person_id} welcomed at {self.space_id}"


class LapsePrompt(models.Model):
    """Someone who came regularly stopped, and the person they trust was told (once per lapse).

    A lapse is named by the last session they came to before stopping: coming back and stopping
    again is a new lapse; another check over the same lapse finds this row and sends nothing.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    last_attended = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "space", "last_attended"], name="one_prompt_per_lapse"
            )
        ]

    def __str__(self) -> str:
        return f"Lapse of {self.person_id} at {self.space_id}"


class StoppingReason(models.Model):
    """Why someone stopped coming, when they say. Support sphere (fail closed): it may hold health."""

    class Reason(models.TextChoices):
        MOVED = "moved", _("They moved")
        HEALTH = "health", _("Health")
        FOUND_ELSE = "found_else", _("They found something else")
        NOT_WELCOME = "not_welcome", _("They did not feel welcome")
        TIMES = "times", _("The times don't suit them")
        OTHER = "other", _("Something else")

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("why they stopped"), max_length=20, choices=Reason.choices)
    in_their_words = models.TextField(_("in their words"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SphereManager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Stopping reason {self.pk}"


class TieKind(models.TextChoices):
    BONDING = "bonding", _("Bonding: family or friends, people like them")
    BRIDGING = "bridging", _("Bridging: people different from them")
    LINKING = "linking", _("Linking: people in institutions or positions of power")


class Tie(models.Model):
    """Someone (or a group) the person can turn to, described in their words. Support sphere."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind of tie"), max_length=10, choices=TieKind.choices)
    description = models.CharField(_("who, in their words"), max_length=300)
    recorded_on = models.DateField(_("recorded on"))
    ended_on = models.DateField(_("no longer there from"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SphereManager()

    class Meta:
        ordering = ["kind", "recorded_on", "id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["person", "ended_on"])]

    def __str__(self) -> str:
        return f"Tie {self.pk}"


class TieCount(models.Model):
    """How many ties of each kind the person had when they were last recorded: the outcome over time.

    Support sphere like the ties themselves; team aggregates read them only through
    `queries.tie_outcomes`, which suppresses small numbers.
    """

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    counted_on = models.DateField()
    bonding = models.PositiveSmallIntegerField(default=0)
    bridging = models.PositiveSmallIntegerField(default=0)
    linking = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SphereManager()

    class Meta:
        ordering = ["counted_on", "id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["person", "counted_on"])]

    def __str__(self) -> str:
        return f"Tie count {self.pk}"

    @property
    def total(self) -> int:
        return self.bonding + self.bridging + self.linking
