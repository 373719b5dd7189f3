import hashlib
import json
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from alongside.audit import actions
from alongside.audit.chain import CURRENT, GENESIS, VERSIONS, hash_of, hashed_fields
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.audit.verify import verify_chain


@contextmanager
def tampering():
    """Let a test change the table behind the app's back (PostgreSQL's triggers refuse otherwise)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SET session_replication_role = replica"
            )  # superuser: skip user triggers
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    else:
        yield


@pytest.fixture
def chain(world):
    with transaction.atomic():
        for index in range(5):
            record(
                world.person,
                action=actions.PEOPLE_PERSON_CHANGED,
                by=world.user("alice"),
                summary={"fields": [f"f{index}"]},
            )
    return list(AuditEvent.objects.order_by("id"))


def test_intact_chain_verifies(chain, capsys):
    assert verify_chain().first_problem is None
    call_command("audit", "verify")
    assert "Audit chain intact: 5 events verified; no checkpoint yet" in capsys.readouterr().out


def test_edited_event_is_found(chain, capsys):
    with tampering():
        AuditEvent.objects.filter(pk=chain[2].pk).update(summary={"fields": ["something else"]})
    report = verify_chain()
    assert report.event_id == chain[2].pk and "changed" in report.first_problem
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    assert exit_.value.code == 1
    assert f"event {chain[2].pk} was changed" in capsys.readouterr().err


def test_deleted_event_is_found(chain):
    with tampering():
        AuditEvent.objects.filter(pk=chain[1].pk).delete()
    report = verify_chain()
    assert report.event_id == chain[2].pk and "deleted" in report.first_problem


def test_reordered_events_are_found(chain):
    first, second = chain[1], chain[2]
    with tampering():
        # Swap the content of two events, keeping their hashes consistent with their own content.
        fields = ("action", "summary", "previous_hash", "hash", "at")
        a = {f: getattr(first, f) for f in fields}
        b = {f: getattr(second, f) for f in fields}
        AuditEvent.objects.filter(pk=first.pk).update(**{**b, "hash": "swapping"})
        AuditEvent.objects.filter(pk=second.pk).update(**a)
        AuditEvent.objects.filter(pk=first.pk).update(hash=b["hash"])
    report = verify_chain()
    assert report.event_id == first.pk and "does not follow" in report.first_problem


def test_the_table_is_append_only_on_postgresql_and_the_chain_guards_sqlite(chain):
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=chain[0].pk).update(action="x")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=chain[0].pk).delete()
        assert verify_chain().first_problem is None
    else:
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="x")
        assert verify_chain().event_id == chain[0].pk
    assert AuditEvent.objects.count() == 5


@pytest.mark.postgresql
def test_appends_at_the_same_moment_keep_one_chain(committed_db, monkeypatch):
    """Appends are ordered by an advisory lock (the app's role may not SELECT ... FOR UPDATE):
    writers racing each other still make one chain, each event after the one before it."""
    import time

    from alongside.audit import services
    from alongside.testing.factories import OrganisationFactory
    from alongside.testing.helpers import race

    organisation = OrganisationFactory()
    real_save = AuditEvent.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.05)  # widen the window between reading the tail and inserting after it
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(AuditEvent, "save", slow_save)

    def append():
        with transaction.atomic():
            return services.record(
                organisation, action=actions.DEMO_BUILT, by=None, summary={"n": 1}
            )

    outcomes = race([append for _ in range(6)])
    assert all(isinstance(o, AuditEvent) for o in outcomes), outcomes
    assert AuditEvent.objects.count() == 6
    assert verify_chain().first_problem is None


# --- chain versions: the algorithm recorded per event (decision 0030) ------------------------


def rehash_from(events, start, **change):
    """Rewrite events[start:] (with `change` applied to each) and recompute their hashes."""
    with tampering():
        previous = events[start - 1].hash if start else GENESIS
        for event in events[start:]:
            event.refresh_from_db()
            for name, value in change.items():
                setattr(event, name, value)
            event.previous_hash = previous
            event.hash = hash_of(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                **change, previous_hash=previous, hash=event.hash
            )
            previous = event.hash


def test_new_events_record_the_current_version_and_its_algorithm(chain):
    assert {event.chain_version for event in chain} == {CURRENT}
    assert VERSIONS[CURRENT].algorithm == "sha256"
    event = chain[0]
    payload = json.dumps(
        {**hashed_fields(event), "chain_version": CURRENT},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    assert event.hash == hashlib.sha256(f"{GENESIS}|{payload}".encode()).hexdigest()


def test_events_written_before_versions_still_verify_beside_new_ones(chain, world):
    """Version 1 is exactly the arithmetic of the events written before versions existed."""
    rehash_from(chain, 0, chain_version=1)
    old = AuditEvent.objects.get(pk=chain[0].pk)
    payload = json.dumps(hashed_fields(old), sort_keys=True, separators=(",", ":"), default=str)
    assert old.hash == hashlib.sha256(f"{GENESIS}|{payload}".encode()).hexdigest()
    with transaction.atomic():  # and the log goes on under the current version
        new = record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=world.user("alice"))
    assert new.chain_version == CURRENT and new.previous_hash == chain[-1].hash != old.hash
    report = verify_chain()
    assert report.first_problem is None and report.events == 6


def test_a_changed_version_is_found(chain):
    with tampering():  # the version is in the hash: claiming another one is a change
        AuditEvent.objects.filter(pk=chain[1].pk).update(chain_version=1)
    report = verify_chain()
    assert report.event_id == chain[1].pk and "changed" in report.first_problem


def test_an_unknown_version_is_found_not_a_crash(chain):
    with tampering():
        AuditEvent.objects.filter(pk=chain[3].pk).update(chain_version=99)
    report = verify_chain()
    assert report.event_id == chain[3].pk and "changed" in report.first_problem
