"""A safeguarding lead's time-limited override of a person's support sphere, in force."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.common.spheres import SphereQuerySet
from alongside.safeguarding.models import Override


def is_safeguarding_lead(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.SAFEGUARDING_LEAD
    )


def in_force_q(now: datetime | None = None) -> Q:
    """Overrides in force at `now`: not ended early and not yet expired."""
    return Q(ended_at__isnull=True, expires_at__gt=now or timezone.now())


def overridden_person_ids(
    membership: Membership | None, *, now: datetime | None = None
) -> QuerySet[Override, dict[str, int]]:
    """`values("person_id")` of people whose support records this membership may open right now
    under a safeguarding override (in force: not expired). Empty for everyone else.

    Only this membership's user's own overrides count, never another lead's. Usable as a
    subquery: `SupportNote.objects.filter(person_id__in=overridden_person_ids(membership))`.
    """
    overrides: SphereQuerySet = Override.objects.scoped()
    if membership is None or not is_safeguarding_lead(membership):
        return overrides.none().values("person_id")
    return overrides.filter(
        in_force_q(now),
        organisation_id=membership.organisation_id,
        lead_id=membership.user_id,
    ).values("person_id")


def overrides_person(membership: Membership, person_id: int) -> bool:
    """Whether this membership holds an override in force for the person (one query)."""
    return overridden_person_ids(membership).filter(person_id=person_id).exists()
