"""Emails that go with in-app notifications, sent by Django's task framework (database backend,
`alongside db_worker`), never inside the request that made them (issue 18, item 2).

`access.services.notify` writes one `Notification` per user in the caller's transaction and, on
commit, queues one `send_notification_email` per user with an address: a refused address or a
mail server that is down delays only that one email, and never the worker's answer. A failed
send is tried again after each of `MAIL_RETRY_MINUTES` (bounded: then it gives up and logs an
error). Whatever happens to email, the notification is already in the app.

The task reads the notification's own text and link when it runs, so what the email says is
exactly what the notification says (no support or safeguarding words: `notify`'s contract), and
the queue holds ids and a subject, never an address. Logs name the notification and the user by
id only.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from alongside.access.models import Notification
from alongside.common.request_context import own_request_id

logger = logging.getLogger(__name__)

# Minutes to wait before each retry: five tries in all, the last about three and a half hours on.
MAIL_RETRY_MINUTES = (1, 10, 60, 150)


def email_body(notification: Notification) -> str:
    """The notification's words and an absolute link to what it is about."""
    url = notification.url
    link = f"{settings.ALONGSIDE_BASE_URL}{url}" if url.startswith("/") else url
    return f"{notification.text}\n\n{link}".strip()


@task
def send_notification_email(notification_id: int, subject: str, attempt: int = 1) -> str:
    """Email one notification to its user. Returns what happened, in words (the task's result)."""
    with own_request_id("task:"):
        notification = (
            Notification.objects.select_related("user").filter(pk=notification_id).first()
        )
        if notification is None:
            return "not sent: the notification is gone"
        address = notification.user.email
        if not address or not notification.user.is_active:
            return "not sent: no address"
        try:
            send_mail(subject, email_body(notification), None, [address])
        except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
            return _retry_or_give_up(notification, subject, attempt, error)
        return "sent" if attempt == 1 else f"sent at try {attempt}"


def _retry_or_give_up(
    notification: Notification, subject: str, attempt: int, error: Exception
) -> str:
    tries = len(MAIL_RETRY_MINUTES) + 1
    # The error's class only: an SMTP error's text can hold the address.
    why = type(error).__name__
    if attempt >= tries:
        logger.error(
            "notification email gave up: notification %s to user %s, try %s of %s failed (%s); "
            "it is still in the app",
            notification.pk,
            notification.user_id,
            attempt,
            tries,
            why,
        )
        return f"gave up after {attempt} tries ({why})"
    wait = MAIL_RETRY_MINUTES[attempt - 1]
    logger.warning(
        "notification email failed: notification %s to user %s, try %s of %s (%s); "
        "trying again in %s minutes",
        notification.pk,
        notification.user_id,
        attempt,
        tries,
        why,
        wait,
    )
    send_notification_email.using(run_after=timezone.now() + timedelta(minutes=wait)).enqueue(
        notification.pk, subject, attempt + 1
    )
    return f"failed at try {attempt} ({why}); trying again in {wait} minutes"


def queue_notification_emails(notification_ids: list[int], subject: str) -> None:
    """Queue one email per notification (call on commit)."""
    for notification_id in notification_ids:
        send_notification_email.enqueue(notification_id, subject)
