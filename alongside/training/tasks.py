"""The daily training reminder, run by Django's task framework (database backend, `alongside
db_worker`) like the retention check (`rights/tasks.py`): it reminds members whose training runs
out within 30 and 7 days, and their coordinators (`reminders.send_expiry_reminders`, once per
completion per threshold), then queues itself again a day later. Adding a course, or `alongside
training_reminders --queue`, starts it; `alongside training_reminders` sends at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.common.request_context import own_request_id
from alongside.training.reminders import send_expiry_reminders

EVERY = timedelta(days=1)


@task
def remind_before_expiry() -> str:
    """Send today's reminders; then queue tomorrow's."""
    with own_request_id("task:"):
        sent = send_expiry_reminders(timezone.localdate())
        queue_training_reminders(later=True)
        return f"{sent} reminder(s) sent"


def _pending() -> bool:
    """A run is queued (to run now or later); the one running is not READY any more."""
    return DBTaskResult.objects.filter(
        task_path=remind_before_expiry.module_path, status="READY"
    ).exists()


def queue_training_reminders(*, later: bool = False) -> None:
    """Queue the reminders (now, or `later`: a day from now) unless a run is already waiting."""
    if _pending():
        return
    if later:
        remind_before_expiry.using(run_after=timezone.now() + EVERY).enqueue()
    else:
        remind_before_expiry.enqueue()
