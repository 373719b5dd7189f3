"""Issue 18, item 2: a mail outage never breaks safeguarding.

Concern and override emails go through the task queue, one task per recipient, each retried a
bounded number of times; the in-app notification is written with the concern, whatever happens
to email. A mail server that refuses is played by `RefusingBackend`.
"""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from alongside.access.models import Notification
from alongside.access.tasks import MAIL_RETRY_MINUTES, send_notification_email
from alongside.safeguarding.models import Concern
from alongside.safeguarding.tests.conftest import CONCERN_TEXT, REASON, make_concern, make_override

BACKEND = "alongside.safeguarding.tests.test_mail_outage.RefusingBackend"


class RefusingBackend(LocmemBackend):
    """The locmem backend, except that it refuses the addresses in `refused` (all: `"*"`)."""

    refused: set[str] = set()

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        for message in messages:
            if "*" in self.refused or set(message.to) & self.refused:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def outage(settings):
    settings.MAILERS = {"default": {"BACKEND": BACKEND}}
    RefusingBackend.refused = {"*"}
    yield RefusingBackend.refused
    RefusingBackend.refused = set()


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=send_notification_email.module_path))


def test_a_mail_outage_does_not_fail_the_worker_who_raised_the_concern(committed_db, sg, outage):
    """Before: the email was sent as the transaction committed, inside the request, so the worker
    got a server error after their concern was saved. Now they see it was raised, and each lead
    has it in the app."""
    client = Client(raise_request_exception=False)
    client.force_login(sg.user("alice"))
    response = client.post(
        reverse("safeguarding:raise_concern", args=[sg.person.pk]),
        {"category": "physical", "what_happened": CONCERN_TEXT, "immediate_risk": "no"},
    )
    assert response.status_code == 302, response.status_code
    assert Concern.objects.for_system(REASON).count() == 1
    leads = {n.user.username for n in Notification.objects.select_related("user")}
    assert leads == {"sam", "sage"}
    assert mail.outbox == []
    assert len(queued()) == 2, "one email task per lead"


@pytest.mark.time_machine("2026-06-01 10:00 +00:00", tick=False)
def test_one_refused_address_does_not_stop_the_others(
    sg, outage, run_tasks, django_capture_on_commit_callbacks, time_machine
):
    outage.clear()
    outage.add("sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        make_concern(sg)
    run_tasks()
    assert [m.to for m in mail.outbox] == [["sage@example.org"]]
    # Sam's is tried again later; once the server takes it, Sam has it too.
    outage.clear()
    time_machine.shift(timedelta(minutes=MAIL_RETRY_MINUTES[0], seconds=1))
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["sage@example.org", "sam@example.org"]
    assert Notification.objects.filter(user=sg.user("sam")).count() == 1


@pytest.mark.time_machine("2026-06-01 10:00 +00:00", tick=False)
def test_retries_are_bounded_and_the_last_failure_is_logged(
    sg, outage, run_tasks, django_capture_on_commit_callbacks, time_machine, caplog
):
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        make_override(sg)
    for minutes in MAIL_RETRY_MINUTES:
        run_tasks()
        time_machine.shift(timedelta(minutes=minutes, seconds=1))
    run_tasks()
    tries = len(MAIL_RETRY_MINUTES) + 1
    results = queued()
    assert len(results) == 2 * tries, "each recipient tried once and retried, no more"
    assert not DBTaskResult.objects.ready().exists(), "nothing left queued"
    assert mail.outbox == []
    given_up = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert len(given_up) == 2 and all(r.levelno == logging.ERROR for r in given_up)
    # The logs name the notification, never the address, the person or the justification.
    for record in caplog.records:
        text = record.getMessage()
        assert "@example.org" not in text and "Pat" not in text and "unreachable" not in text
    # The leads still have it in the app.
    assert {n.user.username for n in Notification.objects.select_related("user")} == {
        "sage",
        "dana",
    }


def test_the_email_says_no_more_than_the_notification(
    sg, run_tasks, django_capture_on_commit_callbacks, settings
):
    settings.ALONGSIDE_BASE_URL = "https://alongside.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        concern = make_concern(sg)
    assert mail.outbox == [], "nothing is sent until the worker runs"
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["sage@example.org", "sam@example.org"]
    for message in mail.outbox:
        assert message.subject == "New safeguarding concern"
        assert message.body == (
            "A new safeguarding concern was raised for a person.\n\n"
            f"https://alongside.example.org/safeguarding/concerns/{concern.pk}/"
        )
