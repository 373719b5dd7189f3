"""The local directory as referrals use it: the services a worker may refer to (the directory
app's, read through its queries)."""

from __future__ import annotations

from typing import Any

from alongside.access.models import Membership


def service_choices(membership: Membership) -> list[tuple[int, str]]:
    return []


def service(membership: Membership, service_id: int | None) -> Any:
    return None


def email_of(service: Any) -> str:
    return ""
