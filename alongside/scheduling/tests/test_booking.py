"""Booking with continuity and appointments: free slots, options, rules, what happened.
Reminders: test_reminders.py; the pages, with personas: test_booking_views.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.relationships.models import Contact, Handover, NamedWorkerSpell
from alongside.scheduling import services
from alongside.scheduling.models import Appointment, AppointmentStatus
from alongside.scheduling.queries import booking_options, free_slots
from alongside.scheduling.tests.helpers import at, book, started
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import ContactFactory, PersonFactory

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


def test_attended_appointment_becomes_a_contact_in_one_step(diaries):
    world = diaries
    appointment = started(world)
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
    appointment = started(world)
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
