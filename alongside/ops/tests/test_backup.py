"""The restore drill and the commands' refusals: `alongside backup` and `alongside restore`.

The drill builds a small demo, backs it up, destroys the database, restores it, and checks every
table's row count and the audit chain. It runs in both passes of `make test`: on SQLite, and on
the throwaway PostgreSQL cluster (pg_dump and pg_restore).
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from alongside.access.models import Membership
from alongside.audit.models import AuditEvent
from alongside.audit.services import record_read
from alongside.ops.backup import table_counts
from alongside.people.models import Person
from alongside.relationships.models import Contact
from alongside.support.models import SupportNote

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return path


def run(*args: object, **options: object) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err, **options)
    except SystemExit as exit:
        raise AssertionError(f"exit {exit.code}: {out.getvalue()}{err.getvalue()}") from None
    return out.getvalue()


def destroy_database() -> None:
    """What a lost disk leaves: no tables at all."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


def records() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[str]]:
    return (
        sorted(Person.objects.values_list("id", "given_name", "family_name", "what_matters")),
        sorted(Contact.objects.values_list("id", "person_id", "worker_id", "at", "minutes")),
        list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)),
    )


def read_every_persons_notes() -> None:
    """A chain worth checking: one audited read per person, by the demo supporter."""
    supporter = Membership.objects.get(user__username="supporter")
    with transaction.atomic():
        for person in Person.objects.filter(organisation=supporter.organisation):
            notes = SupportNote.objects.for_system("the restore drill").filter(person=person)
            record_read(
                SupportNote, [n.pk for n in notes], by=supporter,
                organisation_id=person.organisation_id, person_id=person.pk,
            )  # fmt: skip


def test_restore_drill_brings_back_every_record_and_an_intact_audit_chain(
    committed, tmp_path, passphrase_file, settings
):
    run("demo", people=40, years=1)
    read_every_persons_notes()
    before_counts, before_records = table_counts(), records()
    assert before_counts["people_person"] >= 40
    assert before_counts["audit_auditevent"] > 40
    backup = tmp_path / "drill.backup"
    settings.ALONGSIDE_AUDIT_CHECKPOINTS = tmp_path / "checkpoints"
    assert "Checkpoint written" in run("audit", "checkpoint")  # the chain's head, signed

    said = run("backup", output=str(backup), passphrase_file=str(passphrase_file))
    assert f"to {backup}" in said and "encrypted" in said
    assert backup.stat().st_mode & 0o777 == 0o600
    assert b"Riverside" not in backup.read_bytes()  # encrypted at rest

    destroy_database()
    said = run("restore", str(backup), passphrase_file=str(passphrase_file))

    assert "Every table's row count matches the backup." in said
    assert table_counts() == before_counts
    assert records() == before_records
    verified = run("audit", "verify")
    events = before_counts["audit_auditevent"]
    assert verified.startswith(
        f"Audit chain intact: {events} events verified; matches 1 checkpoint"
    )
    if connection.vendor == "postgresql":  # the append-only guard came back with the table
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.update(summary={})
    # The restored database is a working one: the demo sees itself.
    assert "already loaded" in run("demo", people=40, years=1)


def test_restore_refuses_a_database_that_is_not_empty_unless_told_to_replace(
    committed, tmp_path, passphrase_file
):
    run("demo", people=40, years=1)
    backup = tmp_path / "a.backup"
    run("backup", output=str(backup), passphrase_file=str(passphrase_file))
    before, before_records = table_counts(), records()
    with pytest.raises(CommandError, match="is not empty .* pass --replace") as refused:
        run("restore", str(backup), passphrase_file=str(passphrase_file))
    assert refused.value.returncode == 2
    Person.objects.update(given_name="Changed after the backup")
    said = run("restore", str(backup), passphrase_file=str(passphrase_file), replace=True)
    assert "Audit chain intact" in said
    assert table_counts() == before
    assert records() == before_records


def test_bad_input_exits_2_naming_the_problem_and_changes_nothing(
    committed, tmp_path, passphrase_file
):
    backup = tmp_path / "ok.backup"
    run("backup", output=str(backup), passphrase_file=str(passphrase_file))
    raw = backup.read_bytes()
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all")
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(raw[:100] + bytes([raw[100] ^ 1]) + raw[101:])
    cut = tmp_path / "cut.backup"
    cut.write_bytes(raw[: len(raw) // 2])
    destroy_database()
    cases = {
        (str(backup), str(wrong)): "the passphrase is wrong",
        (str(damaged), str(passphrase_file)): "damaged",
        (str(cut), str(passphrase_file)): "cut short",
        (str(tmp_path / "missing.backup"), str(passphrase_file)): "missing.backup: cannot be read",
        (str(backup), str(tmp_path / "nowhere")): "nowhere: the passphrase file cannot be read",
    }
    for (file, key), said in cases.items():
        with pytest.raises(CommandError, match=said) as refused:
            run("restore", file, passphrase_file=key)
        assert refused.value.returncode == 2
        assert connection.introspection.table_names() == []  # nothing partial
    run("restore", str(backup), passphrase_file=str(passphrase_file))  # leave the database whole


@pytest.mark.django_db
def test_backup_refuses_a_short_passphrase_an_existing_file_and_no_passphrase(
    tmp_path, passphrase_file, monkeypatch
):
    short = tmp_path / "short"
    short.write_text("too short")
    existing = tmp_path / "there.backup"
    existing.write_bytes(b"keep me")
    monkeypatch.delenv("ALONGSIDE_BACKUP_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("ALONGSIDE_BACKUP_PASSPHRASE", raising=False)
    cases = [
        ({"passphrase_file": str(short)}, "at least 12 characters"),
        ({"passphrase_file": str(passphrase_file), "output": str(existing)}, "exists already"),
        ({}, "no backup passphrase: pass --passphrase-file"),
    ]
    for options, said in cases:
        with pytest.raises(CommandError, match=said) as refused:
            run("backup", **{"output": str(tmp_path / "new.backup"), **options})
        assert refused.value.returncode == 2
    assert existing.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["passphrase", "short", "there.backup"]


def test_the_passphrase_can_come_from_the_environment(committed, tmp_path, monkeypatch):
    monkeypatch.setenv("ALONGSIDE_BACKUP_PASSPHRASE", PASSPHRASE)
    backup = tmp_path / "env.backup"
    run("backup", output=str(backup))
    destroy_database()
    assert "matches the backup" in run("restore", str(backup))
