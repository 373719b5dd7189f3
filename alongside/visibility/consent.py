"""Consents to share support records that are in force, and those naming a membership."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership
from alongside.people.models import ConsentToShare


def consents_in_force(*, now: datetime | None = None) -> QuerySet[ConsentToShare]:
    now = now or timezone.now()
    return ConsentToShare.objects.filter(
        revoked_at__isnull=True, granted_at__lte=now, expires_at__gt=now
    )


def consents_for(
    membership: Membership, *, now: datetime | None = None
) -> QuerySet[ConsentToShare]:
    """Consents in force that name this membership's role or user, in its organisation."""
    return consents_in_force(now=now).filter(
        Q(grantee_role=membership.role) | Q(grantee_user_id=membership.user_id),
        organisation_id=membership.organisation_id,
    )
