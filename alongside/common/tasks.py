"""Background work for `common.figures`: working kept figures out again once a page found them
older than it allows (decision 0133). Queued at most once per kept figures at a time."""

from __future__ import annotations

from django.tasks import task

from alongside.common.figures import refresh
from alongside.common.request_context import own_request_id


@task
def refresh_figures(key: str) -> str:
    """Work out again the figures kept under `key`."""
    with own_request_id("task:"):
        return "worked out" if refresh(key) else "gone"
