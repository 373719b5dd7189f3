"""The local directory as referrals use it: the organisation's active services (directory
entries are about services, never people, so every worker of the organisation may choose one)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from alongside.access.models import Membership
from alongside.directory.models import Service, ServiceStatus

CHOICES_LIMIT = 500


def _services(membership: Membership) -> QuerySet[Service]:
    return Service.objects.filter(
        organisation_id=membership.organisation_id, status=ServiceStatus.ACTIVE
    )


def service_choices(membership: Membership) -> list[tuple[int, str]]:
    return list(
        _services(membership).order_by("name", "pk").values_list("pk", "name")[:CHOICES_LIMIT]
    )


def service(membership: Membership, service_id: int | None) -> Service | None:
    if service_id is None:
        return None
    return _services(membership).filter(pk=service_id).first()


def email_of(service: Service | None) -> str:
    return service.email if service is not None else ""


def initial_for(service: Service | None) -> dict[str, Any]:
    """The referral form's first answers when it is opened from a directory entry: the service,
    and the first of its needs that is a word of the organisation's own list."""
    if service is None:
        return {}
    initial: dict[str, Any] = {"service": service.pk}
    need = service.terms.filter(taxonomy__local=True).order_by("name", "pk").first()
    if need is not None and need.code:
        initial["need"] = need.code
    return initial
