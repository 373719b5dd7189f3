"""A malformed archive or a non-empty organisation is refused, naming what is wrong, and nothing
is written; the command line answers 2."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.access.models import Membership, Organisation
from alongside.archive.models import RestoredAuditEvent
from alongside.archive.services import ArchiveError, RestoreRefused, export_organisation, restore
from alongside.archive.tests.builders import full_organisation
from alongside.audit.models import AuditEvent
from alongside.people.models import Person
from alongside.testing.factories import OrganisationFactory, PersonFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-01 09:00:00+00:00")]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    organisation, lead = full_organisation()
    path = tmp_path / "archive.zip"
    export_organisation(organisation, lead, path)
    return path


def _edit(path: Path, member: str, change) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the archive with one CSV's rows passed through `change` (rows -> rows)."""
    out = path.with_name(f"edited-{member}.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == member:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
                buffer = io.StringIO(newline="")
                csv.writer(buffer).writerows(change(rows))
                data = buffer.getvalue().encode("utf-8")
            target.writestr(name, data)
    return out


def _nothing_written(organisation: Organisation) -> None:
    assert not Person.objects.filter(organisation=organisation).exists()
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert not RestoredAuditEvent.objects.filter(organisation=organisation).exists()
    assert not AuditEvent.objects.filter(organisation=organisation).exists()


def _set(column: str, value: str, row: int = 1):  # type: ignore[no-untyped-def]
    def change(rows: list[list[str]]) -> list[list[str]]:
        rows[row][rows[0].index(column)] = value
        return rows

    return change


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        ("people.csv", _set("date_of_birth", "31/02/1980"),
         "people.csv, line 2, field date_of_birth: '31/02/1980' is not a date (2026-12-05)"),
        ("people.csv", _set("given_name", ""), "people.csv, line 2, field given_name: This field"),
        ("people.csv", _set("given_name", "x" * 101),
         "people.csv, line 2, field given_name: Ensure this value has at most 100 characters"),
        ("contacts.csv", _set("person", "no-such-person"),
         "contacts.csv, line 2, field person: refers to 'no-such-person', which is not a row of "
         "people.csv"),
        ("contacts.csv", _set("mode", "carrier pigeon"),
         "contacts.csv, line 2, field mode: Value 'carrier pigeon' is not a valid choice."),
        ("spells.csv", _set("chosen_by_person", "maybe"),
         "spells.csv, line 2, field chosen_by_person: 'maybe' is not true or false"),
        ("workers.csv", _set("role", "boss"), "workers.csv, line 2, field role: 'boss' is not a role"),
        ("people.csv", lambda rows: [rows[0][:-1], *rows[1:]],
         "3 problems, found before anything was written:\n- people.csv, line 1: the header row "
         "is not the columns datapackage.json gives this table\n- people.csv, line 1, field "
         "created_at: this column is missing from the header row; the archive was made "
         "2026-12-01 by this version of Alongside\n- people.csv, line 2: has "),
        ("people.csv", lambda rows: [*rows, rows[1]], "people.csv, line 5, field id: id"),
        ("spends.csv", _set("amount", "lots"),
         "spends.csv, line 2, field amount: 'lots' is not a number (12.5)"),
        ("imported_records.csv", _set("object_id", "nowhere"),
         "imported_records.csv, line 2, field object_id: refers to 'nowhere', which is not a row "
         "of the table import kind 'people' fills"),
        ("weekly_availability.csv", _set("membership", "no-such-worker"),
         "weekly_availability.csv, line 2, field membership: refers to 'no-such-worker', which is "
         "not a row of workers.csv"),
    ],
)  # fmt: skip
def test_a_malformed_archive_is_refused_naming_file_line_and_field(  # type: ignore[no-untyped-def]
    archive: Path, member, change, message
) -> None:
    edited = _edit(archive, member, change)
    copy = OrganisationFactory()
    with pytest.raises(ArchiveError) as refused:
        restore(edited, copy, None)
    assert str(refused.value).startswith(message), str(refused.value)
    _nothing_written(copy)


def test_not_an_archive_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK not really")
    with pytest.raises(ArchiveError, match="not a zip archive"):
        restore(junk, OrganisationFactory(), None)
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(ArchiveError, match="datapackage.json: missing"):
        restore(empty, OrganisationFactory(), None)


def test_an_organisation_that_is_not_empty_is_refused(archive: Path) -> None:
    busy = OrganisationFactory(slug="busy")
    PersonFactory(organisation=busy, team=TeamFactory(organisation=busy))
    with pytest.raises(RestoreRefused, match=r"busy is not empty \(it has 1 teams, 1 people\)"):
        restore(archive, busy, None)
    assert Person.objects.filter(organisation=busy).count() == 1
    assert not AuditEvent.objects.filter(organisation=busy).exists()


def test_the_command_line_exports_and_restores(archive: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("archive", "restore", str(archive), "--organisation", "again", "--name", "Again",
                 stdout=out)  # fmt: skip
    assert "Restored" in out.getvalue()
    again = Organisation.objects.get(slug="again")
    assert again.name == "Again" and Person.objects.filter(organisation=again).count() == 2
    output = tmp_path / "again.zip"
    call_command("archive", "export", "--organisation", "again", "--output", str(output),
                 stdout=out)  # fmt: skip
    assert zipfile.ZipFile(output).testzip() is None
    with pytest.raises(CommandError, match="again is not empty") as refused:
        call_command("archive", "restore", str(archive), "--organisation", "again")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="no organisation 'nope'") as refused:
        call_command("archive", "export", "--organisation", "nope", "--output", str(output))
    assert refused.value.returncode == 2
    bad = _edit(archive, "people.csv", _set("date_of_birth", "soon"))
    with pytest.raises(CommandError, match="people.csv, line 2, field date_of_birth") as refused:
        call_command("archive", "restore", str(bad), "--organisation", "fresh")
    assert refused.value.returncode == 2
    assert not Organisation.objects.filter(slug="fresh").exists()


def test_alongside_import_restores_an_archive_as_its_archive_kind(archive: Path) -> None:
    out = io.StringIO()
    call_command("import", str(archive), "--kind", "archive", "--organisation", "trial",
                 "--dry-run", stdout=out)  # fmt: skip
    assert "rolled back; nothing was written" in out.getvalue()
    assert not Organisation.objects.filter(slug="trial").exists()
    call_command("import", str(archive), "--kind", "archive", "--organisation", "moved",
                 stdout=out)  # fmt: skip
    assert Person.objects.filter(organisation__slug="moved").count() == 2
    with pytest.raises(CommandError, match="moved is not empty") as refused:
        call_command("import", str(archive), "--kind", "archive", "--organisation", "moved")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="needs --organisation SLUG") as refused:
        call_command("import", str(archive), "--kind", "archive")
    assert refused.value.returncode == 2


def test_an_id_used_by_an_earlier_table_is_refused(archive: Path) -> None:
    """The ids restored so far are kept on disk (decision 0057): an id met again in a later
    table, in a chunk that does not refer to it, is still caught, naming the line."""
    with zipfile.ZipFile(archive) as zf:
        people = list(csv.reader(io.StringIO(zf.read("people.csv").decode(), newline="")))
    edited = _edit(archive, "gifts.csv", _set("id", people[1][0]))
    copy = OrganisationFactory()
    with pytest.raises(ArchiveError) as refused:
        restore(edited, copy, None)
    assert str(refused.value) == f"gifts.csv, line 2, field id: id {people[1][0]!r} appears twice"
    _nothing_written(copy)
