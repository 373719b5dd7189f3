"""Background work for scheduling, run by Django's task framework (database backend)."""

from __future__ import annotations

from django.tasks import task

from alongside.common.request_context import own_request_id


@task
def send_appointment_reminder(appointment_id: int) -> str:
    """Remind the person of their appointment the way they like to be contacted."""
    from alongside.scheduling.reminders import send_reminder

    with own_request_id("task:"):
        return send_reminder(appointment_id)
