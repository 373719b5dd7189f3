"""Background work for `common.figures`: working kept figures out again once a page found them
older than it allows (decision 0133). Queued at most once per kept figures at a time."""

from __future__ import annotations

from django.db import connections
from django.tasks import Task, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from alongside.common.figures import refresh
from alongside.common.request_context import own_request_id


@task
def refresh_figures(key: str) -> str:
    """Work out again the figures kept under `key`."""
    with own_request_id("task:"):
        return "worked out" if refresh(key) else "gone"


def queued(periodic: Task, *, later: bool) -> bool:  # type: ignore[type-arg]
    """A periodic task is queued in the database backend to run now (or, `later`, at a set time
    still to come): for a task that queues its own next run (audit checkpoints, the team
    figures) not to be queued twice."""
    waiting = DBTaskResult.objects.filter(task_path=periodic.module_path)
    if later:
        waiting = waiting.filter(status="READY", run_after__gt=timezone.now()).exclude(
            run_after=get_date_max()
        )
    else:
        waiting = waiting.ready()
    return waiting.exists()


def queue_is_ready(using: str = "default") -> bool:
    """The database backend's queue table exists: `alongside migrate contenttypes` (one app at a
    time) may leave it to a later migrate, whose `post_migrate` hooks then queue their tasks."""
    return DBTaskResult._meta.db_table in connections[using].introspection.table_names()
