"""The person picker on "Suggest an introduction": every permitted person can be chosen (not
the first 300 names), suggestions pre-fill it, and it works without JavaScript."""

import re

import pytest
from django.urls import reverse

from alongside.connections.models import Introduction
from alongside.connections.tests.helpers import build_town
from alongside.people.models import Person
from alongside.testing.helpers import assert_constant_queries, reset_rate_limits


@pytest.fixture
def crowd(world):
    """310 people whose names sort before Sumaiya Begum, then Sumaiya Begum."""
    reset_rate_limits()
    build_town(world)
    Person.objects.bulk_create(
        Person(
            organisation=world.org,
            team=world.team,
            given_name=f"Aaron{number:03d}",
            family_name="Marsh",
            search_key=f"aaron{number:03d} marsh",
        )
        for number in range(310)
    )
    return Person.objects.create(
        organisation=world.org, team=world.team, given_name="Sumaiya", family_name="Begum"
    )


def page(response) -> str:
    return response.content.decode()


def test_the_301st_name_can_be_chosen_from_a_suggestion_link(world, crowd):
    client = world.client("alice")
    url = reverse("connections:propose", args=[world.person.pk])
    html = page(client.get(url, {"with": crowd.pk}))
    # Pre-filled from the suggestion: Sumaiya is there, already chosen.
    assert re.search(rf'value="{crowd.pk}"\s+checked', html)
    assert "Sumaiya Begum" in html
    response = client.post(url, {"other": crowd.pk})
    assert response.status_code == 302, page(response)
    assert Introduction.objects.for_system("test").count() == 1


def test_without_javascript_find_reloads_the_page_with_matches_to_choose(world, crowd):
    client = world.client("alice")
    url = reverse("connections:propose", args=[world.person.pk])
    html = page(client.get(url))
    # The search box belongs to its own GET form outside the POST form (HTML `form` attribute).
    assert '<form id="pick-other" method="get"' in html
    assert 'name="other_search" form="pick-other"' in html
    assert 'type="submit" form="pick-other"' in html
    assert "Aaron000" not in html  # no list of 300 names: search first
    html = page(client.get(url, {"other_search": "sumaiya"}))
    assert f'type="radio" id="id_other_{crowd.pk}" name="other" value="{crowd.pk}"' in html
    assert "Link workers" in html  # what tells two people of one name apart
    assert 'value="sumaiya"' in html


def test_the_picker_offers_and_accepts_only_people_the_viewer_may_pick(world, crowd):
    client = world.client("alice")
    url = reverse("connections:propose", args=[world.person.pk])
    html = page(client.get(url, {"other_search": "quinn"}))
    assert f'value="{world.other_person.pk}"' not in html
    # Pat cannot be introduced to themselves, so is not offered either.
    html = page(client.get(url, {"other_search": "pat example"}))
    assert f'name="other" value="{world.person.pk}"' not in html
    response = client.post(url, {"other": world.other_person.pk})
    assert response.status_code == 400
    assert "Choose someone from the list" in page(response)
    assert Introduction.objects.for_system("test").count() == 0


def test_the_picker_page_costs_the_same_queries_however_many_match(world, crowd):
    url = reverse("connections:propose", args=[world.person.pk]) + "?other_search=aaron"

    def add(n: int) -> None:
        for number in range(n):
            Person.objects.create(
                organisation=world.org, team=world.team, given_name=f"Aaron{number}x"
            )

    assert_constant_queries(world.client("alice"), url, add)
