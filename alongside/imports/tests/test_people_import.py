"""Importing people: dry run, all or nothing, idempotent by external id per source, problems
named by line and column, possible matches, notes in the support sphere, the audit."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.audit.queries import access_log
from alongside.audit.tests.test_chain import tampering
from alongside.audit.verify import verify_chain
from alongside.imports.models import ImportedRecord
from alongside.imports.services import import_file
from alongside.people.models import Person
from alongside.relationships.models import ContinuityDay
from alongside.relationships.summaries import rebuild
from alongside.support.models import SupportNote
from alongside.testing.factories import MembershipFactory, PersonFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-06 10:00:00+00:00")]

HEADER = "external_id,given_name,family_name,date_of_birth,postcode,phone,email\n"


@pytest.fixture
def lead():
    team = TeamFactory(name="Advice")
    return MembershipFactory(organisation=team.organisation, team=team, role=Role.DATA_LEAD)


def write(tmp_path, text, name="people.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def people_of(lead):
    return Person.objects.filter(organisation_id=lead.organisation_id).order_by("id")


def test_a_dry_run_counts_and_writes_nothing(lead, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "A1,Amira,Haddad,1980-02-01,SW1A 1AA,07700 900123,amira@example.org\n"
        + "A2,Tomasz,Nowak,05/12/1975,,,\n",
    )
    outcome = import_file(lead, path, kind="people", source="Lamplight", dry_run=True)
    assert (outcome.created, outcome.updated, outcome.skipped) == (2, 0, 0)
    assert outcome.ok and not outcome.written
    assert not people_of(lead).exists()
    assert not ImportedRecord.objects.exists()


def test_an_import_writes_each_person_once_and_a_second_import_changes_nothing(lead, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "A1,Amira,Haddad,1980-02-01,sw1a1aa,07700 900123,amira@example.org\n"
        + "A2,Tomasz,Nowak,05/12/1975,,,\n"
        + "A3,Łucja,Wójcik,27426,,,\n",
    )
    first = import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    assert first.written and (first.created, first.updated, first.skipped) == (3, 0, 0)
    people = list(people_of(lead).values_list("given_name", "date_of_birth", "postcode"))
    assert people == [
        ("Amira", date(1980, 2, 1), "SW1A 1AA"),
        ("Tomasz", date(1975, 12, 5), ""),
        ("Łucja", date(1975, 2, 1), ""),  # Excel serial 27426
    ]
    again = import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
    assert people_of(lead).count() == 3
    assert ImportedRecord.objects.count() == 3


def test_an_updated_file_updates_the_same_person(lead, tmp_path):
    import_file(
        lead,
        write(tmp_path, HEADER + "A1,Amira,Haddad,1980-02-01,,,\n"),
        kind="people",
        source="Lamplight",
        dry_run=False,
    )
    outcome = import_file(
        lead,
        write(tmp_path, HEADER + "A1,Amira,Haddad-Khan,1980-02-01,,07700 900123,\n"),
        kind="people",
        source="Lamplight",
        dry_run=False,
    )
    assert (outcome.created, outcome.updated, outcome.skipped) == (0, 1, 0)
    person = people_of(lead).get()
    assert (person.family_name, person.phone) == ("Haddad-Khan", "07700 900123")
    assert person.phone_key == "07700900123" and "haddadkhan" in person.search_key


def test_the_same_id_from_another_source_is_another_record(lead, tmp_path):
    path = write(tmp_path, HEADER + "A1,Amira,Haddad,1980-02-01,,,\nA2,Bo,Li,,,,\n")
    import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    other = write(tmp_path, HEADER + "A1,Kwame,Mensah,1990-03-04,,,\n", name="other.csv")
    outcome = import_file(lead, other, kind="people", source="Charitylog", dry_run=False)
    assert outcome.created == 1
    assert people_of(lead).count() == 3


def test_any_bad_row_writes_nothing_and_every_bad_row_is_named(lead, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "A1,Amira,Haddad,1980-02-01,,,\n"
        + "A2,Tomasz,Nowak,31/02/1975,,,\n"
        + "A3,,Wójcik,,,,\n"
        + "A4,Bo,Li,,NOT A POSTCODE,,\n"
        + "A5,Jo,Kay,next tuesday,,call me,not-an-email\n"
        + "A1,Amira,Again,,,,\n",
    )
    outcome = import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    assert not outcome.written and outcome.errors == 5
    named = {(p.line, p.column) for p in outcome.problems if p.error}
    assert named == {
        (3, "date_of_birth"),
        (4, "given_name"),
        (5, "postcode"),
        (6, "date_of_birth"),
        (6, "phone"),
        (6, "email"),
        (7, "external_id"),
    }
    messages = {p.line: p.message for p in outcome.problems}
    assert "not a day on the calendar" in messages[3]
    assert "same id as line 2" in messages[7]
    assert not people_of(lead).exists()
    assert not AuditEvent.objects.filter(action__startswith="imports.").exists()


def test_a_possible_match_is_skipped_with_a_warning_unless_confirmed_new(lead, tmp_path):
    existing = PersonFactory(
        team=lead.team, given_name="Amira", family_name="Haddad", date_of_birth=date(1980, 2, 1)
    )
    path = write(
        tmp_path,
        "external_id,given_name,family_name,date_of_birth,confirmed_new\n"
        "A1,Amira,Haddad,01/02/1980,\n"
        "A2,Amira,Haddad,01/02/1980,yes\n"
        "A3,Amira,Haddad,1999-09-09,\n",  # another date of birth: someone else
    )
    outcome = import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    assert (outcome.created, outcome.skipped, outcome.warnings) == (2, 1, 1)
    warning = outcome.problems[0]
    assert (warning.line, warning.error) == (2, False)
    assert f"record {existing.pk}" in warning.message
    assert people_of(lead).count() == 3


def test_names_and_text_in_any_language_and_windows_1252(lead, tmp_path):
    utf8 = write(
        tmp_path, HEADER + "A1,Zoë,Ó Súilleabháin,,,,\nA2,明,王,,,,\nA3,Αλέξης,Παππάς,,,,\n"
    )
    bom = write(tmp_path, "\ufeff" + HEADER + "B1,Søren,Kierkegaard,,,,\n", name="bom.csv")
    ansi = write(tmp_path, HEADER + "C1,Renée,Müller,,,,\n", name="ansi.csv", encoding="cp1252")
    for path, source in ((utf8, "a"), (bom, "b"), (ansi, "c")):
        assert import_file(lead, path, kind="people", source=source, dry_run=False).written
    names = set(people_of(lead).values_list("given_name", "family_name"))
    assert names == {
        ("Zoë", "Ó Súilleabháin"),
        ("明", "王"),
        ("Αλέξης", "Παππάς"),
        ("Søren", "Kierkegaard"),
        ("Renée", "Müller"),
    }


def test_notes_land_in_the_support_sphere_and_the_import_is_audited(lead, tmp_path):
    path = write(
        tmp_path,
        "external_id,given_name,family_name,notes\nA1,Amira,Haddad,Needs help with rent arrears\n",
    )
    import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    person = people_of(lead).get()
    note = SupportNote.objects.for_system("test").get(person=person)
    assert note.text == "Needs help with rent arrears" and note.author == lead.user
    events = AuditEvent.objects.filter(action="imports.record.imported")
    assert {(e.subject_type, e.sphere) for e in events} == {
        ("people.person", "shared"),
        ("support.supportnote", "support"),
    }
    assert AuditEvent.objects.filter(action="imports.file.imported").count() == 1
    lines = access_log(person.pk, lead.organisation_id, viewer=lead)
    assert any(line.did == "imported your record from Lamplight" for line in lines)
    assert verify_chain(tmp_path).first_problem is None
    # The batch's events are chained like any others: a changed one is caught.
    tampered = AuditEvent.objects.filter(action="imports.record.imported").first()
    with tampering():
        AuditEvent.objects.filter(pk=tampered.pk).update(summary={"source": "somewhere else"})
    report = verify_chain(tmp_path)
    assert report.first_problem is not None and report.event_id == tampered.pk


def test_the_command_prints_counts_and_a_dry_run_writes_nothing(lead, tmp_path):
    path = write(tmp_path, HEADER + "A1,Amira,Haddad,1980-02-01,,,\n")
    out = StringIO()
    call_command("import", str(path), "--kind", "people", "--dry-run", stdout=out)
    assert "1 to create, 0 to update, 0 to skip" in out.getvalue()
    assert not people_of(lead).exists()
    call_command("import", str(path), "--kind", "people", "--source", "Lamplight", stdout=out)
    call_command("import", str(path), "--kind", "people", "--source", "Lamplight", stdout=out)
    assert "0 created, 0 updated, 1 skipped" in out.getvalue()
    assert people_of(lead).count() == 1


def test_the_command_exits_2_naming_every_bad_row_and_writes_nothing(lead, tmp_path):
    path = write(
        tmp_path, HEADER + "A1,Amira,Haddad,1980-02-01,,,\nA2,Bo,Li,99/99/2000,,,\nA3,,,,,,\n"
    )
    with pytest.raises(CommandError) as refused:
        call_command(
            "import", str(path), "--kind", "people", "--organisation", lead.organisation.slug
        )
    assert refused.value.returncode == 2
    text = str(refused.value)
    assert f"{path}: line 3, column date_of_birth:" in text
    assert f"{path}: line 4, column given_name:" in text
    assert not people_of(lead).exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--kind", "nonsense"], "not a kind of import"),
        (["--kind", "people", "--organisation", "nowhere"], "No organisation"),
    ],
)
def test_the_command_refuses_bad_arguments_with_exit_2(lead, tmp_path, args, says):
    path = write(tmp_path, HEADER)
    with pytest.raises(CommandError) as refused:
        call_command("import", str(path), *args)
    assert refused.value.returncode == 2 and says in str(refused.value)


def test_a_named_worker_is_given_and_an_unknown_one_is_a_warning(lead, tmp_path):
    from alongside.relationships.models import NamedWorkerSpell
    from alongside.testing.factories import UserFactory

    worker = MembershipFactory(
        organisation=lead.organisation,
        user=UserFactory(username="wanda", first_name="Wanda", last_name="Jones"),
        role=Role.SUPPORTER,
    ).user
    path = write(
        tmp_path,
        "external_id,given_name,named_worker\nA1,Amira,wanda\nA2,Bo,Wanda Jones\nA3,Jo,J. Smith (left)\n",
    )
    outcome = import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    assert outcome.written and outcome.created == 3 and outcome.warnings == 1
    assert "No worker called “J. Smith (left)”" in outcome.problems[0].message
    spells = NamedWorkerSpell.objects.filter(person__organisation=lead.organisation)
    assert sorted(s.person.given_name for s in spells) == ["Amira", "Bo"]
    assert {s.worker for s in spells} == {worker}


def test_the_demo_export_is_importable_once_its_columns_are_mapped(lead, tmp_path):
    from alongside.demo.previous_system import MAPPING, SOURCE, write_previous_system_export
    from alongside.imports.services import save_mapping

    for n in range(10):
        PersonFactory(team=lead.team, date_of_birth=date(1960, 1, 1 + n))
    path = write_previous_system_export(lead.organisation, tmp_path / "export.csv", rows=600)
    save_mapping(lead, source=SOURCE, kind="people", columns=MAPPING)
    outcome = import_file(lead, path, kind="people", source=SOURCE, dry_run=False)
    assert outcome.written and outcome.errors == 0
    assert outcome.skipped > 0 and outcome.created + outcome.skipped == 600
    again = import_file(lead, path, kind="people", source=SOURCE, dry_run=False)
    assert again.created == 0


def test_contacts_come_in_with_their_people_and_notes(lead, tmp_path):
    from alongside.relationships.models import Contact
    from alongside.testing.factories import UserFactory

    MembershipFactory(
        organisation=lead.organisation, user=UserFactory(username="wanda"), role=Role.SUPPORTER
    )
    people = write(tmp_path, HEADER + "A1,Amira,Haddad,1980-02-01,,,\n")
    import_file(lead, people, kind="people", source="Lamplight", dry_run=False)
    contacts = write(
        tmp_path,
        "external_id,person,worker,at,minutes,mode,notes\n"
        "C1,A1,wanda,05/12/2026 14:30,45,Phone,Talked about rent\n"
        "C2,A1,wanda,2026-11-01,,,\n",
        name="contacts.csv",
    )
    outcome = import_file(lead, contacts, kind="contacts", source="Lamplight", dry_run=False)
    assert outcome.written and outcome.created == 2
    first = Contact.objects.get(at__date=date(2026, 12, 5))
    assert (first.minutes, first.mode, first.person.given_name) == (45, "phone", "Amira")
    assert first.at.hour == 14 and first.at.minute == 30
    note = SupportNote.objects.for_system("test").get(contact=first)
    assert note.text == "Talked about rent"
    # The continuity summary is kept as the contact services keep it (decision 0069).
    kept = sorted(ContinuityDay.objects.values_list("person_id", "day", "contacts"))
    rebuild()
    assert kept == sorted(ContinuityDay.objects.values_list("person_id", "day", "contacts")) != []
    again = import_file(lead, contacts, kind="contacts", source="Lamplight", dry_run=False)
    assert (again.created, again.skipped) == (0, 2)


def test_a_contact_with_an_unknown_worker_or_person_is_an_error(lead, tmp_path):
    contacts = write(
        tmp_path,
        "external_id,person,worker,at\nC1,NOPE,nobody,2026-12-05\nC2,,,31/12/1999\n",
        name="contacts.csv",
    )
    outcome = import_file(lead, contacts, kind="contacts", source="Lamplight", dry_run=False)
    assert not outcome.written
    named = {(p.line, p.column) for p in outcome.problems}
    assert named == {(2, "person"), (2, "worker"), (3, "person"), (3, "worker"), (3, "at")}
    assert any("No worker called “nobody”" in p.message for p in outcome.problems)


def test_a_workbook_imports_like_a_csv(lead, tmp_path):
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["External ID", "Given name", "Family name", "Date of birth", "Phone"])
    sheet.append([101, "Łucja", "Wójcik", dt.datetime(1975, 2, 1), 7700900123])  # noqa: DTZ001
    sheet.append([102, "Kwame", "Mensah", 27426, None])
    sheet.append([103, "Bo", "Li", "05/12/1975", "07700 900124"])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    outcome = import_file(lead, path, kind="people", source="Excel", dry_run=False)
    assert outcome.written and outcome.created == 3, outcome.problems
    born = dict(people_of(lead).values_list("given_name", "date_of_birth"))
    assert born == {"Łucja": date(1975, 2, 1), "Kwame": date(1975, 2, 1), "Bo": date(1975, 12, 5)}
    assert set(ImportedRecord.objects.values_list("external_id", flat=True)) == {
        "101",
        "102",
        "103",
    }


def test_a_person_erased_since_is_never_filled_in_again_by_the_same_file(lead, tmp_path):
    from alongside.rights.services.erasure import erase_person

    path = write(tmp_path, HEADER + "A1,Amira,Haddad,1980-02-01,SW1A 1AA,07700 900123,\n")
    import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    erase_person(people_of(lead).get(), by=lead, reason="Asked by letter")
    again = import_file(lead, path, kind="people", source="Lamplight", dry_run=False)
    assert (again.created, again.updated, again.skipped) == (0, 0, 1)
    assert [p.message for p in again.problems if not p.error] == [
        "This person's record was erased (on their request or at the end of its retention "
        "period): it is not imported again."
    ]
    person = people_of(lead).get()
    assert "Amira" not in (person.given_name, person.preferred_name)
    assert (person.phone, person.postcode) == ("", "")
