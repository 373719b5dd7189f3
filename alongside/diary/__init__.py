"""One diary for a member: what else they are doing at a time, whichever app keeps it.

Appointments (`scheduling`) and shifts (`rota`) both take a member's time, and neither may be
put over the other (decisions 0076, 0090). Neither app imports the other: each registers, when
Django starts (its `AppConfig.ready`), a check that says in plain words what the user is busy
with in their part of the diary, and each asks `busy_with(...)` for every part but its own.

Every write that puts a member somewhere first takes `lock(membership_id)`: the member's
`Membership` row, for update (on SQLite `transaction_mode=IMMEDIATE` serialises writes). The
lock and the checks are in this one place, so a booking and a sign-up for one member at one
moment are serialised, and the second sees the first (`rota/tests/test_concurrency.py`).

This module imports `access.models` only: it is a foundation, like `common`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from alongside.access.models import Membership

# (user id, organisation id, starts at, ends at) -> what they are doing then, as words that follow
# the person's name and come before "then" ("has an appointment", "is on Tuesday foodbank"), or
# None when they are free.
Check = Callable[[int, int, datetime, datetime], str | None]

_checks: dict[str, Check] = {}


def register(part: str, check: Check) -> None:
    """Add one part of the diary ("appointments", "shifts"). Registering a part again replaces
    its check (Django may call `ready` twice in tests)."""
    _checks[part] = check


def parts() -> set[str]:
    return set(_checks)


def busy_with(
    user_id: int, organisation_id: int, starts_at: datetime, ends_at: datetime, *, besides: str
) -> str | None:
    """What this user is doing between the times in every part of the diary but `besides` (the
    caller checks its own part itself, with what it knows), or None. Call with `lock` held."""
    for part in sorted(_checks):
        if part == besides:
            continue
        found = _checks[part](user_id, organisation_id, starts_at, ends_at)
        if found:
            return found
    return None


def lock(membership_id: int) -> Membership:
    """Lock the member's diary (their `Membership` row) until the transaction ends."""
    return Membership.objects.select_for_update().select_related("user").get(pk=membership_id)


def lock_many(membership_ids: Iterable[int]) -> list[Membership]:
    """Lock several members' diaries in one fixed order (by id), so that two writes that each
    lock two diaries cannot deadlock."""
    return list(
        Membership.objects.select_for_update().filter(pk__in=list(membership_ids)).order_by("pk")
    )
