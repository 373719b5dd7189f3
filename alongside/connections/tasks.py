"""Background work for connections, run by Django's task framework (database backend)."""

from __future__ import annotations

from django.tasks import task

from alongside.common.request_context import own_request_id


@task
def expire_introduction(introduction_id: int) -> bool:
    """At the expiry time: if the invitation is still unanswered, mark it expired and tell those
    who helped it is not going ahead. Safe to run more than once. True when it lapsed now."""
    from alongside.connections.services import expire_if_due

    with own_request_id("task:"):
        return expire_if_due(introduction_id)
