"""Booking with continuity, appointments, reminders: services and views with personas."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.relationships.models import Contact, Handover, NamedWorkerSpell
from alongside.scheduling import reminders, services, sms
from alongside.scheduling.models import Appointment, AppointmentStatus
from alongside.scheduling.queries import booking_options, free_slots, slot_key
from alongside.scheduling.tests.helpers import give_week
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import ContactFactory, PersonFactory


def at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def book(world, who="alice", *, person=None, days=2, hour=10, **extra):
    data = {"minutes": 60, "mode": "in_person", "place": "The hub"}
    data.update(extra)
    return services.book(
        person or world.person,
        by=world.members[who],
        worker=world.user(who),
        starts_at=at(days, hour),
        **data,
    )


@pytest.fixture
def diaries(world):
    for name in ("alice", "cara", "vic", "colin"):
        give_week(world.members[name])
    return world


# Free slots ---------------------------------------------------------------------------------


def test_free_slots_follow_the_pattern_minus_days_away_and_bookings(diaries):
    world = diaries
    alice = world.members["alice"]
    day = timezone.localdate() + timedelta(days=3)
    assert len(free_slots([alice], start=day, end=day)) == 8
    book(world, days=3, hour=11)
    slots = free_slots([alice], start=day, end=day)
    assert len(slots) == 7
    assert at(3, 11) not in {s.starts_at for s in slots}
    services.add_exception(alice, by=alice, starts_on=day, ends_on=day, kind="leave")
    assert free_slots([alice], start=day, end=day) == []


def test_slots_in_the_past_are_not_offered(diaries):
    slots = free_slots(
        [diaries.members["alice"]], start=timezone.localdate(), end=timezone.localdate()
    )
    assert all(s.starts_at > timezone.now() for s in slots)


# Booking options: continuity first ----------------------------------------------------------


def test_named_worker_first_then_known_then_others_with_consequences(diaries):
    world = diaries
    ContactFactory(
        person=world.person, worker=world.user("cara"), at=timezone.now() - timedelta(days=200)
    )
    options = booking_options(world.person, start=timezone.localdate() + timedelta(days=1))
    kinds = [g.kind for g in options.groups]
    assert kinds == ["named", "known", "other"]
    named, known, other = options.groups
    assert {s.worker_id for s, _ in named.options} == {world.user("alice").pk}
    assert {s.worker_id for s, _ in known.options} == {world.user("cara").pk}
    assert world.user("alice").pk not in {s.worker_id for s, _ in other.options}
    assert "named worker" in named.options[0][1]
    assert "met Cara before" in known.options[0][1]
    assert "have not met" in other.options[0][1]
    # Pat has seen nobody else this quarter unless Cara's contact falls in it.
    assert "seen nobody else this quarter" in other.options[0][1]


# Midday in mid-quarter: there are slots later today, in the same quarter as the contacts.
@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_consequence_counts_different_workers_this_quarter(diaries):
    world = diaries
    now = timezone.now()
    ContactFactory(person=world.person, worker=world.user("alice"), at=now - timedelta(minutes=30))
    ContactFactory(person=world.person, worker=world.user("cara"), at=now - timedelta(minutes=20))
    options = booking_options(world.person, start=timezone.localdate())
    other = {g.kind: g for g in options.groups}["other"]
    texts = [text for slot, text in other.options if slot.starts_at.date() == now.date()]
    if texts:  # slots later today, in this quarter
        assert "third different worker this quarter" in texts[0]


def test_worker_who_assessed_the_person_is_never_offered_nor_booked(diaries):
    from alongside.eligibility.models import ReferralPartner, Voucher

    world = diaries
    partner = ReferralPartner.objects.create(organisation=world.org, name="Surgery", kind="gp")
    Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="ABC123",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name="Dr Example",
        person=world.person,
        redeemed_at=timezone.now(),
        redeemed_by=world.user("cara"),
        parcels=1,
        recorded_by=world.user("amir"),
    )
    offered = {s.worker_id for g in booking_options(world.person).groups for s, _ in g.options}
    assert world.user("cara").pk not in offered
    assert world.user("vic").pk in offered
    with pytest.raises(ValidationError, match="eligibility"):
        book(world, "cara")


# Booking rules ----------------------------------------------------------------------------------


def test_book_creates_appointment_and_audit(diaries):
    appointment = book(diaries)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.minutes == 60
    from alongside.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="scheduling.appointment.booked").count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"mode": "in_person", "place": "  "}, "place"),
        ({"mode": "video", "video_link": "http://insecure.example/room"}, "video_link"),
        ({"mode": "carrier pigeon"}, "mode"),
        ({"minutes": 5}, "minutes"),
    ],
)
def test_bad_booking_input_is_refused_and_nothing_saved(diaries, extra, field):
    with pytest.raises(ValidationError) as caught:
        book(diaries, **extra)
    assert field in caught.value.message_dict
    assert not Appointment.objects.exists()


def test_past_times_are_refused(diaries):
    with pytest.raises(ValidationError, match="future"):
        book(diaries, days=-1)


def test_worker_cannot_be_double_booked(diaries):
    world = diaries
    book(world)
    other = PersonFactory(team=world.team)
    with pytest.raises(ValidationError, match="Alice .* already has an appointment"):
        services.book(
            other,
            by=world.members["alice"],
            worker=world.user("alice"),
            starts_at=at(2, 10) + timedelta(minutes=30),
            minutes=60,
            mode="phone",
        )
    assert Appointment.objects.count() == 1


def test_person_cannot_be_double_booked(diaries):
    world = diaries
    book(world)
    with pytest.raises(ValidationError, match="Pat Example already has an appointment"):
        book(world, "cara", hour=10)
    assert Appointment.objects.count() == 1


def test_second_worker_at_an_introduction_is_not_double_booked(diaries):
    world = diaries
    services.book(
        world.person,
        by=world.members["colin"],
        worker=world.user("alice"),
        with_worker=world.user("cara"),
        starts_at=at(2, 10),
        minutes=60,
        mode="phone",
    )
    other = PersonFactory(team=world.team)
    with pytest.raises(ValidationError, match="Cara .* already has an appointment"):
        book(world, "cara", person=other, hour=10)


def test_cancelled_time_is_free_again(diaries):
    world = diaries
    appointment = book(world)
    services.cancel(appointment, by=world.members["alice"], cancelled_by="person")
    assert book(world, "cara").status == AppointmentStatus.BOOKED


def test_worker_away_or_gone_cannot_be_booked(diaries):
    world = diaries
    alice = world.members["alice"]
    day = timezone.localdate() + timedelta(days=2)
    services.add_exception(alice, by=alice, starts_on=day, ends_on=day, kind="sickness")
    with pytest.raises(ValidationError, match="away that day"):
        book(world)
    alice.leaving_on = timezone.localdate()
    alice.save()
    with pytest.raises(ValidationError, match="has left by then"):
        book(world, days=5)


def test_worker_from_another_organisation_cannot_be_booked(diaries):
    world = diaries
    with pytest.raises(ValidationError, match="works in this organisation"):
        services.book(
            world.person,
            by=world.members["alice"],
            worker=world.user("olly"),
            starts_at=at(2, 10),
            minutes=60,
            mode="phone",
        )


# What happened ----------------------------------------------------------------------------------


def _started(world, **kwargs):
    appointment = book(world, **kwargs)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(minutes=70),
        ends_at=timezone.now() - timedelta(minutes=10),
    )
    appointment.refresh_from_db()
    return appointment


def test_attended_appointment_becomes_a_contact_in_one_step(diaries):
    world = diaries
    appointment = _started(world)
    contact = services.record_attended(
        appointment, by=world.members["alice"], notes="Talked about the garden project"
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.contact == contact
    assert (contact.worker, contact.minutes, contact.mode) == (world.user("alice"), 60, "in_person")
    assert SupportNote.objects.for_system("test").filter(contact=contact).count() == 1


def test_an_appointment_is_recorded_once(diaries):
    world = diaries
    appointment = _started(world)
    services.record_attended(appointment, by=world.members["alice"])
    with pytest.raises(ValidationError, match="already happened"):
        services.record_attended(appointment, by=world.members["alice"])
    with pytest.raises(ValidationError):
        services.record_did_not_attend(appointment, by=world.members["alice"])
    assert Contact.objects.count() == 1


def test_future_appointment_cannot_be_recorded_as_happened_or_missed(diaries):
    world = diaries
    appointment = book(world)
    with pytest.raises(ValidationError):
        services.record_attended(appointment, by=world.members["alice"])
    with pytest.raises(ValidationError):
        services.record_did_not_attend(appointment, by=world.members["alice"])
    assert not Contact.objects.exists()


def test_introduction_appointment_completes_the_handover_warm(diaries):
    world = diaries
    from alongside.relationships.services import plan_handover

    handover = plan_handover(
        world.person,
        to_worker=world.user("cara"),
        by=world.members["colin"],
        reason="worker_left",
        introduce_by=None,
    )
    appointment = services.book(
        world.person,
        by=world.members["colin"],
        worker=world.user("alice"),
        with_worker=world.user("cara"),
        starts_at=at(2, 10),
        minutes=60,
        mode="phone",
        handover=handover,
    )
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    appointment.refresh_from_db()
    services.record_attended(appointment, by=world.members["alice"])
    handover.refresh_from_db()
    assert handover.status == Handover.Status.WARM
    assert NamedWorkerSpell.objects.get(
        person=world.person, ended_on__isnull=True
    ).worker == world.user("cara")


# Reminders ----------------------------------------------------------------------------------------


@pytest.fixture
def run_tasks(monkeypatch):
    """Run the task worker once over the queue, as `alongside db_worker --batch` does.

    The worker closes "old" connections between tasks; inside a test's transaction that would
    close the test's own connection on PostgreSQL, so that one call is a no-op here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


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


# Views with personas ------------------------------------------------------------------------------


def test_booking_page_offers_named_worker_first_and_books(diaries):
    world = diaries
    client = world.client("alice")
    url = reverse("book", args=[world.person.pk])
    html = client.get(url).content.decode()
    assert html.index("Their named worker") < html.index("Other workers")
    assert "is their named worker" in html
    key = slot_key(world.user("alice").pk, at(2, 10))
    response = client.post(url, {"slot": key, "mode": "in_person", "place": ""})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.worker, appointment.place) == (world.user("alice"), "The hub")
    page = client.get(reverse("person", args=[world.person.pk])).content.decode()
    assert "Book an appointment" in page and at(2, 10).strftime("%-d") in page


def test_booking_page_bad_input_is_answered_and_nothing_saved(diaries):
    world = diaries
    client = world.client("alice")
    url = reverse("book", args=[world.person.pk])
    for data in (
        {"mode": "in_person"},
        {"slot": "nonsense", "mode": "in_person"},
        {
            "slot": slot_key(world.user("alice").pk, at(2, 10) + timedelta(minutes=7)),
            "mode": "phone",
        },
        {
            "slot": slot_key(world.user("alice").pk, at(2, 10)),
            "mode": "video",
            "video_link": "nope",
        },
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("name", ["amir", "sam", "dana", "fern", "olly"])
def test_roles_that_do_not_book_are_refused(diaries, name):
    world = diaries
    response = world.client(name).post(
        reverse("book", args=[world.person.pk]),
        {"slot": slot_key(world.user("alice").pk, at(2, 10)), "mode": "phone"},
    )
    assert response.status_code in (403, 404)
    assert not Appointment.objects.exists()


def test_volunteer_not_matched_cannot_book_the_person(diaries):
    world = diaries
    response = world.client("vic").get(reverse("book", args=[world.person.pk]))
    assert response.status_code == 404


def test_appointment_actions_for_people_taking_part_only(diaries):
    world = diaries
    appointment = _started(world)
    url = reverse("did_not_attend", args=[appointment.pk])
    assert world.client("cara").post(url).status_code == 404
    assert world.client("amir").post(url).status_code == 404
    assert world.client("olly").post(url).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert world.client("colin").post(url).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DID_NOT_ATTEND


def test_happened_form_records_contact_and_redirects(diaries):
    world = diaries
    appointment = _started(world)
    client = world.client("alice")
    page = client.get(reverse("appointment", args=[appointment.pk])).content.decode()
    assert "Record the contact" in page and "We did not meet" in page
    response = client.post(
        reverse("appointment_attended", args=[appointment.pk]),
        {"initiated_by": "us", "asked_for": "", "notes": "", "follow_up_on": ""},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(appointment=appointment).exists()


def test_cancel_form_needs_who_asked(diaries):
    world = diaries
    appointment = book(world)
    client = world.client("alice")
    response = client.post(reverse("cancel_appointment", args=[appointment.pk]), {})
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    response = client.post(
        reverse("cancel_appointment", args=[appointment.pk]), {"cancelled_by": "person"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancelled_by) == ("cancelled", "person")


def test_diary_lists_waiting_and_coming(diaries):
    world = diaries
    _started(world)
    book(world, days=3)
    html = world.client("alice").get(reverse("diary")).content.decode()
    assert "Say how these went" in html and "Coming up" in html
    assert world.client("dana").get(reverse("diary")).status_code == 404


def test_other_organisation_appointment_is_404(diaries):
    world = diaries
    appointment = book(world)
    assert (
        world.client("olly").get(reverse("appointment", args=[appointment.pk])).status_code == 404
    )


def test_booking_page_queries_do_not_grow_with_workers(diaries):
    from alongside.testing.factories import MembershipFactory, UserFactory
    from alongside.testing.helpers import count_queries

    world = diaries
    client = world.client("alice")
    url = reverse("book", args=[world.person.pk])
    before = count_queries(client, url)
    for i in range(3):
        member = MembershipFactory(
            organisation=world.org, user=UserFactory(username=f"extra{i}"), role="supporter"
        )
        give_week(member)
    assert count_queries(client, url) == before


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
    assert notes[0].url == reverse("appointment", args=[booked.pk])
    booked.refresh_from_db()
    assert booked.reminder_sent_at is not None
    assert reminders.send_reminder(booked.pk) == "not sent: already reminded"
    assert Notification.objects.filter(user=world.user("alice")).count() == 1
    event = AuditEvent.objects.get(action="scheduling.reminder.sent")
    assert event.summary == {"channel": "worker"}
