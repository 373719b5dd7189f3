"""What every learning write checks first."""

from __future__ import annotations

from decimal import Decimal

from alongside.access.models import Membership
from alongside.visibility.roles import WORKER_ROLES

MAX_AMOUNT = Decimal("999999.99")
MIN_WORDS = 3


def require_worker(by: Membership, organisation_id: int) -> None:
    if by.organisation_id != organisation_id or by.role not in WORKER_ROLES or not by.is_active:
        raise PermissionError("only a worker of the organisation does this")
