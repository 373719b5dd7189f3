"""The ORUK examples import, search and re-export; the export validates; imports are idempotent
and refuse bad input naming the record and field, writing nothing."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alongside.audit.models import AuditEvent
from alongside.directory import oruk
from alongside.directory.models import (
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from alongside.directory.queries import Place, export_items, search
from alongside.directory.services import ImportRefused, import_services
from alongside.directory.tests.helpers import (
    CSV_FOLDER,
    EXAMPLES,
    PAGE_KEYS,
    SERVICE_ID,
    example,
    schema_problems,
)
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY)]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("directory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_full_example_imports_every_part():
    organisation = OrganisationFactory()
    result = import_services(organisation, [example("service_full.json")])
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    service = Service.objects.get(organisation=organisation)
    assert str(service.oruk_id) == SERVICE_ID
    assert service.name == "Community Counselling"
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.directory_organisation.name == "Example Organization Inc."
    location = Location.objects.get(organisation=organisation)
    assert (location.latitude, location.postal_code) == (100, "ABC 1234")  # as the schema allows
    schedule = Schedule.objects.get(service=service)
    assert (schedule.byday, str(schedule.opens_at)) == ("TH,FR", "10:00:00")
    assert service.terms.get().name == "name"
    assert service.extra["oruk"]["funding"][0]["id"] == "1f2df32c-bf08-4b8e-bd6f-e834014b19bc"


@pytest.mark.parametrize("source", ["service_full.json", "service_list.json"])
def test_the_examples_import_from_the_command_line_and_again_unchanged(source):
    OrganisationFactory(slug="brookside")
    out, _ = run("import", str(EXAMPLES / source), "--organisation", "brookside")
    assert out.strip() == "1 created, 0 updated, 0 unchanged"
    out, _ = run("import", str(EXAMPLES / source), "--organisation", "brookside")
    assert out.strip() == "0 created, 0 updated, 1 unchanged"
    assert Service.objects.count() == 1


def test_the_csv_tables_import_as_the_same_service():
    OrganisationFactory(slug="brookside")
    out, _ = run("import", str(CSV_FOLDER), "--organisation", "brookside")
    assert out.strip() == "1 created, 0 updated, 0 unchanged"
    service = Service.objects.get()
    assert str(service.oruk_id) == SERVICE_ID
    assert ServiceAtLocation.objects.get(service=service).location.name == "MyCity Civic Center"
    assert service.schedules.get().closes_at.hour == 18
    assert service.service_areas.get().extent_type == "geojson"
    assert DirectoryOrganisation.objects.get().name == "Example Organization Inc."


def test_the_same_id_twice_in_one_feed_is_one_service():
    organisation = OrganisationFactory()
    first = example("service_full.json")
    second = copy.deepcopy(first)
    second["name"] = "Community Counselling (renamed)"
    result = import_services(organisation, [first, second])
    assert result.created == 1
    assert Service.objects.get().name == "Community Counselling (renamed)"


def test_a_changed_service_is_updated_naming_what_changed():
    organisation = OrganisationFactory()
    item = example("service_full.json")
    import_services(organisation, [item])
    item["description"] = "Now on Saturdays too."
    item["schedules"][0]["byday"] = "TH,FR,SA"
    result = import_services(organisation, [item])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert result.changes == [
        {
            "oruk_id": SERVICE_ID,
            "name": "Community Counselling",
            "change": "updated",
            "fields": ["description", "schedules"],
        }
    ]
    service = Service.objects.get()
    assert service.description == "Now on Saturdays too."
    assert Schedule.objects.get().byday == "TH,FR,SA"


def test_every_problem_is_named_by_record_and_field_and_nothing_is_written(tmp_path):
    OrganisationFactory(slug="brookside")
    good = example("service_full.json")
    bad = copy.deepcopy(good)
    bad["id"] = "2b8f1e3a-9c4d-4e5f-8a6b-7c8d9e0f1a2b"
    bad["status"] = "open-ish"
    bad["minimum_age"] = -3
    bad["schedules"][0]["opens_at"] = "ten o'clock"
    no_name = {"id": "3c9f1e3a-9c4d-4e5f-8a6b-7c8d9e0f1a2b", "status": "active"}
    source = tmp_path / "feed.json"
    source.write_text(json.dumps([good, bad, no_name]))
    with pytest.raises(CommandError) as refused:
        run("import", str(source), "--organisation", "brookside")
    assert refused.value.returncode == 2
    with pytest.raises(ImportRefused) as caught:
        import_services(OrganisationFactory(), [good, bad, no_name])
    said = [str(problem) for problem in caught.value.problems]
    assert said == [
        "service 2 (id 2b8f1e3a-9c4d-4e5f-8a6b-7c8d9e0f1a2b): status: "
        "'open-ish' is not one of: active, inactive, defunct, temporarily closed",
        "service 3 (id 3c9f1e3a-9c4d-4e5f-8a6b-7c8d9e0f1a2b): name: 'name' is missing",
    ]
    bad["status"] = "active"
    with pytest.raises(ImportRefused) as caught:
        import_services(OrganisationFactory(), [good, bad])
    assert [str(problem) for problem in caught.value.problems] == [
        "service 2 (id 2b8f1e3a-9c4d-4e5f-8a6b-7c8d9e0f1a2b): minimum_age: "
        "-3 is not a whole number of years from 0 to 150",
        "service 2 (id 2b8f1e3a-9c4d-4e5f-8a6b-7c8d9e0f1a2b): schedules[0].opens_at: "
        '"ten o\'clock" is not a time (HH:MM)',
    ]
    assert Service.objects.count() == 0
    assert Location.objects.count() == 0
    assert not AuditEvent.objects.filter(action="directory.imported").exists()


def test_the_command_line_says_each_problem_on_standard_error(tmp_path):
    OrganisationFactory(slug="brookside")
    bad = example("service_full.json")
    bad["email"] = "not an address"
    source = tmp_path / "one.json"
    source.write_text(json.dumps(bad))
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("directory", "import", str(source), "--organisation=brookside", stderr=err)
    assert refused.value.returncode == 2
    assert f"service 1 (id {SERVICE_ID}): email: 'not an address' is not a valid email" in (
        err.getvalue()
    )
    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "said"),
    [("{not json", "not JSON (line 1, column 2"), ('"a string"', "expected a service")],
)
def test_a_source_that_is_not_services_is_refused(tmp_path, text, said):
    OrganisationFactory(slug="brookside")
    source = tmp_path / "odd.json"
    source.write_text(text)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("directory", "import", str(source), "--organisation=brookside", stderr=err)
    assert said in err.getvalue()


def test_the_examples_import_search_and_re_export_valid(tmp_path):
    organisation = OrganisationFactory(slug="brookside")
    run("import", str(EXAMPLES / "service_full.json"), "--organisation", "brookside")
    found = search(organisation, words="counselling")
    assert [f.service.name for f in found] == ["Community Counselling"]
    assert search(organisation, words="knitting") == []
    assert [f.service.name for f in search(organisation, place=Place(district="abc"))] == [
        "Community Counselling"
    ]
    assert search(organisation, day="MO") == []
    assert [f.service.name for f in search(organisation, day="TH")] == ["Community Counselling"]
    term = TaxonomyTerm.objects.get(organisation=organisation)
    assert len(search(organisation, term_ids=[term.pk])) == 1
    output = tmp_path / "export.json"
    out, _ = run("export", "--output", str(output), "--organisation", "brookside")
    assert out.strip() == f"1 services written to {output}"
    exported = json.loads(output.read_text())
    assert set(exported) == PAGE_KEYS
    assert exported["total_items"] == 1 and exported["last_page"] is True
    for item in exported["contents"]:
        assert schema_problems(item) == []
    item = exported["contents"][0]
    original = example("service_full.json")
    for key in ("id", "name", "description", "status", "fees", "minimum_age", "alert"):
        said = original[key].strip() if isinstance(original[key], str) else original[key]
        assert item[key] == said, key  # text is kept without spaces at either end
    assert item["funding"] == original["funding"]
    assert item["schedules"][0]["byday"] == "TH,FR"
    assert item["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "ABC 1234"
    # Re-importing the export changes nothing that was said.
    again = oruk.services_from_json(exported)
    assert oruk.check_services(again) == []


def test_export_items_of_an_empty_directory_make_an_empty_page():
    organisation = OrganisationFactory()
    assert export_items(organisation) == []
    assert oruk.page([], total=0, number=1, size=1)["empty"] is True
