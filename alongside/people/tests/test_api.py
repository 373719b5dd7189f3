"""The people endpoints of the REST API: who sees whom, and what a page costs."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from alongside.testing.factories import PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries

PEOPLE = "/api/v1/people"


def person_url(world):
    return f"{PEOPLE}/{world.person.pk}"


def test_api_urls_are_mounted_under_api_v1():
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"


def test_people_list_shows_visible_people_with_team_and_named_worker(world):
    response = world.client("alice").get(PEOPLE)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": world.person.pk,
                "display_name": "Pat Example",
                "preferred_name": "",
                "pronouns": "",
                "team": {"id": world.team.pk, "name": "Link workers"},
                "named_worker": world.user("alice").get_full_name(),
            }
        ],
        "count": 1,
        "next": None,
        "previous": None,
    }


def test_people_list_searches_every_word_and_pages(world):
    PersonFactory(team=world.team, given_name="Patience", family_name="Other")
    PersonFactory(team=world.team, given_name="Robin", family_name="Other")
    client = world.client("cara")
    names = [p["display_name"] for p in client.get(PEOPLE, {"q": "pat"}).json()["items"]]
    assert names == ["Pat Example", "Patience Other"]
    second = client.get(PEOPLE, {"page": 2, "page_size": 2}).json()
    assert second["count"] == 3
    assert [p["display_name"] for p in second["items"]] == ["Robin Other"]


@pytest.mark.parametrize("name", ["vic", "dana", "fern"])
def test_people_list_is_empty_for_those_who_may_not_see_pat(world, name):
    response = world.client(name).get(PEOPLE)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0, "next": None, "previous": None}


def test_outsider_lists_only_their_own_organisation(world):
    body = world.client("olly").get(PEOPLE).json()
    assert [p["id"] for p in body["items"]] == [world.other_person.pk]
    assert world.client("olly").get(PEOPLE, {"q": "pat"}).json() == {
        "items": [],
        "count": 0,
        "next": None,
        "previous": None,
    }


def test_volunteer_lists_only_the_people_they_work_with(world):
    matched = PersonFactory(team=world.team, given_name="Matty", family_name="Match")
    SpellFactory(person=matched, worker=world.user("vic"))
    items = world.client("vic").get(PEOPLE).json()["items"]
    assert [p["display_name"] for p in items] == ["Matty Match"]


def test_person_record_has_shared_fields_and_named_worker(world):
    response = world.client("amir").get(person_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Pat Example"
    assert body["team"] == {"id": world.team.pk, "name": "Link workers"}
    spell = world.person.spells.get()
    assert body["named_worker"] == {
        "id": world.user("alice").pk,
        "name": world.user("alice").get_full_name(),
        "since": spell.started_on.isoformat(),
    }
    assert "asked_for" not in body and "notes" not in body


@pytest.mark.parametrize("name", ["vic", "dana", "fern", "olly"])
def test_person_record_is_404_for_those_who_may_not_see_it(world, name):
    response = world.client(name).get(person_url(world))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_unknown_person_is_the_same_404_as_a_hidden_one(world):
    response = world.client("alice").get(f"{PEOPLE}/{world.person.pk + 1000}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_bad_ids_and_pages_are_422_not_a_crash(world):
    client = world.client("alice")
    assert client.get(f"{PEOPLE}/0").status_code == 422
    assert client.get(f"{PEOPLE}/{2**70}").status_code == 422
    assert client.get(PEOPLE, {"page": 10**12}).status_code == 422
    assert client.get(PEOPLE, {"q": "a\x00b"}).status_code == 422


def test_signed_in_user_without_a_membership_gets_404(db):
    client = Client()
    client.force_login(User.objects.create_user("nomad"))
    assert client.get(PEOPLE).status_code == 404


def test_anonymous_caller_gets_401_not_a_login_redirect(world):
    response = Client().get(PEOPLE)
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_people_list_query_count_does_not_grow_with_rows(world):
    def add(n):
        for _ in range(n):
            SpellFactory(
                person=PersonFactory(team=world.team, given_name="Zed"),
                worker=world.user("cara"),
            )

    assert_constant_queries(world.client("alice"), f"{PEOPLE}?q=zed", add)


def test_schema_and_docs_need_a_login(world):
    assert Client().get("/api/v1/openapi.json").status_code == 302
    schema = world.client("alice").get("/api/v1/openapi.json").json()
    assert schema["info"] == {
        "title": "Alongside API",
        "version": "1",
        "description": "Session-authenticated API for people, contacts and continuity.",
    }


def test_docs_page_uses_our_own_static_files_and_no_inline_script(world):
    response = world.client("alice").get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "cdn" not in html.lower()
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert '<script type="application/json" id="swagger-settings">' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_people_list_walks_by_cursor_from_any_page(world):
    for given in ["Ann", "Bea", "Cy", "Dee", "Eve"]:
        PersonFactory(team=world.team, given_name=given, family_name="Walker")
    client = world.client("alice")
    by_number = [client.get(PEOPLE, {"page": n, "page_size": 2}).json() for n in (1, 2, 3)]
    names = [[p["display_name"] for p in body["items"]] for body in by_number]
    assert [body["count"] for body in by_number] == [6, 6, 6]
    assert by_number[0]["previous"] is None and by_number[2]["next"] is None
    walked, cursor = [], None
    while True:
        body = client.get(PEOPLE, {"page_size": 2, **({"cursor": cursor} if cursor else {})})
        body = body.json()
        walked.append([p["display_name"] for p in body["items"]])
        if cursor:
            assert body["count"] is None  # a cursor saves counting the whole list
        cursor = body["next"]
        if cursor is None:
            break
    assert walked == names
    # From page 2 by number, on by cursor and back.
    after = client.get(PEOPLE, {"page_size": 2, "cursor": by_number[1]["next"]}).json()
    before = client.get(PEOPLE, {"page_size": 2, "cursor": by_number[1]["previous"]}).json()
    assert [p["display_name"] for p in after["items"]] == names[2]
    assert [p["display_name"] for p in before["items"]] == names[0]
    assert before["previous"] is None


def test_a_bad_cursor_is_a_400_in_plain_words(world):
    client = world.client("alice")
    PersonFactory(team=world.team, given_name="Zoe")
    good = client.get(PEOPLE, {"page_size": 1}).json()["next"]
    for cursor in ["nonsense", good[:-3], good[:-3] + "abc"]:
        response = client.get(PEOPLE, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "not valid" in response.json()["detail"]
    both = client.get(PEOPLE, {"cursor": good, "page": 2})
    assert (both.status_code, both.json()) == (
        400,
        {"detail": "Give a page number or a cursor, not both."},
    )
    other_list = client.get(f"{person_url(world)}/contacts", {"cursor": good})
    assert other_list.status_code == 400
