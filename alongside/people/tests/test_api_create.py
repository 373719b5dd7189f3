"""Adding a person through the API: the same possible-match question, answered with 409."""

import pytest

from alongside.people.models import Person
from alongside.testing.factories import PersonFactory

PEOPLE = "/api/v1/people"

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)


def _post(client, **body):
    return client.post(PEOPLE, body, content_type="application/json")


def test_adding_a_person_with_the_basics(world):
    response = _post(
        world.client("colin"),
        given_name="Mairead",
        family_name="O'Brien",
        team=world.team.pk,
        postcode="m11ae",
        phone="+44 7700 900123",
        date_of_birth="1984-05-06",
        age_band="35_44",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["postcode"], body["phone"], body["date_of_birth"]) == (
        "M1 1AE",
        "+44 7700 900123",
        "1984-05-06",
    )


def test_a_possible_match_is_409_with_the_ids_until_confirmed(world):
    twin = PersonFactory(team=world.team, given_name="Pat", family_name="Exámple")
    client = world.client("alice")
    response = _post(client, given_name="pat", family_name="example", team=world.team.pk)
    assert response.status_code == 409
    assert sorted(response.json()["candidates"]) == sorted([world.person.pk, twin.pk])
    assert Person.objects.filter(name_key="pat example").count() == 2
    confirmed = _post(
        client, given_name="pat", family_name="example", team=world.team.pk, confirm_new=True
    )
    assert confirmed.status_code == 201
    assert Person.objects.filter(name_key="pat example").count() == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "nonsense"),
        ("date_of_birth", "2030-01-01"),
        ("email", "nope"),
        ("team", 999999),
    ],
)
def test_wrong_basics_are_422_naming_the_field(world, field, value):
    body = {"given_name": "Ann", "family_name": "Newby", "team": world.team.pk, field: value}
    response = _post(world.client("colin"), **body)
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])
    assert not Person.objects.filter(family_name="Newby").exists()


@pytest.mark.parametrize("name", ["vic", "amir", "sam", "dana", "fern"])
def test_only_who_may_add_people_may_add_through_the_api(world, name):
    response = _post(world.client(name), given_name="Ann", team=world.team.pk)
    assert response.status_code == 404
    assert not Person.objects.filter(given_name="Ann").exists()
