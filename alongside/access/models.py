"""Organisations, teams and memberships: who works where, in which role."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    VOLUNTEER = "volunteer", _("Volunteer")
    COORDINATOR = "coordinator", _("Coordinator")
    ASSESSOR = "assessor", _("Assessor")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    DATA_LEAD = "data_lead", _("Data lead")
    FUNDER_VIEWER = "funder_viewer", _("Funder viewer")


class Sphere(models.TextChoices):
    """Who may see a kind of record. Every model that holds a person's information declares one."""

    SHARED = "shared", _("Shared")
    SUPPORT = "support", _("Support")
    ELIGIBILITY = "eligibility", _("Eligibility")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    # A worker's own supervision notes: only they and their supervisor read them (issue 15 §4).
    SUPERVISION = "supervision", _("Supervision")


class TwoStepPolicy(models.TextChoices):
    """Who must use two-step sign-in (a code from an authenticator app) in an organisation."""

    LEADS = "leads", _("Data leads, safeguarding leads and coordinators")
    EVERYONE = "everyone", _("Everyone")
    # Only `alongside demo` sets this, so that the published demo logins other than the data lead
    # stay password-only (CONTRACTS.md); the settings page never offers it to anyone else.
    DEMO_DATA_LEAD_ONLY = "demo_data_lead_only", _("Data leads only (the demo organisation)")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    is_demo = models.BooleanField(default=False, help_text=_("Built by `alongside demo`."))
    allow_assessor_and_supporter = models.BooleanField(
        _("let one person both assess and support the same person"),
        default=False,
        help_text=_(
            "Off by default: people tell their supporter more when the supporter does not decide "
            "their eligibility. Turn on only where the team is too small to separate the roles."
        ),
    )
    late_record_days = models.PositiveSmallIntegerField(
        _("days a contact may be recorded late without a reason"),
        default=14,
        help_text=_(
            "A contact further back than this needs a written reason, kept with it. A contact "
            "can never be dated in the future."
        ),
    )
    two_step_sign_in = models.CharField(
        _("who must use two-step sign-in"),
        max_length=32,
        choices=TwoStepPolicy.choices,
        default=TwoStepPolicy.LEADS,
    )
    # The organisation's own word for a role (decision 0034): role code -> label, such as
    # {"assessor": "Foodbank desk"}. Codes never change; a missing or empty entry is the default.
    role_names = models.JSONField(_("role names"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def role_name(self, role: str) -> str:
        """What this organisation calls `role` (its own name, else the default label)."""
        own = (self.role_names or {}).get(role, "")
        if isinstance(own, str) and own.strip():
            return own.strip()
        return str(Role(role).label) if role in Role.values else role


class Team(models.Model):
    """A service or group of workers inside an organisation, such as the foodbank."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something a worker is trained or experienced in, such as debt advice or housing."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="skill_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


def language_list(text: str) -> list[str]:
    """ "English, Polish" -> ["english", "polish"]: the languages in a free-text field, in order."""
    return [part.strip().lower() for part in text.replace(";", ",").split(",") if part.strip()]


def active_membership_q(prefix: str = "", *, today: date | None = None) -> Q:
    """Memberships that still give access: not switched off (`left_on` empty) and the leaving
    date, their last day, not passed. Nothing has to run on the day: every read works it out.

    `prefix` reaches a membership through a relation (`"memberships__"` from a user); keep the
    Q in the same `filter()` call as the other membership conditions so they share one join.
    """
    day = today or timezone.localdate()
    return Q(**{f"{prefix}left_on__isnull": True}) & (
        Q(**{f"{prefix}leaving_on__isnull": True}) | Q(**{f"{prefix}leaving_on__gte": day})
    )


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, *, today: date | None = None) -> "MembershipQuerySet":
        """Memberships that still give access today (see `active_membership_q`)."""
        return self.filter(active_membership_q(today=today))


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several organisations.

    Access ends when `left_on` is set (switched off, by the people pages or the command line) or
    when the day after `leaving_on` comes (`active_membership_q`).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    started_on = models.DateField(_("started on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_on = models.DateField(
        _("leaving on"), null=True, blank=True, help_text=_("A known future leaving date.")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="members")
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("For example: English, Polish."),
    )
    takes_new_people = models.PositiveSmallIntegerField(
        _("can take this many more people"),
        default=5,
        help_text=_("Used when proposing a new named worker, for example at a handover."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role_name} at {self.organisation}"

    @property
    def role_name(self) -> str:
        """The role as this organisation names it ("Foodbank desk"); the code stays `role`."""
        return self.organisation.role_name(self.role)

    @property
    def is_active(self) -> bool:
        """Still gives access today: not switched off and the leaving date not passed."""
        return self.left_on is None and (
            self.leaving_on is None or self.leaving_on >= timezone.localdate()
        )

    @property
    def has_left(self) -> bool:
        """The leaving date has passed (access ended on its own) and no one switched it off."""
        return (
            self.left_on is None
            and self.leaving_on is not None
            and self.leaving_on < timezone.localdate()
        )


class Notification(models.Model):
    """An in-app message to one user in one organisation. Text never holds support or safeguarding words."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class LocalWord(models.Model):
    """One word of an organisation's own list of reasons (decision 0088), such as a close reason.

    Records keep the word's `code`, which never changes: reports and API version 1 count by it.
    The organisation renames (`label`), reorders (`position`), adds and retires (`active`) words;
    a retired word is still shown on the records that have it. An organisation with no rows for a
    list uses the list's starting words (`access.words`), so nothing changes meaning until it
    edits the list; its first edit writes every word of the list.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="local_words"
    )
    word_list = models.CharField(_("list"), max_length=30)
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("word"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "word_list", "code"], name="local_word_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label
