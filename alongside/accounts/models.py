"""The sessions a user is signed in with, so they can see them and end them (decision 0028)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSession(models.Model):
    """One browser signed in as `user`. Written by `SessionListMiddleware` (after sign-in, when
    the session key changes, and at most once a minute for `last_seen_at`); removed on signing
    out and when ended from the list. The session itself stays in Django's session store: this
    row only points at it. The address is kept approximate (`devices.approximate_address`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    device = models.CharField(_("device"), max_length=100)
    approximate_address = models.CharField(_("approximate address"), max_length=50, blank=True)
    signed_in_at = models.DateTimeField(_("signed in"))
    last_seen_at = models.DateTimeField(_("last active"))

    class Meta:
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.device} ({self.approximate_address})"
