"""Booking and appointment pages with personas."""

from datetime import timedelta

import pytest
from django.urls import reverse

from alongside.relationships.models import Contact
from alongside.scheduling.models import Appointment, AppointmentStatus
from alongside.scheduling.queries import slot_key
from alongside.scheduling.tests.helpers import at, book, give_week, started


def test_booking_page_offers_named_worker_first_and_books(diaries):
    world = diaries
    client = world.client("alice")
    url = reverse("scheduling:book", args=[world.person.pk])
    html = client.get(url).content.decode()
    assert html.index("Their named worker") < html.index("Other workers")
    assert "is their named worker" in html
    key = slot_key(world.user("alice").pk, at(2, 10))
    response = client.post(url, {"slot": key, "mode": "in_person", "place": ""})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.worker, appointment.place) == (world.user("alice"), "The hub")
    page = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    assert "Book an appointment" in page and at(2, 10).strftime("%-d") in page


def test_booking_page_bad_input_is_answered_and_nothing_saved(diaries):
    world = diaries
    client = world.client("alice")
    url = reverse("scheduling:book", args=[world.person.pk])
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
        reverse("scheduling:book", args=[world.person.pk]),
        {"slot": slot_key(world.user("alice").pk, at(2, 10)), "mode": "phone"},
    )
    assert response.status_code in (403, 404)
    assert not Appointment.objects.exists()


def test_volunteer_not_matched_cannot_book_the_person(diaries):
    world = diaries
    response = world.client("vic").get(reverse("scheduling:book", args=[world.person.pk]))
    assert response.status_code == 404


def test_appointment_actions_for_people_taking_part_only(diaries):
    world = diaries
    appointment = started(world)
    url = reverse("scheduling:did_not_attend", args=[appointment.pk])
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
    appointment = started(world)
    client = world.client("alice")
    page = client.get(reverse("scheduling:appointment", args=[appointment.pk])).content.decode()
    assert "Record the contact" in page and "We did not meet" in page
    response = client.post(
        reverse("scheduling:appointment_attended", args=[appointment.pk]),
        {"initiated_by": "us", "asked_for": "", "notes": "", "follow_up_on": ""},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(appointment=appointment).exists()


def test_cancel_form_needs_who_asked(diaries):
    world = diaries
    appointment = book(world)
    client = world.client("alice")
    response = client.post(reverse("scheduling:cancel_appointment", args=[appointment.pk]), {})
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    response = client.post(
        reverse("scheduling:cancel_appointment", args=[appointment.pk]), {"cancelled_by": "person"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancelled_by) == ("cancelled", "person")


def test_diary_lists_waiting_and_coming(diaries):
    world = diaries
    started(world)
    book(world, days=3)
    html = world.client("alice").get(reverse("scheduling:diary")).content.decode()
    assert "Say how these went" in html and "Coming up" in html
    assert world.client("dana").get(reverse("scheduling:diary")).status_code == 404


def test_other_organisation_appointment_is_404(diaries):
    world = diaries
    appointment = book(world)
    assert (
        world.client("olly")
        .get(reverse("scheduling:appointment", args=[appointment.pk]))
        .status_code
        == 404
    )


def test_booking_page_queries_do_not_grow_with_workers(diaries):
    from alongside.testing.factories import MembershipFactory, UserFactory
    from alongside.testing.helpers import count_queries

    world = diaries
    client = world.client("alice")
    url = reverse("scheduling:book", args=[world.person.pk])
    client.get(url)  # warm the session: the first request of a minute records when it was seen
    before = count_queries(client, url)
    for i in range(3):
        member = MembershipFactory(
            organisation=world.org, user=UserFactory(username=f"extra{i}"), role="supporter"
        )
        give_week(member)
    assert count_queries(client, url) == before
