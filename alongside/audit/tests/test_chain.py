from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from alongside.audit import actions
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
