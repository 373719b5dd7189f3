"""What an import leaves behind: which record each outside id became, the column mapping saved
for a source, and each run (its file, progress and outcome)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere


class ImportedRecord(models.Model):
    """One row of an outside system's file, by its own id, and the record it became here. A
    second import of the same id from the same source updates that record: never a second one."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "kind", "external_id"],
                name="imported_record_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id} -> {self.object_id}"


class ColumnMapping(models.Model):
    """Which field each column of a source's file fills, kept so next month's file needs none."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    columns = models.JSONField(
        default=dict
    )  # column as written in the file -> field name, "" ignored
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "kind"], name="column_mapping_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind}"


class RunStatus(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Checked: waiting for you to confirm")
    WRITING = "writing", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Not imported")


class ImportRun(models.Model):
    """One file brought in through the pages: checked first (the dry run), written on confirm.
    `problems` holds the first `PROBLEMS_KEPT` problems (row, column, reason: never a cell's text
    beyond a short date or id); the file itself is deleted when the run ends."""

    SPHERE = Sphere.SHARED
    PROBLEMS_KEPT = 1000

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30)
    source = models.CharField(_("system it comes from"), max_length=100)
    file_name = models.CharField(max_length=255)
    stored_as = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.CHECKING)
    refused_because = models.CharField(max_length=500, blank=True, default="")
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)  # an estimate, for the progress bar
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    header = models.JSONField(default=list)  # the file's columns, as written
    unmapped = models.JSONField(default=list)  # columns the file has that no field takes
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.kind} from {self.source})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
