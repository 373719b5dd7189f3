"""Small shared tables. Keep this tiny."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RateCount(models.Model):
    """Requests counted for one key in one fixed time window, shared by every app server.

    The key is a SHA-256 digest (of, for example, a client address or a link token), so no address
    or token is stored. Old windows are deleted as new ones start.
    """

    key = models.CharField(max_length=64)
    window = models.BigIntegerField()
    """The window's start, in seconds since the epoch divided by the window length."""
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_count_key")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"Rate count {self.pk}"


class SubmitToken(models.Model):
    """One create form sent (or one API create asked for) once: the same token again is a repeat.

    `digest` is the SHA-256 of the token the form carried (or of the API's `Idempotency-Key`),
    unique per user, so a double-click, a resend or a retry finds the first submit instead of
    making a second record. `location` is where the first submit led (a path in this site) and
    `object_id` the record it made, so a repeat can answer with the first record. Rows older than
    a day are deleted as new ones are written (docs/decisions/0015).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    location = models.CharField(max_length=500, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="submit_token_once_per_user")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"Submit token {self.pk}"


class WorkedOutFigures(models.Model):
    """The figures of one page's costly aggregate, worked out once and read by every request until
    they are older than the page allows (decision 0133, `common/figures.py`).

    `key` names the computation, its version and its arguments (an organisation, a team, a
    period); `figures` is its result as JSON. Only counts, shares and labels are kept here, never
    a person's words: the page that reads them checks the reader's permission first, as it did
    when it worked them out on every request.
    """

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=100)
    arguments = models.JSONField()
    figures = models.JSONField()
    worked_out_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    """When a refresh was queued; None when none is waiting."""

    class Meta:
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return f"Worked-out figures {self.name}"
