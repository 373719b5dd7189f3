"""Making the data lead's archive in the background (Django's task framework, `alongside
db_worker`): a large organisation's archive takes minutes, so the page shows its progress."""

from __future__ import annotations

from django.tasks import task

from alongside.common.request_context import own_request_id


@task
def make_archive(export_id: int) -> str:
    """Make the queued archive `export_id`; returns its file name, or why not."""
    from alongside.archive.services import build_requested_archive  # services queues this task

    with own_request_id("task:"):
        return build_requested_archive(export_id)
