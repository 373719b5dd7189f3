"""The daily retention check, run by Django's task framework (database backend, `alongside
db_worker`): it lists what has passed its retention period for each organisation's data lead
(services/retention.py) and queues itself again a day later. `alongside retention --queue`
starts it; saving the retention periods starts it too; `alongside retention` runs it at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.common.request_context import own_request_id
from alongside.rights.services.retention import check_all

logger = logging.getLogger(__name__)

EVERY = timedelta(days=1)


@task
def check_retention() -> str:
    """List what is due for review in every organisation; then queue tomorrow's check."""
    with own_request_id("task:"):
        reviews = check_all(timezone.localdate())
        queue_retention_check(later=True)
        return f"{len(reviews)} review(s) made"


def _pending() -> bool:
    """A check is queued (to run now or later); the one running is not READY any more."""
    return DBTaskResult.objects.filter(
        task_path=check_retention.module_path, status="READY"
    ).exists()


def queue_retention_check(*, later: bool = False) -> None:
    """Queue the check (now, or `later`: a day from now) unless one is already waiting."""
    if _pending():
        return
    if later:
        check_retention.using(run_after=timezone.now() + EVERY).enqueue()
    else:
        check_retention.enqueue()
