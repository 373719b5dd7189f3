"""PostgreSQL: the app runs as a role that may only INSERT and SELECT audit events; the owner
(who migrates) is another role. The app's role cannot change, delete, truncate or unguard the
log, and the app still works. Everything here happens inside the test's transaction (roles and
grants are transactional in PostgreSQL), so it is all rolled back."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from alongside.audit import actions
from alongside.audit.dbroles import grants_sql
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.audit.verify import verify_chain
from alongside.people.models import Person
from alongside.testing.clock import SUMMER_MIDDAY

OWNER, APP = "alongside_test_owner", "alongside_test_app"


def execute(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def as_role(role: str) -> Iterator[None]:
    execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        execute("RESET ROLE")


@pytest.fixture
def roles(world):
    """An owner role that owns every table (as after `alongside migrate` run by it), and an app
    role given what `alongside dbroles` grants, applied by the owner (not a superuser)."""
    execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: ALTER TABLE refuses
    execute(f"CREATE ROLE {OWNER} NOLOGIN")
    execute(f"CREATE ROLE {APP} NOLOGIN")
    execute(f"GRANT CREATE, USAGE ON SCHEMA public TO {OWNER}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'ALTER TABLE public."{table}" OWNER TO {OWNER}')
        cursor.execute(f"ALTER FUNCTION audit_event_is_append_only() OWNER TO {OWNER}")
    with as_role(OWNER):
        for statement in grants_sql(APP, owner=OWNER):
            execute(statement)
    return world


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_or_delete",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_no_update_or_delete ON audit_auditevent",
        "SET session_replication_role = replica",
        "DROP TABLE audit_auditevent",
        "SELECT id FROM audit_auditevent FOR UPDATE",
    ],
)
def test_the_app_role_cannot_change_or_unguard_the_audit_log(roles, statement):
    with transaction.atomic():
        record(roles.person, action=actions.PEOPLE_PERSON_CHANGED, by=roles.user("alice"))
    before = AuditEvent.objects.count()
    refused = pytest.raises(DatabaseError, match="permission denied|must be owner")
    with as_role(APP), refused, transaction.atomic():
        execute(statement)
    assert AuditEvent.objects.count() == before
    assert verify_chain().first_problem is None


@pytest.mark.postgresql
@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_the_app_role_still_works(roles):
    with as_role(APP):
        with transaction.atomic():
            person = Person.objects.get(pk=roles.person.pk)
            person.given_name = "Patricia"
            person.save()
            record(person, action=actions.PEOPLE_PERSON_CHANGED, by=roles.user("alice"))
            record(person, action=actions.PEOPLE_PERSON_CHANGED, by=roles.user("alice"))
        assert AuditEvent.objects.filter(person=person).count() == 2
        assert verify_chain().first_problem is None
        call_command("dbroles", "--check")  # exit 0: only INSERT and SELECT on audit events


@pytest.mark.postgresql
def test_the_owner_still_could_and_check_says_so(roles, capsys):
    """Why the app must not run as the owner: the owner can switch the trigger off."""
    with as_role(OWNER):
        with pytest.raises(SystemExit) as exit_:
            call_command("dbroles", "--check")
        assert exit_.value.code == 1
        assert f"{OWNER} owns audit_auditevent" in capsys.readouterr().err
        with transaction.atomic():
            execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_or_delete")
            with pytest.raises(SystemExit):
                call_command("dbroles", "--check")
            assert "audit_event_no_update_or_delete on audit_auditevent is missing or disabled" in (
                capsys.readouterr().err
            )
            transaction.set_rollback(True)


def test_dbroles_prints_the_grants_and_refuses_bad_names(capsys):
    call_command("dbroles", "--app", "alongside_app", "--owner", "alongside_owner")
    printed = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON TABLE "public".audit_auditevent TO "alongside_app";' in printed
    assert 'REVOKE ALL ON TABLE "public".audit_auditevent FROM "alongside_app";' in printed
    assert 'ALTER DEFAULT PRIVILEGES FOR ROLE "alongside_owner"' in printed
    for bad in (["--app", 'x"; DROP TABLE y; --'], ["--app", "ok", "--owner", "Ünïcode"], []):
        with pytest.raises(CommandError) as raised:
            call_command("dbroles", *bad)
        assert raised.value.returncode == 2


@pytest.mark.django_db
def test_dbroles_check_and_apply_are_for_postgresql_only():
    if connection.vendor == "postgresql":
        # The test suite connects as a superuser: exactly what the check must refuse.
        with pytest.raises(SystemExit) as exit_:
            call_command("dbroles", "--check")
        assert exit_.value.code == 1
        return
    for option in (["--check"], ["--app", "a", "--apply"]):
        with pytest.raises(CommandError, match="not PostgreSQL") as raised:
            call_command("dbroles", *option)
        assert raised.value.returncode == 2
