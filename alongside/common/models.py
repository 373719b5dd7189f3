"""Small shared tables. Keep this tiny."""

from django.db import models


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
