"""The relationships endpoints of the REST API: contacts, their words, recording one, my people."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.relationships.models import Contact
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries

VIEWED = "support.supportnote.viewed"


def contacts_url(person):
    return f"/api/v1/people/{person.pk}/contacts"


def contact_with_words(world, *, days_ago=2, asked_for="Help with the rent arrears"):
    contact = ContactFactory(
        person=world.person,
        worker=world.user("alice"),
        at=timezone.now() - timedelta(days=days_ago),
        follow_up_on=timezone.localdate() + timedelta(days=7),
    )
    note = SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for=asked_for,
        text="Worried about the letter",
        author=world.user("alice"),
    )
    return contact, note


def post_contact(client, person, **overrides):
    body = {
        "at": timezone.localtime().replace(microsecond=0).isoformat(),
        "mode": "phone",
        "minutes": 20,
        "initiated_by": "person",
        "asked_for": "Somewhere warm to go in the day",
    }
    body.update(overrides)
    return client.post(contacts_url(person), body, content_type="application/json")


def test_named_worker_reads_contacts_newest_first_with_the_words(world):
    old, _ = contact_with_words(world, days_ago=9, asked_for="Food parcel")
    new, note = contact_with_words(world, days_ago=1)
    body = world.client("alice").get(contacts_url(world.person)).json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [new.pk, old.pk]
    assert body["items"][0] == {
        "id": new.pk,
        "at": body["items"][0]["at"],
        "mode": "in_person",
        "minutes": 30,
        "initiated_by": "person",
        "worker_id": world.user("alice").pk,
        "worker": world.user("alice").get_full_name(),
        "follow_up_on": new.follow_up_on.isoformat(),
        "asked_for": "Help with the rent arrears",
        "notes": "Worried about the letter",
    }
    assert body["items"][1]["asked_for"] == "Food parcel"


def test_reading_the_words_is_audited_with_ids_never_text(world):
    _, note = contact_with_words(world)
    world.client("alice").get(contacts_url(world.person))
    event = AuditEvent.objects.get(action=VIEWED)
    assert event.actor == world.user("alice")
    assert event.person_id == world.person.pk
    assert event.summary == {"ids": [note.pk]}
    assert event.request_id  # ties the event to the request


@pytest.mark.parametrize("name", ["cara", "amir"])
def test_colleagues_see_the_contacts_but_not_the_words(world, name):
    contact_with_words(world)
    item = world.client(name).get(contacts_url(world.person)).json()["items"][0]
    assert item["minutes"] == 30
    assert (item["asked_for"], item["notes"]) == (None, None)
    assert not AuditEvent.objects.filter(action=VIEWED).exists()


@pytest.mark.parametrize("name", ["vic", "dana", "fern", "olly"])
def test_contacts_are_404_for_those_who_may_not_see_the_person(world, name):
    contact_with_words(world)
    response = world.client(name).get(contacts_url(world.person))
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_contacts_page_query_count_does_not_grow_with_rows(world):
    def add(n):
        for days in range(n):
            contact_with_words(world, days_ago=days + 1)

    assert_constant_queries(world.client("alice"), contacts_url(world.person), add)


def test_record_contact_writes_through_the_service_and_returns_201(world):
    response = post_contact(world.client("alice"), world.person, follow_up_on=None)
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    body = response.json()
    assert body["id"] == contact.pk
    assert (body["mode"], body["minutes"], body["asked_for"]) == (
        "phone",
        20,
        "Somewhere warm to go in the day",
    )
    assert (contact.worker, contact.recorded_by) == (world.user("alice"),) * 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"relationships.contact.recorded", "support.note.created"} <= actions


def test_record_contact_for_another_worker_who_was_there(world):
    response = post_contact(
        world.client("alice"),
        world.person,
        worker=world.user("cara").pk,
        also_present=[world.user("alice").pk],
        at="2020-01-02T10:00:00",  # no offset: local time, as on the form
        late_reason="Typed up from the paper diary",
    )
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.worker == world.user("cara")
    assert list(contact.also_present.all()) == [world.user("alice")]
    assert timezone.localtime(contact.at).hour == 10


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 9999}, "minutes"),
        ({"at": (timezone.now() + timedelta(days=2)).isoformat()}, "at"),
        ({"follow_up_on": "2001-01-01"}, "follow_up_on"),
        ({"worker": 999_999}, "worker"),
        ({"also_present": [999_999]}, "also_present"),
    ],
)
def test_record_contact_refused_by_the_service_is_422_naming_the_field(world, overrides, field):
    response = post_contact(world.client("alice"), world.person, **overrides)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", field]
    assert error["msg"]
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.exists()


def test_record_contact_with_malformed_input_is_422_and_writes_nothing(world):
    response = post_contact(world.client("alice"), world.person, mode="carrier pigeon", at="soon")
    assert response.status_code == 422
    fields = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert fields == {("body", "payload", "mode"), ("body", "payload", "at")}
    assert not Contact.objects.exists()


def test_a_worker_from_another_organisation_is_refused(world):
    response = post_contact(world.client("alice"), world.person, worker=world.user("olly").pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "worker"]
    assert not Contact.objects.exists()


@pytest.mark.parametrize("name", ["amir", "sam", "dana", "fern", "olly", "vic"])
def test_record_contact_is_404_for_the_wrong_role_or_person(world, name):
    response = post_contact(world.client(name), world.person)
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
    assert not Contact.objects.exists()


def test_record_contact_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("alice"))
    assert post_contact(client, world.person).status_code == 403
    client.get("/api/v1/docs")  # any page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        contacts_url(world.person),
        {"at": timezone.now().isoformat(), "mode": "phone", "minutes": 5, "initiated_by": "us"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    assert Contact.objects.count() == 1


def test_my_people_lists_who_needs_contact_first_with_continuity(world):
    overdue = PersonFactory(team=world.team, given_name="Olive", family_name="Overdue")
    SpellFactory(person=overdue, worker=world.user("alice"))
    ContactFactory(
        person=overdue,
        worker=world.user("alice"),
        at=timezone.now() - timedelta(days=10),
        follow_up_on=timezone.localdate() - timedelta(days=2),
    )
    rows = world.client("alice").get("/api/v1/me/people").json()
    assert [row["name"] for row in rows] == ["Olive Overdue", "Pat Example"]
    first = rows[0]
    assert first["person_id"] == overdue.pk
    assert first["priority"] == "follow_up_overdue"
    assert first["days_since_contact"] == 10
    assert first["continuity"] == {
        "contacts": 1,
        "workers": 1,
        "upc": 1.0,
        "coc": None,
        "secon": None,
        "mmci": 1.0,
        "hhi": 1.0,
        "named_share": 1.0,
    }
    assert rows[1]["priority"] == "longer_than_usual" and rows[1]["last_contact_at"] is None


@pytest.mark.parametrize("name", ["cara", "dana", "fern"])
def test_my_people_is_empty_for_those_who_are_no_ones_named_worker(world, name):
    assert world.client(name).get("/api/v1/me/people").json() == []


def test_my_people_never_crosses_organisations(world):
    rows = world.client("olly").get("/api/v1/me/people").json()
    assert [row["person_id"] for row in rows] == [world.other_person.pk]


def test_my_people_query_count_does_not_grow_with_rows(world):
    def add(n):
        for _ in range(n):
            person = PersonFactory(team=world.team)
            SpellFactory(person=person, worker=world.user("alice"))
            ContactFactory(person=person, worker=world.user("alice"))

    assert_constant_queries(world.client("alice"), "/api/v1/me/people", add)


def test_contacts_walk_by_cursor_newest_first_and_stay_with_their_person(world):
    contacts = [contact_with_words(world, days_ago=days)[0] for days in (1, 2, 2, 3)]
    client = world.client("alice")
    walked, cursor = [], None
    while True:
        body = client.get(
            contacts_url(world.person), {"page_size": 1, **({"cursor": cursor} if cursor else {})}
        ).json()
        walked += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    expected = sorted(contacts, key=lambda c: (c.at, c.pk), reverse=True)
    assert walked == [c.pk for c in expected]
    first = client.get(contacts_url(world.person), {"page_size": 1}).json()
    other = PersonFactory(team=world.team)
    response = client.get(contacts_url(other), {"cursor": first["next"]})
    assert response.status_code == 400  # a cursor is for its own person's contacts
