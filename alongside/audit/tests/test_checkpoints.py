"""Signed checkpoints anchor the chain outside the database: events cut off the end and a chain
recomputed after an edit are found whenever a checkpoint newer than them exists."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from alongside.audit import actions
from alongside.audit.chain import hash_of
from alongside.audit.checkpoints import (
    ChainMovedError,
    CheckpointError,
    audit_key,
    latest,
    set_aside,
    take,
)
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.audit.tasks import take_checkpoint
from alongside.audit.tests.test_chain import tampering
from alongside.audit.verify import verify_chain
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def folder(settings, tmp_path):
    settings.ALONGSIDE_AUDIT_CHECKPOINTS = tmp_path / "checkpoints"
    return settings.ALONGSIDE_AUDIT_CHECKPOINTS


def add_events(world, n):
    with transaction.atomic():
        for index in range(n):
            record(
                world.person,
                action=actions.PEOPLE_PERSON_CHANGED,
                by=world.user("alice"),
                summary={"fields": [f"f{index}"]},
            )
    return list(AuditEvent.objects.order_by("id"))


def recompute(events, start, **change):
    """Change event `start` and recompute every later hash, as an insider with the code would."""
    with tampering():
        previous = events[start - 1].hash if start else "0" * 64
        for index, event in enumerate(events[start:]):
            event.refresh_from_db()
            if index == 0:
                for name, value in change.items():
                    setattr(event, name, value)
            event.previous_hash = previous
            event.hash = hash_of(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                **change if index == 0 else {}, previous_hash=previous, hash=event.hash
            )
            previous = event.hash


def verify_exit(capsys, *args):
    """Run `audit verify`; return (exit code, the one line it printed)."""
    try:
        call_command("audit", "verify", *args)
    except SystemExit as exit_:
        return exit_.code, capsys.readouterr().err.strip()
    return 0, capsys.readouterr().out.strip()


def test_intact_chain_with_checkpoints_passes_with_one_line(world, folder, capsys):
    add_events(world, 3)
    call_command("audit", "checkpoint")
    assert "Checkpoint written: 3 events" in capsys.readouterr().out
    events = add_events(world, 2)
    call_command("audit", "checkpoint")
    capsys.readouterr()
    code, line = verify_exit(capsys)
    assert code == 0 and "\n" not in line
    assert line.startswith("Audit chain intact: 5 events verified; matches 2 checkpoint(s)")
    assert "at 5 events" in line
    assert len(list(folder.glob("*.json"))) == 2
    assert latest(folder, audit_key()).head_id == events[-1].pk


def test_events_cut_off_the_end_are_found(world, folder, capsys):
    events = add_events(world, 5)
    take()
    with tampering():
        AuditEvent.objects.filter(pk__in=[events[3].pk, events[4].pk]).delete()
    # The chain alone still links up: only the checkpoint can tell.
    code, line = verify_exit(capsys)
    assert code == 1
    assert f"event {events[3].pk} is missing" in line
    assert "holds 3 events" in line and "recorded 5" in line and "cut off the end" in line
    assert verify_chain().event_id == events[3].pk


def test_a_recomputed_chain_is_found_at_the_first_changed_event(world, folder, capsys):
    events = add_events(world, 5)
    take()
    recompute(events, 2, summary={"fields": ["forged"]})
    code, line = verify_exit(capsys)
    assert code == 1
    assert f"event {events[2].pk} is not the event number 3" in line
    assert f"(event {events[1].pk} and those before it match)" in line


def test_a_deleted_event_relinked_is_found(world, folder, capsys):
    events = add_events(world, 5)
    take()
    with tampering():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    recompute([e for e in events if e.pk != events[1].pk], 1)
    code, line = verify_exit(capsys)
    assert code == 1 and f"event {events[2].pk} is not the event number 2" in line


def test_without_a_trail_the_stretch_is_named(world, folder, capsys, monkeypatch):
    monkeypatch.setattr("alongside.audit.checkpoints.TRAIL_LIMIT", 1)
    events = add_events(world, 5)
    take()
    recompute(events, 1, summary={"fields": ["forged"]})
    code, line = verify_exit(capsys)
    # Only the head (and the last event) were kept: the change is found there, with no pinpoint.
    assert code == 1 and f"event {events[4].pk} is not the event number 5" in line


def test_events_newer_than_every_checkpoint_are_not_vouched_for(world, folder, capsys):
    """The documented limit: what happened after the latest checkpoint only the chain guards."""
    events = add_events(world, 3)
    take()
    more = add_events(world, 2)
    with tampering():
        AuditEvent.objects.filter(pk=more[-1].pk).delete()
    code, line = verify_exit(capsys)
    assert code == 0 and "4 events verified" in line
    assert events[-1].pk < more[-1].pk


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda body: body.update(count=body["count"] - 1), "signature does not match"),
        (lambda body: body.update(mac="0" * 64), "signature does not match"),
        (lambda body: body.update(key_id="someone-else"), "different key"),
        (lambda body: body.pop("mac"), "signature does not match"),
    ],
)
def test_a_tampered_checkpoint_is_reported(world, folder, capsys, change, why):
    add_events(world, 3)
    path = take().path
    body = json.loads(path.read_text())
    change(body)
    path.chmod(0o640)
    path.write_text(json.dumps(body))
    code, line = verify_exit(capsys)
    assert code == 1 and f"checkpoint {path.name} is not to be trusted" in line and why in line


def test_a_checkpoint_that_is_not_json_is_reported(world, folder, capsys):
    add_events(world, 1)
    take()
    (folder / "20991231T000000Z-garbage.json").write_text("{not json")
    code, line = verify_exit(capsys)
    assert code == 1 and "20991231T000000Z-garbage.json is not to be trusted" in line


def test_a_checkpoint_signed_with_another_key_is_reported(world, folder, capsys, settings):
    add_events(world, 2)
    take()
    settings.ALONGSIDE_AUDIT_KEY = "another key, at least thirty-two characters long"
    code, line = verify_exit(capsys)
    assert code == 1 and "signed with a different key" in line


def test_checkpoint_refuses_to_sign_a_rewritten_chain(world, folder, capsys):
    events = add_events(world, 4)
    take()
    recompute(events, 1, summary={"fields": ["forged"]})
    with pytest.raises(ChainMovedError):
        take()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "checkpoint")
    assert exit_.value.code == 1
    assert "No checkpoint taken: the log no longer matches checkpoint" in capsys.readouterr().err
    assert len(list(folder.glob("*.json"))) == 1


def test_checkpoints_are_never_overwritten(world, folder, time_machine):
    time_machine.move_to(SUMMER_MIDDAY, tick=False)
    add_events(world, 1)
    first, second = take().path, take().path
    assert first != second and first.read_text() != "" and second.exists()
    assert not list(folder.glob(".*"))  # no temporary files left behind


def test_only_if_moved_writes_nothing_for_an_unchanged_log(world, folder):
    add_events(world, 2)
    assert take(only_if_moved=True).path is not None
    assert take(only_if_moved=True).path is None
    add_events(world, 1)
    assert take(only_if_moved=True).count == 3


def test_no_key_in_production_is_a_clear_error(world, folder, settings, capsys, tmp_path):
    add_events(world, 1)
    take()
    settings.DEBUG = False
    settings.ALONGSIDE_AUDIT_KEY = ""
    settings.ALONGSIDE_AUDIT_KEY_FILE = ""
    for command in ("checkpoint", "verify"):
        with pytest.raises(CommandError, match="no audit key: set ALONGSIDE_AUDIT_KEY") as raised:
            call_command("audit", command)
        assert raised.value.returncode == 2
    settings.ALONGSIDE_AUDIT_KEY = "too short"
    with pytest.raises(CheckpointError, match="at least 32 characters"):
        audit_key()
    key_file = tmp_path / "audit.key"
    settings.ALONGSIDE_AUDIT_KEY = ""
    settings.ALONGSIDE_AUDIT_KEY_FILE = str(key_file)
    with pytest.raises(CheckpointError, match=f"ALONGSIDE_AUDIT_KEY_FILE={key_file}"):
        audit_key()
    key_file.write_text("a key kept in a file, outside the database\n")
    assert audit_key() == b"a key kept in a file, outside the database"
    take()  # with the key from the file
    # Signed with the demo key before: that checkpoint now fails, and says why.
    code, line = verify_exit(capsys)
    assert code == 1 and "different key" in line


def test_a_missing_folder_given_is_bad_input(world, folder, tmp_path):
    for command in ("checkpoint", "verify"):
        with pytest.raises(CommandError, match="no such checkpoint folder") as raised:
            call_command("audit", command, "--checkpoints", str(tmp_path / "nowhere"))
        assert raised.value.returncode == 2


def test_verify_reads_checkpoints_from_a_folder_given(world, folder, tmp_path, capsys):
    """A restore drill copies the checkpoints elsewhere and points verify at them."""
    events = add_events(world, 3)
    take()
    copy = tmp_path / "copied"
    copy.mkdir()
    for path in folder.glob("*.json"):
        (copy / path.name).write_text(path.read_text())
    with tampering():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    code, line = verify_exit(capsys, "--checkpoints", str(copy))
    assert code == 1 and f"event {events[-1].pk} is missing" in line


def test_a_checkpoint_is_queued_after_every_nth_event_and_then_periodically(
    world, folder, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.ALONGSIDE_AUDIT_CHECKPOINT_EVERY = 1
    settings.ALONGSIDE_AUDIT_CHECKPOINT_MINUTES = 60
    with django_capture_on_commit_callbacks(execute=True):
        add_events(world, 3)
    queued = DBTaskResult.objects.filter(task_path=take_checkpoint.module_path)
    assert queued.count() == 1  # one queued, not one per event
    assert take_checkpoint.call() != "unchanged"
    assert latest(folder, audit_key()).count == 3
    later = queued.filter(run_after__gt=SUMMER_MIDDAY).exclude(pk=queued.first().pk)
    assert later.exists()  # the next periodic one
    assert take_checkpoint.call() == "unchanged"
    assert len(list(folder.glob("*.json"))) == 1


def test_automatic_checkpoints_off(world, folder, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.ALONGSIDE_AUDIT_CHECKPOINT_EVERY = 0
    with django_capture_on_commit_callbacks(execute=True):
        add_events(world, 3)
    assert not DBTaskResult.objects.exists()


def test_the_command_line_answers_help_and_bad_input_without_a_database():
    alongside = str(Path(sys.executable).with_name("alongside"))
    shown = subprocess.run(  # noqa: S603
        [alongside, "audit", "--help"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert shown.returncode == 0 and "checkpoint" in shown.stdout and "verify" in shown.stdout
    bad = subprocess.run(  # noqa: S603
        [alongside, "audit", "verify", "--no-such-option"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 2 and "--no-such-option" in bad.stderr


def test_setting_aside_keeps_the_checkpoints_under_a_new_name(world, folder):
    add_events(world, 1)
    take()
    moved = set_aside("demo-reset")
    assert moved is not None and moved.name.startswith("checkpoints.set-aside-demo-reset-")
    assert len(list(moved.glob("*.json"))) == 1 and not folder.exists()
    assert set_aside("demo-reset") is None  # nothing left to set aside


def test_deploy_check_wants_a_key_in_production(settings):
    from alongside.audit.checks import audit_key_is_set

    settings.DEBUG = False
    settings.ALONGSIDE_AUDIT_KEY = ""
    settings.ALONGSIDE_AUDIT_KEY_FILE = ""
    assert [error.id for error in audit_key_is_set()] == ["alongside.audit.E001"]
    settings.ALONGSIDE_AUDIT_KEY_FILE = "/run/secrets/audit-key"
    assert audit_key_is_set() == []


def test_migrate_starts_the_periodic_checkpoints(db, settings):
    from django.apps import apps
    from django.db.models.signals import post_migrate
    from django_tasks_db.models import DBTaskResult

    from alongside.audit.apps import _start_periodic_checkpoints

    assert post_migrate.has_listeners(apps.get_app_config("audit"))
    settings.ALONGSIDE_AUDIT_CHECKPOINT_MINUTES = 60
    _start_periodic_checkpoints()
    _start_periodic_checkpoints()  # a second migrate queues no second one
    assert DBTaskResult.objects.filter(task_path=take_checkpoint.module_path).count() == 1
    settings.ALONGSIDE_AUDIT_CHECKPOINT_MINUTES = 0
    DBTaskResult.objects.all().delete()
    _start_periodic_checkpoints()
    assert not DBTaskResult.objects.exists()
