"""The import pages: the data lead uploads, sees the dry run, maps columns, confirms; a large
file goes to a task with a progress bar; everyone else is refused."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from alongside.imports import tasks
from alongside.imports.models import ColumnMapping, ImportRun, RunStatus
from alongside.people.models import Person

pytestmark = pytest.mark.time_machine("2026-12-06 10:00:00+00:00")

GOOD = (
    "external_id,given_name,family_name,date_of_birth\n"
    "A1,Amira,Haddad,1980-02-01\n"
    "A2,Tomasz,Nowak,05/12/1975\n"
)


def upload(client, text, source="Lamplight", name="people.csv"):
    return client.post(
        reverse("imports:start"),
        {
            "file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"),
            "kind": "people",
            "source": source,
        },
    )


def imported(world):
    return Person.objects.filter(organisation=world.org, given_name__in=["Amira", "Tomasz"])


def test_the_data_lead_sees_the_dry_run_then_confirms(world):
    client = world.client("dana")
    response = upload(client, GOOD)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:run", args=[run.pk])
    assert run.status == RunStatus.CHECKED and run.created == 2
    assert not imported(world).exists()  # the dry run wrote nothing
    page = client.get(response.url).content.decode()
    assert "Confirm the import" in page and "To create" in page
    response = client.post(reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.stored_as == ""
    assert imported(world).count() == 2
    assert "What was imported" in client.get(reverse("imports:run", args=[run.pk])).content.decode()
    # Confirming twice writes nothing more.
    client.post(reverse("imports:confirm", args=[run.pk]))
    assert imported(world).count() == 2


def test_problems_are_shown_with_line_and_column_and_block_the_confirm(world):
    client = world.client("dana")
    upload(client, GOOD + "A3,Jo,Kay,31/02/1990\n")
    run = ImportRun.objects.get()
    assert run.errors == 1
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Confirm the import" not in page
    assert "<td>4</td><td>date_of_birth</td>" in page
    client.post(reverse("imports:confirm", args=[run.pk]))
    assert not imported(world).exists()


def test_the_problems_csv_cannot_run_formulas(world):
    client = world.client("dana")
    upload(client, "external_id,given_name,date_of_birth\n=HYPERLINK(1),Amira,=1+1\n")
    run = ImportRun.objects.get()
    response = client.get(reverse("imports:problems", args=[run.pk]))
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["line", "column", "problem", "kind"]
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any("“=1+1”" in cell for cell in cells)


def test_a_column_mapping_is_saved_for_the_source_and_used_next_time(world):
    client = world.client("dana")
    text = "Client ref,Forename,Surname\nA1,Amira,Haddad\n"
    upload(client, text)
    run = ImportRun.objects.get()
    assert run.errors == 1 and set(run.unmapped) == {"Client ref", "Forename", "Surname"}
    response = client.post(
        reverse("imports:columns", args=[run.pk]),
        {"column_0": "external_id", "column_1": "given_name", "column_2": "family_name"},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.errors == 0 and run.created == 1
    assert ColumnMapping.objects.get(source="Lamplight").columns["Forename"] == "given_name"
    # Next month's file from the same system needs no mapping.
    upload(client, "Client ref,Forename,Surname\nA2,Tomasz,Nowak\n")
    assert ImportRun.objects.order_by("-pk").first().created == 1


def test_a_large_file_is_checked_and_written_by_tasks(
    world, settings, django_capture_on_commit_callbacks
):
    settings.ALONGSIDE_IMPORT_INLINE_BYTES = 10
    client = world.client("dana")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, GOOD)
    run = ImportRun.objects.get()
    assert run.status == RunStatus.CHECKING
    assert DBTaskResult.objects.filter(task_path__endswith="check_import").count() == 1
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    tasks.check_import.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.created == 2
    response = client.get(reverse("imports:progress", args=[run.pk]))
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.WRITING and not imported(world).exists()
    tasks.write_import.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and imported(world).count() == 2


def test_a_hostile_file_is_refused_with_a_message(world):
    client = world.client("dana")
    upload(client, "\x00\x01binary", name="people.xlsx")
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REFUSED and "not a CSV or XLSX" in run.refused_because
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "This file was not imported." in page


@pytest.mark.parametrize("persona", ["alice", "colin", "sam", "fern", "olly"])
def test_every_other_role_is_refused_and_nothing_is_written(world, persona):
    response = upload(world.client(persona), GOOD)
    assert response.status_code == 404
    assert not ImportRun.objects.exists() and not imported(world).exists()


def test_the_new_kinds_are_on_the_import_page_with_saved_mappings(world):
    client = world.client("dana")
    page = client.get(reverse("imports:start")).content.decode()
    for kind in ("workers", "named_workers", "spaces", "attendance"):
        assert f'value="{kind}"' in page
    text = "Staff no,E-mail address,Forename,Job\nW1,ana@example.org,Ana,Supporter\n"
    client.post(
        reverse("imports:start"),
        {
            "file": SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv"),
            "kind": "workers",
            "source": "Charitylog",
        },
    )
    run = ImportRun.objects.get()
    assert run.kind == "workers" and run.errors
    client.post(
        reverse("imports:columns", args=[run.pk]),
        {
            "column_0": "external_id",
            "column_1": "email",
            "column_2": "first_name",
            "column_3": "role",
        },
    )
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.created == 1
    saved = ColumnMapping.objects.get(source="Charitylog", kind="workers").columns
    assert saved["E-mail address"] == "email"
    client.post(reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    workers = client.get(reverse("workers:list")).content.decode()
    assert "Imported: not invited yet" in workers
