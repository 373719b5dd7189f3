"""The append-only audit log. Each event's hash covers its content and the previous event's hash."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=100)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sphere = models.CharField(max_length=20)
    summary = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    # The client's address (behind our trusted proxies), for events written while serving a
    # request; "" for tasks, commands and every event written before it was kept (decision 0023).
    source_address = models.CharField(max_length=64, blank=True, default="")
    at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which chain version (and so which hash algorithm) `hash` was made with: `chain.VERSIONS`.
    # Events written before versions were recorded are 1; `record()` writes `chain.CURRENT`.
    chain_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person", "at"]),
            # The data lead's search (queries.search_log): newest first within a filter.
            models.Index(fields=["organisation", "at"], name="audit_org_at"),
            models.Index(fields=["organisation", "actor", "at"], name="audit_org_actor_at"),
            models.Index(fields=["organisation", "action", "at"], name="audit_org_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
