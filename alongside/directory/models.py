"""The directory of local services, in the shape of Open Referral UK (HSDS 3.0 UK profile).

Nothing here is about a person: services, the organisations that run them, where and when they
run, the areas they cover and the words (taxonomy terms) they are found by. Every row belongs to
one Alongside organisation (`organisation`): each organisation keeps its own directory, and the
same ORUK id imported by two organisations is two rows. `oruk_id` is the record's id in ORUK
(a UUID): imported rows keep the source's, local rows are given one, so an import is idempotent
by it and an export says the same id every time.

A service is either imported from a feed or file (`source=IMPORTED`) or added by the
organisation itself (`LOCAL`: the Tuesday knit-and-natter no council lists), with who keeps it
up to date and when it was last checked. Only local services the organisation chooses to
publish are served at `/oruk/`.
"""

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An entry not checked for this long is flagged on its page and in search results.
STALE_AFTER = timedelta(days=365)


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    INACTIVE = "inactive", _("Not running now")
    DEFUNCT = "defunct", _("Closed for good")
    TEMPORARILY_CLOSED = "temporarily closed", _("Closed for a while")


class ServiceSource(models.TextChoices):
    LOCAL = "local", _("Added by us")
    IMPORTED = "imported", _("Imported")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("A place to go")
    POSTAL = "postal", _("A postal address")
    VIRTUAL = "virtual", _("Online or by phone")


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Every week")
    MONTHLY = "MONTHLY", _("Every month")


class DirectoryOrganisation(models.Model):
    """An organisation that runs services (ORUK `organization`): a council, a charity, a church."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    logo = models.CharField(_("logo"), max_length=500, blank=True)
    parent_oruk_id = models.UUIDField(_("parent organisation's ORUK id"), null=True, blank=True)
    # organization_identifiers and anything else of ORUK's this model does not hold, kept as it
    # came so that an export says it again.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "oruk_id"], name="directory_organisation_oruk_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Taxonomy(models.Model):
    """A list of words services are found by: an ORUK taxonomy adopted or imported, or the
    organisation's own needs list (`local=True`, issue 16 section 3)."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    local = models.BooleanField(_("our own needs list"), default=False)

    class Meta:
        ordering = ["-local", "name", "id"]
        verbose_name_plural = "taxonomies"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "oruk_id"], name="directory_taxonomy_oruk_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """One word of a taxonomy ("Debt advice", "Loneliness"), perhaps under a broader one."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    # ORUK's `taxonomy` text, for a term whose taxonomy is named but not given as a record.
    taxonomy_name = models.CharField(_("taxonomy"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    code = models.CharField(_("code"), max_length=200, blank=True)  # ORUK `term`
    term_uri = models.CharField(_("term URI"), max_length=500, blank=True)
    parent_oruk_id = models.UUIDField(_("broader term's ORUK id"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "oruk_id"], name="directory_taxonomy_term_oruk_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """Where a service runs (ORUK `location` with its first address)."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    location_type = models.CharField(
        _("kind of place"),
        max_length=20,
        choices=LocationType.choices,
        default=LocationType.PHYSICAL,
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address_1 = models.CharField(_("address"), max_length=300, blank=True)
    address_2 = models.CharField(_("address, second line"), max_length=300, blank=True)
    city = models.CharField(_("town or city"), max_length=200, blank=True)
    region = models.CharField(_("county or region"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, default="GB")
    # The outward part of the postcode ("LS6" of "LS6 1AB"), upper case: searched by place.
    postcode_district = models.CharField(max_length=10, blank=True, db_index=True, editable=False)
    accessibility = models.TextField(_("access"), max_length=2000, blank=True)
    # external_identifier, the address's own id and fields, accessibility records... as they came.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "oruk_id"], name="directory_location_oruk_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.address_1 or str(self.oruk_id)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.postcode_district = postcode_district(self.postal_code)
        super().save(*args, **kwargs)


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode: "ls6 1ab" -> "LS6"; "LS61AB" -> "LS6"; "" -> ""."""
    parts = postcode.upper().split()
    if len(parts) > 1:
        return parts[0][:10]
    squashed = "".join(parts)
    # Without a space the inward code is always the last three characters.
    return squashed[:-3][:10] if len(squashed) > 4 else squashed[:10]


class Service(models.Model):
    """A service people can be referred or signposted to (ORUK `service`)."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    directory_organisation = models.ForeignKey(
        DirectoryOrganisation,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("what it offers"), max_length=10000, blank=True)
    url = models.CharField(_("website"), max_length=500, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    fees = models.CharField(_("cost"), max_length=1000, blank=True)
    accreditations = models.CharField(_("accreditations"), max_length=1000, blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    alert = models.CharField(_("alert"), max_length=1000, blank=True)
    assured_date = models.DateField(_("assured on"), null=True, blank=True)
    assurer_email = models.CharField(_("assurer's email"), max_length=254, blank=True)
    last_modified = models.DateTimeField(_("last changed at source"), null=True, blank=True)

    source = models.CharField(
        max_length=10, choices=ServiceSource.choices, default=ServiceSource.LOCAL
    )
    feed = models.ForeignKey(
        "directory.DirectoryFeed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    published = models.BooleanField(
        _("publish in our Open Referral feed"),
        default=False,
        help_text=_("Councils' directories can then list it. Only services we run are published."),
    )
    keeper = models.ForeignKey(
        "access.Membership",
        verbose_name=_("who keeps this entry up to date"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", blank=True, related_name="services"
    )
    # ORUK parts this model does not hold (funding, cost options, languages, contacts...) as they
    # came, so that an export says them again.
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "oruk_id"], name="directory_service_oruk_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_stale(self, today: date | None = None) -> bool:
        """Not checked for a year (or never): flagged wherever it is shown."""
        checked = self.last_checked or (self.last_modified.date() if self.last_modified else None)
        return checked is None or (today or timezone.localdate()) - checked > STALE_AFTER


class ServiceAtLocation(models.Model):
    """A service at one of its places (ORUK `service_at_location`)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="directory_service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Schedule(models.Model):
    """When a service runs (ORUK `schedule`, a subset of iCalendar RRULE)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    freq = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(_("every"), null=True, blank=True)
    # Comma-separated RRULE days ("MO,TH") or days of the month ("1,15").
    byday = models.CharField(_("days"), max_length=100, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=100, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    dtstart = models.DateField(_("first day"), null=True, blank=True)
    description = models.TextField(_("opening times in words"), max_length=2000, blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    schedule_link = models.CharField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday}".strip()


class ServiceArea(models.Model):
    """The area a service covers (ORUK `service_area`)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    oruk_id = models.UUIDField(_("ORUK id"), default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=1000, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)  # service_area
    extent = models.TextField(_("extent"), max_length=20000, blank=True)
    extent_type = models.CharField(_("kind of extent"), max_length=50, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.description


class DirectoryFeed(models.Model):
    """An ORUK API the organisation's directory is refreshed from on a schedule."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address of its /services"), max_length=500)
    active = models.BooleanField(_("refresh it"), default=True)
    refresh_hours = models.PositiveSmallIntegerField(_("refresh every (hours)"), default=24)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DirectoryRefresh(models.Model):
    """One import: its counts and what changed since the one before, shown to the coordinator."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    feed = models.ForeignKey(
        DirectoryFeed, on_delete=models.CASCADE, null=True, blank=True, related_name="refreshes"
    )
    source = models.CharField(max_length=500)
    ran_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # [{"oruk_id", "name", "change": "created"|"updated"|"gone", "fields": [...]}]
    changes = models.JSONField(default=list, blank=True)
    # ["record ...: field ...: problem", ...] when `ok` is false (nothing was written).
    problems = models.JSONField(default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} at {self.ran_at:%Y-%m-%d %H:%M}"
