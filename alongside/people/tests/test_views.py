from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.people.models import Person
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries


def test_person_page_shows_header_named_worker_and_timeline(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for="Help with the rent arrears",
        author=world.user("alice"),
    )
    response = world.client("alice").get(reverse("people:person", args=[world.person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pat Example" in html
    assert "Named worker: <strong>Alice" in html
    assert "Help with the rent arrears" in html
    assert f'id="contact-{contact.pk}"' in html


@pytest.mark.parametrize("name", ["cara", "amir", "sam"])
def test_person_page_colleagues_see_shared_but_not_support_words(world, name):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for="Help with the rent arrears",
        author=world.user("alice"),
    )
    response = world.client(name).get(reverse("people:person", args=[world.person.pk]))
    assert response.status_code == 200
    assert "Pat Example" in response.content.decode()
    assert "rent arrears" not in response.content.decode()


@pytest.mark.parametrize("name", ["olly", "vic", "dana", "fern"])
def test_person_page_is_hidden_from_people_who_may_not_see_it(world, name):
    response = world.client(name).get(reverse("people:person", args=[world.person.pk]))
    assert response.status_code == 404


def test_outsider_gets_404_on_every_person_url(world):
    client = world.client("olly")
    pk = world.person.pk
    for name in (
        "people:person",
        "people:person_edit",
        "relationships:record_contact",
        "relationships:assign_named_worker",
        "relationships:record_worker_request",
        "relationships:plan_handover",
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_search_finds_by_any_name_among_visible_people_only(world):
    PersonFactory(team=world.team, given_name="Patience", family_name="Other")
    response = world.client("alice").get(reverse("people:person_list"), {"q": "pat"})
    html = response.content.decode()
    assert "Pat Example" in html and "Patience Other" in html
    assert "Quinn" not in html
    response = world.client("olly").get(reverse("people:person_list"), {"q": "pat"})
    assert "Pat Example" not in response.content.decode()


def test_volunteer_sees_only_matched_people(world):
    matched = PersonFactory(team=world.team, given_name="Matty")
    SpellFactory(person=matched, worker=world.user("vic"))
    html = world.client("vic").get(reverse("people:person_list")).content.decode()
    assert "Matty" in html and "Pat Example" not in html


def test_add_person_with_bad_input_is_answered_and_nothing_saved(world):
    before = Person.objects.count()
    response = world.client("alice").post(
        reverse("people:person_create"),
        {"given_name": "", "team": world.team.pk, "contact_preference": "phone"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Enter their first name" in response.content.decode()
    assert "This field is required" not in response.content.decode()
    assert Person.objects.count() == before


def test_add_person_then_change_details(world):
    client = world.client("alice")
    response = client.post(
        reverse("people:person_create"),
        {
            "given_name": "Jo",
            "family_name": "Bloggs",
            "preferred_name": "",
            "pronouns": "they/them",
            "team": world.team.pk,
            "languages": "English, Polish",
            "contact_preference": "text",
            "contact_details": "07700 900123",
            "access_needs": "",
            "what_matters": "Getting back to work",
        },
    )
    person = Person.objects.get(given_name="Jo")
    assert response.status_code == 302 and response.url == reverse(
        "people:person", args=[person.pk]
    )
    response = client.post(
        reverse("people:person_edit", args=[person.pk]),
        {
            "given_name": "Jo",
            "family_name": "Bloggs",
            "preferred_name": "Joey",
            "pronouns": "they/them",
            "team": world.team.pk,
            "languages": "English, Polish",
            "contact_preference": "text",
            "contact_details": "07700 900123",
            "access_needs": "",
            "what_matters": "Getting back to work",
        },
    )
    person.refresh_from_db()
    assert person.display_name == "Joey Bloggs"


def test_assessor_cannot_add_people(world):
    assert world.client("amir").get(reverse("people:person_create")).status_code == 404


def test_person_list_query_count_does_not_grow_with_rows(world):
    def add(n):
        for _ in range(n):
            PersonFactory(team=world.team, given_name="Zed")

    assert_constant_queries(world.client("alice"), reverse("people:person_list") + "?q=zed", add)


def test_person_page_query_count_does_not_grow_with_contacts(world):
    def add(n):
        for days in range(n):
            ContactFactory(
                person=world.person,
                worker=world.user("cara"),
                at=timezone.now() - timedelta(days=days + 1),
            )

    assert_constant_queries(
        world.client("alice"), reverse("people:person", args=[world.person.pk]), add
    )


def test_person_page_shows_the_latest_contacts_and_offers_the_rest(world):
    from alongside.relationships.queries import TIMELINE_CONTACTS

    for days in range(TIMELINE_CONTACTS + 5):
        ContactFactory(
            person=world.person,
            worker=world.user("alice"),
            at=timezone.now() - timedelta(days=days + 1),
        )
    url = reverse("people:person", args=[world.person.pk])
    html = world.client("alice").get(url).content.decode()
    assert html.count('class="kind-contact"') == TIMELINE_CONTACTS
    assert "Show everything, including older contacts" in html
    html = world.client("alice").get(url + "?all=1").content.decode()
    assert html.count('class="kind-contact"') == TIMELINE_CONTACTS + 5
    assert "Show everything" not in html


def test_person_page_offers_only_the_actions_the_viewer_may_take(world):
    url = reverse("people:person", args=[world.person.pk])
    lead = world.client("sam").get(url).content.decode()
    for action in ("Change their details", "They asked for a worker", "Plan a handover"):
        assert action not in lead
    alice = world.client("alice").get(url).content.decode()
    for action in ("Change their details", "They asked for a worker", "Plan a handover"):
        assert action in alice
