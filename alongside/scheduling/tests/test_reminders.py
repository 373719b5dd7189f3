"""Reminders of appointments through the task queue, and telling the worker when none can go."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.people.models import Person
from alongside.scheduling import reminders, services, sms
from alongside.scheduling.models import Appointment
from alongside.scheduling.reminders import reminder_address
from alongside.scheduling.tests.helpers import at


def test_reminder_by_text_goes_a_day_before_through_the_task_queue(
    diaries, django_capture_on_commit_callbacks, run_tasks
):
    world = diaries
    sms.outbox.clear()
    world.person.contact_preference = "text"
    world.person.contact_details = "07700 900123"
    world.person.save()
    soon = timezone.now() + timedelta(hours=3)
    soon = soon.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    later = at(5, 10)
    with django_capture_on_commit_callbacks(execute=True):
        services.book(
            world.person,
            by=world.members["alice"],
            worker=world.user("alice"),
            starts_at=soon,
            minutes=60,
            mode="phone",
        )
        services.book(
            world.person,
            by=world.members["alice"],
            worker=world.user("alice"),
            starts_at=later,
            minutes=60,
            mode="phone",
        )
    run_tasks()
    assert len(sms.outbox) == 1  # the one in five days waits in the queue
    message = sms.outbox[0]
    assert message.to == "07700 900123"
    assert "Alice will phone you" in message.body
    assert Appointment.objects.get(starts_at=soon).reminder_sent_at is not None
    assert Appointment.objects.get(starts_at=later).reminder_sent_at is None


def test_reminder_by_email_and_never_for_a_cancelled_appointment(
    diaries, django_capture_on_commit_callbacks, run_tasks
):
    world = diaries
    world.person.contact_preference = "email"
    world.person.contact_details = "pat@example.org"
    world.person.save()
    start = (timezone.now() + timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.book(
            world.person,
            by=world.members["alice"],
            worker=world.user("alice"),
            starts_at=start,
            minutes=60,
            mode="in_person",
            place="The hub",
        )
        dropped = services.book(
            world.person,
            by=world.members["alice"],
            worker=world.user("alice"),
            starts_at=start + timedelta(hours=1),
            minutes=60,
            mode="phone",
        )
    services.cancel(dropped, by=world.members["alice"], cancelled_by="us")
    run_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.org"]
    assert "at The hub" in mail.outbox[0].body
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.reminder_sent_at and not dropped.reminder_sent_at


@pytest.mark.parametrize(
    ("preference", "details", "why"),
    [
        ("phone", "07700 900123", "they like to be contacted by phone call"),
        ("post", "1 Mill Lane", "they like to be contacted by letter"),
        ("in_person", "", "they like to be contacted in person only"),
        ("email", "not an address", "no email address that works is recorded"),
        ("text", "", "no mobile number is recorded"),
    ],
)
def test_when_no_reminder_can_go_the_worker_is_told_once(
    diaries, django_capture_on_commit_callbacks, run_tasks, preference, details, why
):
    world = diaries
    sms.outbox.clear()
    world.person.contact_preference = preference
    world.person.contact_details = details
    world.person.save()
    start = (timezone.now() + timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        booked = services.book(
            world.person,
            by=world.members["alice"],
            worker=world.user("alice"),
            starts_at=start,
            minutes=60,
            mode="phone",
        )
    run_tasks()
    assert not mail.outbox and not sms.outbox
    notes = list(Notification.objects.filter(user=world.user("alice")))
    assert len(notes) == 1
    assert notes[0].text.startswith("You are seeing Pat on ") and why in notes[0].text
    assert notes[0].url == reverse("scheduling:appointment", args=[booked.pk])
    booked.refresh_from_db()
    assert booked.reminder_sent_at is not None
    assert reminders.send_reminder(booked.pk) == "not sent: already reminded"
    assert Notification.objects.filter(user=world.user("alice")).count() == 1
    event = AuditEvent.objects.get(action="scheduling.reminder.sent")
    assert event.summary == {"channel": "worker"}


@pytest.mark.parametrize(
    ("preference", "phone", "email", "details", "expected"),
    [
        ("text", "07700 900123", "", "old note 07000 000000", "07700 900123"),
        ("text", "", "", "07000 000000", "07000 000000"),
        ("email", "", "pat@example.org", "old@example.org", "pat@example.org"),
        ("email", "07700 900123", "", "old@example.org", "old@example.org"),
    ],
)
def test_reminders_go_to_the_phone_or_email_field_before_the_old_free_text(
    preference, phone, email, details, expected
):
    person = Person(
        contact_preference=preference, phone=phone, email=email, contact_details=details
    )
    assert reminder_address(person) == expected
