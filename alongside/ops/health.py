"""What `/health/` checks: the database answers, and the task queue is being worked.

django-tasks-db keeps no worker heartbeat, so the queue check looks at the oldest task that is
ready to run: if it has waited longer than `ALONGSIDE_HEALTH_TASK_DELAY_SECONDS` (default 600),
no `db_worker` is taking tasks. Two small queries, no personal data: counts and ages only. With
the queue on Redis (decision 0102) the same age comes from the backend's status index.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Case, DateTimeField, F, Min, When
from django.tasks import default_task_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from redis.exceptions import RedisError

DEFAULT_TASK_DELAY_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail}


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", False, f"the database did not answer: {type(error).__name__}")
    return Check("database", True, f"{connection.vendor} answered")


def oldest_ready_since() -> datetime | None:
    """When the longest-waiting ready task became due (its run_after, or when it was queued)."""
    stats = getattr(default_task_backend, "get_queue_stats", None)
    if stats is not None:  # the queue on Redis (django-tasks-redis)
        since: datetime | None = stats()["oldest_pending_waiting_since"]
        return since
    due = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=F("run_after"),
        output_field=DateTimeField(),
    )
    result: datetime | None = DBTaskResult.objects.ready().aggregate(since=Min(due))["since"]
    return result


def check_tasks(now: datetime | None = None) -> Check:
    now = now or timezone.now()
    limit = int(
        getattr(settings, "ALONGSIDE_HEALTH_TASK_DELAY_SECONDS", DEFAULT_TASK_DELAY_SECONDS)
    )
    try:
        since = oldest_ready_since()
    except (DatabaseError, RedisError) as error:
        return Check("tasks", False, f"the task queue could not be read: {type(error).__name__}")
    if since is None:
        return Check("tasks", True, "no task is waiting")
    waited = max(0, int((now - since).total_seconds()))
    if waited > limit:
        return Check(
            "tasks",
            False,
            f"the oldest ready task has waited {waited} s (limit {limit} s): is db_worker running?",
        )
    return Check("tasks", True, f"the oldest ready task has waited {waited} s")


def run_checks() -> list[Check]:
    database = check_database()
    if not database.ok:
        return [database, Check("tasks", False, "not checked: the database did not answer")]
    return [database, check_tasks()]
