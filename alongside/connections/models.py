"""Introductions with permission on both sides, and matching on what people share.

- `Interest`, `Locality`: the organisation's own lists (a neighbourhood name, never an address).
- `PersonProfile`: what a person may have in common with others. Support sphere, fails closed
  (`SphereManager`, also the base manager): read through `connections.queries`.
- `VolunteerProfile`: the same for a volunteer (or any worker who befriends), with how many more
  people they can take and whether they are available for matching at all.
- `SpaceProfile`: what a group (`spaces.Space`) is about, where and when, for group suggestions.
- `Introduction` and its two `IntroductionSide`s: a suggestion that two people (or a person and
  a group) meet, asked of each side privately. Support sphere, fails closed.
- `FollowUp`: "did you meet? how was it?" Support sphere, fails closed.
- `Match`: a coordinator's confirmed one-to-one pairing of a person and a volunteer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.common.spheres import SphereManager


class LivedExperience(models.TextChoices):
    """Used for matching only when the person agrees (`lived_experience_consent`)."""

    CARING_FOR_PARENT = "caring_for_parent", _("caring for a parent")
    CARING_FOR_PARTNER = "caring_for_partner", _("caring for a partner")
    CARING_FOR_CHILD = "caring_for_child", _("caring for a disabled child")
    BEREAVEMENT = "bereavement", _("losing someone close")
    LONG_TERM_CONDITION = "long_term_condition", _("living with a long-term condition")
    MENTAL_HEALTH = "mental_health", _("living with mental ill health")
    NEW_TO_AREA = "new_to_area", _("being new to the area")
    PARENTING_ALONE = "parenting_alone", _("bringing up children alone")
    RECOVERY = "recovery", _("recovery from addiction")


DAYS = (
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
)
PARTS = (("morning", _("morning")), ("afternoon", _("afternoon")), ("evening", _("evening")))
# "tue_morning" -> "Tuesday morning"
SLOTS: tuple[tuple[str, str], ...] = tuple(
    (f"{day}_{part}", f"{day_label} {part_label}")
    for day, day_label in DAYS
    for part, part_label in PARTS
)
SLOT_LABELS = dict(SLOTS)


class Interest(models.Model):
    """A free tag from the organisation's list: walking, cooking, football, knitting…"""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="connections_interest_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Locality(models.Model):
    """A neighbourhood name from the organisation's list: never an address."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="connections_locality_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerPreference(models.TextChoices):
    ANY = "", _("No preference")
    WOMAN = "woman", _("A woman volunteer")
    MAN = "man", _("A man volunteer")


class PersonProfile(models.Model):
    """What a person may share with others, for suggestions and matching. Support sphere.

    `author` is the worker who recorded it, named so the support sphere's role rule applies as
    it does to notes (volunteers read what they wrote). Lived experience is stored only with the
    person's agreement and never used or shown without it.
    """

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="connections_profile"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    interests = models.ManyToManyField(Interest, blank=True, related_name="+")
    locality = models.ForeignKey(
        Locality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    availability = models.JSONField(default=list, blank=True)  # slot codes, e.g. "tue_morning"
    lived_experience = models.JSONField(default=list, blank=True)  # LivedExperience codes
    lived_experience_consent = models.BooleanField(default=False)
    open_to_introductions = models.BooleanField(default=True)
    wants_volunteer = models.BooleanField(default=False)
    volunteer_preference = models.CharField(
        max_length=10, choices=VolunteerPreference.choices, blank=True, default=""
    )
    not_from_my_area = models.BooleanField(default=False)
    # Volunteers this person must not be matched with (their wish, or a safeguarding decision).
    excluded_volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    # People this person does not want to be introduced to.
    excluded_people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    in_their_words = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SphereManager()

    class Meta:
        base_manager_name = "objects"
        indexes = [
            # Who would like a volunteer, without reading every profile (decision 0136).
            models.Index(
                fields=["organisation", "person"],
                condition=models.Q(wants_volunteer=True),
                name="profile_wants_volunteer",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile {self.pk}"

    @property
    def usable_lived_experience(self) -> list[str]:
        """Lived experience that may be used: none at all without the person's agreement."""
        return list(self.lived_experience) if self.lived_experience_consent else []


class VolunteerGender(models.TextChoices):
    UNSAID = "", _("Not said")
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("In another way")


class VolunteerProfile(models.Model):
    """A volunteer's (or befriending worker's) side: capacity, availability and what they share.

    Read by the volunteer themselves and coordinators (matching); never shown to the people
    they might be matched with, except what they agree to share in an introduction.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    membership = models.OneToOneField(
        "access.Membership", on_delete=models.CASCADE, related_name="connections_profile"
    )
    capacity = models.PositiveSmallIntegerField(_("can take this many more people"), default=1)
    available_for_matching = models.BooleanField(_("available for matching"), default=True)
    interests = models.ManyToManyField(Interest, blank=True, related_name="+")
    locality = models.ForeignKey(
        Locality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    availability = models.JSONField(default=list, blank=True)
    lived_experience = models.JSONField(default=list, blank=True)
    # Two separate, revocable agreements (issue 15 §2), each dated: "may be used for matching"
    # (the matcher reads the codes only with it) and "may be told to the person I am matched
    # with" (the introduction's page shows the codes and the words only with it).
    lived_experience_consent = models.BooleanField(default=False)
    lived_experience_consent_on = models.DateField(null=True, blank=True)
    lived_experience_tell = models.BooleanField(default=False)
    lived_experience_tell_on = models.DateField(null=True, blank=True)
    # The volunteer's own words about it: shown to no one but them, except with `_tell`.
    lived_experience_words = models.TextField(blank=True, default="")
    gender = models.CharField(
        max_length=10, choices=VolunteerGender.choices, blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Volunteer profile {self.pk}"

    @property
    def usable_lived_experience(self) -> list[str]:
        """The codes matching may use: only with the agreement to matching."""
        return list(self.lived_experience) if self.lived_experience_consent else []

    @property
    def tellable_lived_experience(self) -> list[str]:
        """The codes the matched person may be told: only with the agreement to telling."""
        return list(self.lived_experience) if self.lived_experience_tell else []

    @property
    def tellable_words(self) -> str:
        return self.lived_experience_words if self.lived_experience_tell else ""


class SpaceProfile(models.Model):
    """What a group is about, where and when: for suggesting groups to people.

    `times` are typed by hand and used only while the group has no sessions: otherwise when it
    meets comes from its sessions (`queries.group_times`)."""

    SPHERE = Sphere.SHARED

    space = models.OneToOneField(
        "spaces.Space", on_delete=models.CASCADE, related_name="connections_profile"
    )
    interests = models.ManyToManyField(Interest, blank=True, related_name="+")
    locality = models.ForeignKey(
        Locality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    times = models.JSONField(default=list, blank=True)  # slot codes, when it has no sessions
    lived_experience = models.JSONField(default=list, blank=True)  # e.g. a carers' group

    def __str__(self) -> str:
        return f"Space profile {self.pk}"


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Suggested, not asked yet")
    ASKING = "asking", _("Asking")
    INTRODUCED = "introduced", _("Introduced")
    FOLLOWED_UP = "followed_up", _("Introduced and followed up")
    DECLINED = "declined", _("Not going ahead")
    EXPIRED = "expired", _("Not going ahead")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.PROPOSED, Status.ASKING)
CLOSED_STATUSES = (Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN)


class Kind(models.TextChoices):
    PEOPLE = "people", _("Two people")
    GROUP = "group", _("A person and a group")
    VOLUNTEER = "volunteer", _("A person and a volunteer")


class Introduction(models.Model):
    """A suggestion that two people, a person and a volunteer, or a person and a group meet.

    Both agreed -> introduced happens at once: that is the moment each side may see what the
    other chose to share. Support sphere (it says who might meet whom, and why): fails closed.
    """

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    in_common = models.JSONField(default=list)  # plain-words phrases, e.g. "both speak Polish"
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    asked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SphereManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Introduction {self.pk}"


class Answer(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Said no")


class IntroductionSide(models.Model):
    """One side of an introduction: a person (or a volunteer), asked privately.

    Each side chooses what the other side may see once both agree. A one-time link's token is
    stored only as its SHA-256 and expires with the invitation.
    """

    SPHERE = Sphere.SUPPORT

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="sides")
    position = models.PositiveSmallIntegerField()  # 0 or 1
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.WAITING)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share_first_name = models.BooleanField(default=True)
    share_in_common = models.BooleanField(default=True)
    share_contact = models.BooleanField(default=False)
    contact_way = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)

    objects = SphereManager()

    class Meta:
        ordering = ["introduction_id", "position"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "position"], name="connections_side_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(volunteer__isnull=False),
                name="connections_side_is_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Side {self.position} of introduction {self.introduction_id}"


class Met(models.TextChoices):
    YES = "yes", _("Yes, we met")
    NOT_YET = "not_yet", _("Not yet")
    NO = "no", _("No, and we won't")


class HowItWent(models.TextChoices):
    GOOD = "good", _("It went well")
    OK = "ok", _("It was all right")
    NOT_FOR_ME = "not_for_me", _("It was not for me")
    UNSAID = "", _("Prefer not to say")


class FollowUp(models.Model):
    """A light follow-up with one side: did you meet? how was it? Support sphere."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    side = models.ForeignKey(IntroductionSide, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    met = models.CharField(max_length=10, choices=Met.choices)
    how = models.CharField(max_length=12, choices=HowItWent.choices, blank=True, default="")
    in_their_words = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = SphereManager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"


class Match(models.Model):
    """A confirmed one-to-one pairing of a person and a volunteer. Support sphere: its `why` may
    hold lived experience the person agreed to use."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField()
    why = models.JSONField(default=list)
    weights = models.JSONField(default=dict)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    introduction = models.OneToOneField(
        Introduction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SphereManager()

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Match {self.pk}"
