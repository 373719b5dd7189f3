"""What the connections pages share: recording that support-sphere words were shown."""

from __future__ import annotations

from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.audit.services import record_read


def audit_read(
    request: AuthedHttpRequest, model: type, ids: list[int], person_id: int | None
) -> None:
    """Support-sphere words were shown: one `<app>.<model>.viewed` event (ids only)."""
    membership = membership_of(request)
    record_read(
        model,
        ids,
        actor=request.user,
        organisation_id=membership.organisation_id,
        person_id=person_id,
        request_id=request.request_id,
    )
