"""Writes about organisations and memberships."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction

from alongside.access.models import Notification


def notify(
    users: Iterable[User],
    *,
    organisation_id: int,
    text: str,
    url: str = "",
    email_subject: str = "",
) -> list[Notification]:
    """Tell users something in the app and, with `email_subject`, by email after the transaction commits.

    `text` must never hold support or safeguarding words: it is shown in lists and sent by email.
    Side effects: one Notification per user; one email per user with an address, on commit.
    """
    recipients = list(users)
    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            [
                Notification(organisation_id=organisation_id, user=user, text=text, url=url)
                for user in recipients
            ]
        )
        if email_subject:
            addresses = [user.email for user in recipients if user.email]

            def send() -> None:
                for address in addresses:
                    send_mail(email_subject, f"{text}\n\n{url}".strip(), None, [address])

            transaction.on_commit(send)
    return notes
