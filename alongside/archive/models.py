"""An archive being made for the data lead, and the audit history an archive brought with it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveExport(models.Model):
    """One archive of the whole organisation, made by a task; the file lives outside the
    database (`settings.ALONGSIDE_ARCHIVE_DIR`), named by `file_name`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Could not be made")

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_expected = models.PositiveBigIntegerField(default=0)
    rows_written = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Archive {self.pk} of {self.organisation_id}"


class RestoredAuditEvent(models.Model):
    """An audit event from the system an archive came from, kept as history beside this
    system's own chain (decision 0056): its fields as they were, its ids mapped to the restored
    records where they can be, its hashes as the old system made them. Never written to after
    the restore; the restore's own event in the chain records how many there were and the last
    hash, so the copy can be checked against the archive."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    original_id = models.CharField(max_length=64)
    origin = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=100)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sphere = models.CharField(max_length=20)
    summary = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    source_address = models.CharField(max_length=64, blank=True)
    chain_version = models.PositiveSmallIntegerField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} (restored)"
