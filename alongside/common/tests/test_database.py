import os

import pytest
from django.db import IntegrityError, connection, transaction

from alongside.testing.factories import SpellFactory


def test_suite_runs_on_the_engine_it_was_asked_for(db):
    expected = "postgresql" if os.environ.get("ALONGSIDE_TEST_DATABASE") == "postgres" else "sqlite"
    assert connection.vendor == expected


def test_database_refuses_two_open_named_worker_spells(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpellFactory(person=world.person)


@pytest.mark.postgresql
def test_postgresql_connections_run_without_the_jit_compiler(db):
    """Decision 0132: the app's PostgreSQL connections turn JIT off (the server's default is on),
    and the production settings ask for it on every PostgreSQL database they configure."""
    from config import settings

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert settings.POSTGRES_OPTIONS == {"options": "-c jit=off"}


def test_production_settings_give_every_postgresql_database_the_options(monkeypatch):
    """Read the production settings afresh with a PostgreSQL default and replica."""
    import importlib

    import config.settings

    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.invalid:5432/alongside")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://app@replica.invalid:5432/alongside")
    try:
        fresh = importlib.reload(config.settings)
        for name in ("default", "replica"):
            assert fresh.DATABASES[name]["OPTIONS"]["options"] == "-c jit=off", name
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)
