"""The person: a minimal record, in their own words. Shared sphere."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.people import matching
from alongside.people.names import looks_like_phone, name_key, normal_postcode, phone_digits


class ContactPreference(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    POST = "post", _("Letter")
    IN_PERSON = "in_person", _("In person only")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    B18_24 = "18_24", _("18 to 24")
    B25_34 = "25_34", _("25 to 34")
    B35_44 = "35_44", _("35 to 44")
    B45_54 = "45_54", _("45 to 54")
    B55_64 = "55_64", _("55 to 64")
    B65_74 = "65_74", _("65 to 74")
    B75_PLUS = "75_plus", _("75 or over")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Person(models.Model):
    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="people"
    )
    team = models.ForeignKey(
        "access.Team", on_delete=models.PROTECT, related_name="people", verbose_name=_("service")
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    preferred_name = models.CharField(
        _("preferred name"), max_length=100, blank=True, help_text=_("What they like to be called.")
    )
    pronouns = models.CharField(_("pronouns"), max_length=50, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("For example: English, Polish.")
    )
    access_needs = models.TextField(_("access needs"), blank=True, max_length=2000)
    contact_preference = models.CharField(
        _("how they like to be contacted"),
        max_length=20,
        choices=ContactPreference.choices,
        default=ContactPreference.PHONE,
    )
    contact_details = models.CharField(
        _("phone, email or address"),
        max_length=300,
        blank=True,
        help_text=_("Only what is needed to reach them the way they prefer."),
    )
    what_matters = models.TextField(
        _("what matters to me"), blank=True, max_length=4000, help_text=_("In their own words.")
    )
    # Record basics UK services ask for; every one optional (db_default lets bulk writers omit them).
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_band = models.CharField(
        _("age band"),
        max_length=10,
        choices=AgeBand.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("If they would rather not give a date of birth."),
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, default="", db_default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="", db_default="")
    email = models.EmailField(_("email"), max_length=254, blank=True, default="", db_default="")
    emergency_contact_name = models.CharField(
        _("emergency contact"), max_length=200, blank=True, default="", db_default=""
    )
    emergency_contact_phone = models.CharField(
        _("emergency contact's phone"), max_length=30, blank=True, default="", db_default=""
    )
    emergency_contact_relationship = models.CharField(
        _("who they are to them"), max_length=100, blank=True, default="", db_default=""
    )
    closed_on = models.DateField(
        _("involvement closed on"),
        null=True,
        blank=True,
        help_text=_("Set when their need is met; cleared when they come back."),
    )
    closed_reason = models.TextField(
        _("why it closed"),
        max_length=1000,
        blank=True,
        default="",
        db_default="",
        help_text=_("In their words, for example 'my benefits are sorted'."),
    )
    # Matching keys (`people.matching`), kept by `save()`: so a possible match is one indexed query.
    name_key = models.CharField(max_length=200, blank=True, default="", db_default="")
    phone_key = models.CharField(max_length=20, blank=True, default="", db_default="")
    # Set when this record was merged into another (`people.merging`); the row stays for the audit.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by save() (and the demo writer) for search: folded names, the phone's digits, the
    # postcode with one space. Decision 0038.
    search_key = models.CharField(max_length=310, blank=True, default="", editable=False)
    phone_digits = models.CharField(max_length=30, blank=True, default="", editable=False)
    postcode_key = models.CharField(max_length=10, blank=True, default="", editable=False)

    class Meta:
        ordering = ["given_name", "family_name", "id"]
        indexes = [
            # The list by name, a page at a time from where the last ended (decision 0114): the
            # id makes the key unique, so PostgreSQL reads a page without sorting ties.
            models.Index(
                fields=["organisation", "given_name", "family_name", "id"],
                name="person_org_by_name",
            ),
            models.Index(fields=["organisation", "name_key"], name="person_org_name_key"),
            models.Index(fields=["organisation", "phone_key"], name="person_org_phone_key"),
            models.Index(fields=["organisation", "search_key"], name="person_search_key"),
            models.Index(fields=["organisation", "phone_digits"], name="person_phone_digits"),
            models.Index(fields=["organisation", "postcode_key"], name="person_postcode_key"),
            models.Index(fields=["organisation", "date_of_birth"], name="person_date_of_birth"),
            # The inbox's new people without a named worker.
            models.Index(fields=["organisation", "created_at"]),
            # A team's people as ids, read from the index alone on PostgreSQL (the matching page
            # counts the team's people who would like a volunteer; decision 0136).
            # (The organisation as a key, not INCLUDE: SQLite has no INCLUDE.)
            models.Index(fields=["team", "id", "organisation"], name="person_team_ids"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *KEY_FIELDS}
        super().save(*args, **kwargs)

    def fill_keys(self) -> None:
        """Every stored key `save()` keeps: search (decision 0038) and matching (0035). Also for
        writers that insert without `save()` (restoring an archive)."""
        self.fill_search_keys()
        self.name_key = matching.name_key(self.given_name, self.family_name)
        self.phone_key = matching.phone_key(self.phone)

    def fill_search_keys(self) -> None:
        self.search_key, self.phone_digits, self.postcode_key = search_keys(
            self.given_name,
            self.family_name,
            self.preferred_name,
            self.phone or self.contact_details,
            self.postcode,
        )

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()


SEARCH_KEY_FIELDS = ("search_key", "phone_digits", "postcode_key")
KEY_FIELDS = (*SEARCH_KEY_FIELDS, "name_key", "phone_key")


def search_keys(
    given_name: str, family_name: str, preferred_name: str, phone: str, postcode: str
) -> tuple[str, str, str]:
    """The stored search columns for these values (also used by writers that skip save())."""
    return (
        name_key(given_name, family_name, preferred_name)[:310],
        phone_digits(phone)[:30] if looks_like_phone(phone) else "",
        normal_postcode(postcode)[:10],
    )


class ConsentScope(models.TextChoices):
    ONE_NOTE = "one_note", _("One note")
    ALL_SUPPORT_NOTES = "all_support_notes", _("All their support notes")
    # What one referral shares with one outside service (alongside.referrals): no grantee inside
    # the organisation, so it opens nothing to anyone here (visibility.consent.consents_for).
    REFERRAL = "referral", _("What a referral shares with one service")


class ConsentToShare(models.Model):
    """The person's agreement that a named role or person may read some of their support records.

    In force from `granted_at` until `expires_at`, unless revoked sooner. Revocation takes effect
    at once, because visibility is worked out from these rows on every read.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(
        _("what they agree to share"), max_length=20, choices=ConsentScope.choices
    )
    note = models.ForeignKey(
        "support.SupportNote", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    grantee_role = models.CharField(_("with everyone in this role"), max_length=32, blank=True)
    grantee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("with this person"),
    )
    purpose = models.CharField(_("what for"), max_length=300)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["person", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    ~models.Q(scope="referral")
                    & (
                        (models.Q(grantee_role="") & models.Q(grantee_user__isnull=False))
                        | (~models.Q(grantee_role="") & models.Q(grantee_user__isnull=True))
                    )
                )
                | (
                    models.Q(scope="referral")
                    & models.Q(grantee_role="")
                    & models.Q(grantee_user__isnull=True)
                ),
                name="consent_has_exactly_one_grantee",
            ),
            models.CheckConstraint(
                condition=(models.Q(scope="one_note") & models.Q(note__isnull=False))
                | (models.Q(scope="all_support_notes") & models.Q(note__isnull=True))
                | (models.Q(scope="referral") & models.Q(note__isnull=True)),
                name="consent_note_matches_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="consent_expires_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk} for {self.person_id}"


class PersonMerge(models.Model):
    """Two records of one person made one: `merged` into `survivor`, by a coordinator.

    Everything pointing at `merged` now points at `survivor` (`moved` counts it per kind); the
    merged record stays, marked `merged_into`, so its audit events keep their person and "who saw
    my record" reads them through the survivor. The data lead reviews the list of merges.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict)
    # What undoing needs (decision 0048): the ids of the rows moved, per kind ("app.model.field"
    # -> [pk, ...]), and the survivor's fields filled from the merged record. Empty for merges
    # made before undo existed, which cannot be undone.
    moved_rows = models.JSONField(default=dict)
    filled = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(undone_at__isnull=True),
                name="person_merged_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of {self.merged_id} into {self.survivor_id}"

    @property
    def person_id(self) -> int:
        return self.survivor_id

    @property
    def moved_total(self) -> int:
        return sum(int(count) for count in self.moved.values())


PREFER_NOT = ("prefer_not", _("Prefer not to say"))


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    ANOTHER = "another", _("In another way")
    PREFER_NOT = PREFER_NOT


class Ethnicity(models.TextChoices):
    """The Office for National Statistics' 2021 census categories (England and Wales)."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", _("Asian or Asian British: Bangladeshi")
    ASIAN_CHINESE = "asian_chinese", _("Asian or Asian British: Chinese")
    ASIAN_INDIAN = "asian_indian", _("Asian or Asian British: Indian")
    ASIAN_PAKISTANI = "asian_pakistani", _("Asian or Asian British: Pakistani")
    ASIAN_OTHER = "asian_other", _("Asian or Asian British: any other Asian background")
    BLACK_AFRICAN = "black_african", _("Black, Black British, Caribbean or African: African")
    BLACK_CARIBBEAN = "black_caribbean", _("Black, Black British, Caribbean or African: Caribbean")
    BLACK_OTHER = "black_other", _("Black, Black British, Caribbean or African: any other")
    MIXED_WHITE_ASIAN = "mixed_white_asian", _("Mixed or multiple: White and Asian")
    MIXED_WHITE_AFRICAN = "mixed_white_african", _("Mixed or multiple: White and Black African")
    MIXED_WHITE_CARIBBEAN = (
        "mixed_white_caribbean",
        _("Mixed or multiple: White and Black Caribbean"),
    )
    MIXED_OTHER = "mixed_other", _("Mixed or multiple: any other")
    WHITE_BRITISH = "white_british", _("White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "white_irish", _("White: Irish")
    WHITE_GYPSY = "white_gypsy", _("White: Gypsy or Irish Traveller")
    WHITE_ROMA = "white_roma", _("White: Roma")
    WHITE_OTHER = "white_other", _("White: any other White background")
    OTHER_ARAB = "other_arab", _("Other ethnic group: Arab")
    OTHER_ANY = "other_any", _("Other ethnic group: any other")
    PREFER_NOT = PREFER_NOT


class Disability(models.TextChoices):
    LIMITED_A_LOT = "a_lot", _("Yes, limited a lot")
    LIMITED_A_LITTLE = "a_little", _("Yes, limited a little")
    NO = "no", _("No")
    PREFER_NOT = PREFER_NOT


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", _("Straight or heterosexual")
    GAY_LESBIAN = "gay_lesbian", _("Gay or lesbian")
    BISEXUAL = "bisexual", _("Bisexual")
    ANOTHER = "another", _("Another sexual orientation")
    PREFER_NOT = PREFER_NOT


class Religion(models.TextChoices):
    NONE = "none", _("No religion")
    CHRISTIAN = "christian", _("Christian")
    BUDDHIST = "buddhist", _("Buddhist")
    HINDU = "hindu", _("Hindu")
    JEWISH = "jewish", _("Jewish")
    MUSLIM = "muslim", _("Muslim")
    SIKH = "sikh", _("Sikh")
    ANOTHER = "another", _("Any other religion")
    PREFER_NOT = PREFER_NOT


class EqualityMonitoring(models.Model):
    """The equality questions funders ask, answered by the person (decision 0037).

    Special-category data: read and written only by the person's confirmed workers, with the
    person; counted for the data lead only in totals with small numbers suppressed. Never on the
    person page, in exports, the API or search. Blank means not asked.
    """

    SPHERE = "equality"

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality")
    gender = models.CharField(
        _("Which of these describes them?"), max_length=20, choices=Gender.choices, blank=True
    )
    ethnicity = models.CharField(
        _("Ethnic group"), max_length=30, choices=Ethnicity.choices, blank=True
    )
    disability = models.CharField(
        _(
            "Do they have a condition or illness lasting (or expected to last) 12 months or more "
            "that limits their day-to-day activities?"
        ),
        max_length=20,
        choices=Disability.choices,
        blank=True,
    )
    sexual_orientation = models.CharField(
        _("Sexual orientation"), max_length=20, choices=SexualOrientation.choices, blank=True
    )
    religion = models.CharField(_("Religion"), max_length=20, choices=Religion.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Equality answers of {self.person_id}"


class MergeProposal(models.Model):
    """A merge that needs a second person (decision 0048): one of the two records has records in
    a sphere the proposing coordinator does not read (foodbank records, safeguarding records).
    A worker who reads that sphere approves it; the merge happens, all or nothing, with the last
    approval. Counts only: nobody reads the other sphere's content here."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for approval")
        MERGED = "merged", _("Merged")
        DECLINED = "declined", _("Declined")

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # Which approvals it waits for (worked out again at each approval; kept for the lists).
    needs_eligibility = models.BooleanField(default=False)
    needs_safeguarding = models.BooleanField(default=False)
    eligibility_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    eligibility_approved_at = models.DateTimeField(null=True, blank=True)
    safeguarding_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    safeguarding_approved_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    merge = models.OneToOneField(
        PersonMerge, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(status="waiting"),
                name="one_waiting_merge_proposal_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal to merge {self.merged_id} into {self.survivor_id}"

    @property
    def person_id(self) -> int:
        return self.survivor_id
