"""The public ORUK API: paged as the ORUK OpenAPI, every item valid against the compiled
schemas, only published local services, and nothing about a person or a worker."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from alongside.directory.models import Location, Schedule, Service, ServiceAtLocation, ServiceSource
from alongside.directory.services import add_term, import_services
from alongside.directory.tests.helpers import PAGE_KEYS, example, schema_problems
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY)]


def publish(world, name: str, **fields) -> Service:
    service = Service.objects.create(
        organisation=world.org,
        name=name,
        source=ServiceSource.LOCAL,
        published=True,
        keeper=world.members["colin"],
        **fields,
    )
    location = Location.objects.create(
        organisation=world.org,
        name="St Mark's hall",
        postal_code="LS6 1AB",
        latitude=53.81,
        longitude=-1.57,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service=service, freq="WEEKLY", interval=1, byday="TU")
    service.terms.add(add_term(world.members["colin"], "Loneliness"))
    return service


def get(url: str, **params) -> tuple[int, dict]:
    response = Client().get(url, params)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_services_are_paged_and_every_item_validates(world):
    for n in range(3):
        publish(world, f"Knit and natter {n}", description="Tuesdays at the hall")
    Service.objects.create(organisation=world.org, name="Not published", published=False)
    import_services(world.org, [example("service_full.json")])  # imported: never republished
    status, first = get(reverse("oruk:services"), per_page=2)
    assert status == 200
    assert set(first) == PAGE_KEYS
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (3, 2, 1)
    assert (first["size"], first["first_page"], first["last_page"]) == (2, True, False)
    _, second = get(reverse("oruk:services"), per_page=2, page=2)
    assert (second["size"], second["last_page"], second["first_page"]) == (1, True, False)
    items = first["contents"] + second["contents"]
    assert [item["name"] for item in items] == [f"Knit and natter {n}" for n in range(3)]
    for item in items:
        assert schema_problems(item) == []
        assert schema_problems(item, "service_list") == []
    _, beyond = get(reverse("oruk:services"), page=9)
    assert beyond["empty"] is True and beyond["contents"] == []


def test_one_service_by_its_id_and_only_if_published(world):
    service = publish(world, "Knit and natter")
    status, item = get(reverse("oruk:service", args=[service.oruk_id]))
    assert status == 200 and schema_problems(item) == []
    assert item["id"] == str(service.oruk_id)
    assert item["schedules"][0]["byday"] == "TU"
    assert item["attributes"][0]["taxonomy_term"]["name"] == "Loneliness"
    assert item["organization"]["name"] if "organization" in item else True
    service.published = False
    service.save()
    status, _ = get(reverse("oruk:service", args=[service.oruk_id]))
    assert status == 404
    status, _ = get(reverse("oruk:service", args=[uuid.uuid4()]))
    assert status == 404


def test_no_worker_and_nothing_kept_from_an_import_is_served(world):
    service = publish(world, "Knit and natter", email="hall@example.org")
    service.extra = {"oruk": {"contacts": [{"id": str(uuid.uuid4()), "name": "Ann Persona"}]}}
    service.save()
    body = Client().get(reverse("oruk:service", args=[service.oruk_id])).content.decode()
    colin = world.user("colin")
    for private in ("Ann Persona", colin.username, colin.last_name, "contacts", "keeper"):
        assert private not in body


def test_search_and_taxonomy_filters(world):
    publish(world, "Knit and natter")
    debt = publish(world, "Debt advice drop-in")
    _, found = get(reverse("oruk:services"), search="debt")
    assert [item["name"] for item in found["contents"]] == ["Debt advice drop-in"]
    term = debt.terms.get()
    _, found = get(reverse("oruk:services"), taxonomy_term_id=str(term.oruk_id))
    assert [item["name"] for item in found["contents"]] == ["Debt advice drop-in"]
    _, found = get(reverse("oruk:services"), taxonomy_term_id="not-a-uuid")
    assert found["total_items"] == 0
    status, found = get(reverse("oruk:services"), search="debt\x00advice")
    assert status == 200 and [item["name"] for item in found["contents"]] == ["Debt advice drop-in"]


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"per_page": "-1"}])
def test_bad_paging_is_a_400_in_words(world, params):
    status, body = get(reverse("oruk:services"), **params)
    assert status == 400 and ("page" in body["error"])


def test_service_at_locations_and_taxonomies_validate(world):
    publish(world, "Knit and natter")
    status, page = get(reverse("oruk:service_at_locations"))
    assert status == 200 and set(page) == PAGE_KEYS and page["total_items"] == 1
    for item in page["contents"]:
        assert schema_problems(item, "service_at_location_list") == []
        assert schema_problems(item, "service_at_location") == []
    status, page = get(reverse("oruk:taxonomies"))
    assert status == 200 and page["total_items"] == 1
    assert page["contents"][0]["name"].endswith(": needs")
    status, about = get(reverse("oruk:index"))
    assert status == 200 and about["version"] == "3.0"


def test_the_api_needs_no_sign_in_and_takes_no_post(world):
    publish(world, "Knit and natter")
    assert Client().get(reverse("oruk:services")).status_code == 200
    assert Client().post(reverse("oruk:services")).status_code == 405
