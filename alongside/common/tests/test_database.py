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


def test_production_settings_give_every_postgresql_database_the_options(monkeypatch, tmp_path):
    """The production settings, read afresh with a PostgreSQL default and replica."""
    from alongside.ops.tests.test_checks import PRODUCTION, load_settings

    loaded = load_settings(
        monkeypatch,
        tmp_path,
        **{
            **PRODUCTION,
            "DATABASE_URL": "postgres://app@db.invalid:5432/alongside",
            "DATABASE_REPLICA_URL": "postgres://app@replica.invalid:5432/alongside",
        },
    )
    for name in ("default", "replica"):
        assert loaded["DATABASES"][name]["OPTIONS"]["options"] == "-c jit=off", name
