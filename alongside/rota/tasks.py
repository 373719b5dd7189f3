"""Background work for the rota, run by Django's task framework (database backend, `alongside
db_worker`):

- `remind_of_shift`: a day before a shift, remind the member on it, in the app and by email
  (`access.services.notify`), once: `Signup.reminded_at` is set in the same transaction, so a
  task run twice, or queued twice, reminds once.
- `roll_patterns_on`: the daily task that keeps every running pattern's shifts made
  `services.ROLL_ON_WEEKS` ahead (`services.roll_on`), then queues itself a day later, like the
  training reminders (`training/tasks.py`). Adding a pattern, or `alongside rota_roll_on
  --queue`, starts it; `alongside rota_roll_on` runs it at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from alongside.access.services import notify
from alongside.common.request_context import own_request_id
from alongside.rota import services
from alongside.rota.models import Signup, SignupStatus

EVERY = timedelta(days=1)


@task
def remind_of_shift(signup_id: int) -> str:
    """Remind a member of a shift they are still on, in the app and by email, once. The words are
    the shift's name, role and time: never anything about a person supported."""
    with own_request_id("task:"), transaction.atomic():
        signup = (
            Signup.objects.select_for_update()
            .filter(pk=signup_id)
            .select_related("shift", "role", "membership__user")
            .first()
        )
        if signup is None or signup.status != SignupStatus.CONFIRMED:
            return "not on the shift any more"
        if signup.shift.cancelled_at is not None or signup.starts_at <= timezone.now():
            return "shift cancelled or started"
        if signup.reminded_at is not None:
            return "already reminded"
        signup.reminded_at = timezone.now()
        signup.save(update_fields=["reminded_at"])
        start = timezone.localtime(signup.starts_at)
        notify(
            [signup.membership.user],
            organisation_id=signup.organisation_id,
            text=_("Reminder: you are on %(shift)s (%(role)s) on %(when)s.")
            % {
                "shift": signup.shift.name,
                "role": signup.role.name,
                "when": f"{start:%a %-d %b} at {start:%H:%M}",
            },
            url=reverse("rota:mine"),
            email_subject=_("Your shift tomorrow"),
        )
        return "reminded"


@task
def roll_patterns_on() -> str:
    """Make today's shifts ahead for every running pattern; then queue tomorrow's run."""
    with own_request_id("task:"):
        made = services.roll_on(timezone.localdate())
        queue_roll_on(later=True)
        return f"{made} shift(s) made"


def _pending() -> bool:
    """A run is queued (to run now or later); the one running is not READY any more."""
    return DBTaskResult.objects.filter(
        task_path=roll_patterns_on.module_path, status="READY"
    ).exists()


def queue_roll_on(*, later: bool = False) -> None:
    """Queue the roll-on (now, or `later`: a day from now) unless a run is already waiting."""
    if _pending():
        return
    if later:
        roll_patterns_on.using(run_after=timezone.now() + EVERY).enqueue()
    else:
        roll_patterns_on.enqueue()
