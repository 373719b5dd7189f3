"""Background work for spaces, run by Django's task framework (database backend)."""

from __future__ import annotations

from django.tasks import task

from alongside.common.request_context import own_request_id


@task
def check_space_lapses(space_id: int) -> int:
    """After a register is closed: tell the trusted person about anyone who came regularly and
    has now missed the last two sessions (once per lapse). Returns how many were told."""
    from alongside.spaces.models import Space
    from alongside.spaces.services import check_lapses

    space = Space.objects.filter(pk=space_id).select_related("host").first()
    if space is None:
        return 0
    with own_request_id("task:"):
        return len(check_lapses(space))
