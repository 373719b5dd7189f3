"""Support-sphere records: what a person tells the people who support them.

These models fail closed: `SupportNote.objects.all()` raises. Read through
`alongside.support.queries`, which names the viewer (see docs/access-and-audit.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.common.spheres import SphereManager


class SupportNote(models.Model):
    """What the person asked for, in their own words, and anything else said at a contact."""

    SPHERE = Sphere.SUPPORT

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(
        "relationships.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_note",
    )
    asked_for = models.TextField(_("what they asked for, in their words"), blank=True)
    text = models.TextField(_("notes"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = SphereManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Support note {self.pk}"


class SupportNoteRevision(models.Model):
    """A support note's text as it was before an edit. Support sphere, like the note."""

    SPHERE = Sphere.SUPPORT

    note = models.ForeignKey(SupportNote, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    asked_for = models.TextField(blank=True)
    text = models.TextField(blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaced_at = models.DateTimeField()

    objects = SphereManager()

    class Meta:
        ordering = ["-version"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"Support note {self.note_id} v{self.version}"
