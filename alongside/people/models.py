"""The person: a minimal record, in their own words. Shared sphere."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere


class ContactPreference(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    POST = "post", _("Letter")
    IN_PERSON = "in_person", _("In person only")


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
    access_needs = models.TextField(_("access needs"), blank=True)
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
        _("what matters to me"), blank=True, help_text=_("In their own words.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_name", "family_name", "id"]
        indexes = [models.Index(fields=["organisation", "given_name", "family_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()
