"""Invitations: how a new worker gets into Alongside (people management, decision 0019)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from alongside.access.models import Membership, Organisation


class Invitation(models.Model):
    """A one-time link to set a password, for the worker a membership was created for.

    Only the SHA-256 of the token is kept (`common/links.py`); the link itself is in the email
    only. One invitation per membership: sending it again replaces the token, so an older link
    stops working. Usable while not accepted, not withdrawn and not expired.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="invitation"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for membership {self.membership_id}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def is_usable(self) -> bool:
        return self.is_pending and self.expires_at > timezone.now()
