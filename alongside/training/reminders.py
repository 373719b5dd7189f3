"""Reminders before training runs out, sent by the daily task (`tasks.py`): to the member and
their coordinators, in the app and by email (`access.services.notify`), once per completion per
threshold: the `ExpiryReminder` rows are the memory, so running it twice sends nothing twice."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse

from alongside.access.services import notify
from alongside.training import queries
from alongside.training.models import Completion, ExpiryReminder

# Days before a completion runs out when the member and their coordinators are reminded.
REMINDER_DAYS = (30, 7)


def send_expiry_reminders(today: date) -> int:
    """Remind each member whose training runs out within a threshold (30 and 7 days), and their
    coordinators, once per completion per threshold: safe to run again (the `ExpiryReminder`
    rows are the memory). A renewed course, or a member who has left, is not reminded. Returns
    how many completions were reminded about."""
    sent = 0
    for due in queries.reminders_due(today, REMINDER_DAYS):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ExpiryReminder.objects.bulk_create(
                        [
                            ExpiryReminder(completion=due.completion, days_before=threshold)
                            for threshold in due.thresholds
                        ]
                    )
            except IntegrityError:  # another run sent it at the same moment
                continue
            _notify_expiry(due.completion)
            sent += 1
    return sent


def _notify_expiry(completion: Completion) -> None:
    member = completion.membership
    day = queries.day_words(completion.expires_on) if completion.expires_on else ""
    course = completion.course.name
    notify(
        [member.user],
        organisation_id=member.organisation_id,
        text=f"Your {course} training runs out on {day}. Ask your coordinator about renewing it.",
        url=reverse("training:mine"),
        email_subject="Your training runs out soon",
    )
    coordinators = [m.user for m in queries.coordinators_for(member)]
    if coordinators:
        name = member.user.get_full_name() or member.user.username
        notify(
            coordinators,
            organisation_id=member.organisation_id,
            text=f"{name}'s {course} training runs out on {day}.",
            url=reverse("training:expiring"),
            email_subject="Training runs out soon",
        )
