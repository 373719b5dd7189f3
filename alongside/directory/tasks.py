"""Refreshing a configured ORUK feed on a schedule, by Django's task framework (database backend,
`alongside db_worker`).

`refresh_feed(feed_id)` imports the feed (every page of its `/services`) and then queues itself
again `feed.refresh_hours` later, so a feed added once keeps itself fresh while a worker runs.
Each run leaves a `DirectoryRefresh`: the counts and what changed since the run before (or, when
the feed could not be read or held a problem, every problem and nothing written), which the
coordinator reads on the directory's "Imports and feeds" page. Logs name the feed by id only.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.common.request_context import own_request_id
from alongside.directory.models import DirectoryFeed
from alongside.directory.services import ImportRefused, import_source

logger = logging.getLogger(__name__)


@task
def refresh_feed(feed_id: int, again: bool = True) -> str:
    """Import one feed now; then queue the next refresh (with `again`). Returns what happened."""
    with own_request_id("task:"):
        feed = DirectoryFeed.objects.select_related("organisation").filter(pk=feed_id).first()
        if feed is None or not feed.active:
            return "not refreshed: the feed is gone or switched off"
        try:
            result = import_source(feed.organisation, feed.url, feed=feed)
        except ImportRefused as refused:
            logger.warning(
                "directory feed %s not refreshed: %s problem(s)", feed.pk, len(refused.problems)
            )
            outcome = f"refused: {len(refused.problems)} problem(s)"
        else:
            outcome = result.counts()
        if again:
            queue_refresh(feed, later=True)
        return outcome


def queue_refresh(feed: DirectoryFeed, *, later: bool = False) -> None:
    """Queue a refresh of `feed` now, or (`later`) its next one, unless one is already waiting."""
    if later:
        waiting = DBTaskResult.objects.filter(
            task_path=refresh_feed.module_path, status="READY", run_after__gt=timezone.now()
        ).values_list("args_kwargs", flat=True)
        if any((queued or {}).get("args") == [feed.pk, True] for queued in waiting):
            return
        refresh_feed.using(run_after=timezone.now() + timedelta(hours=feed.refresh_hours)).enqueue(
            feed.pk, True
        )
    else:
        refresh_feed.enqueue(feed.pk, False)
