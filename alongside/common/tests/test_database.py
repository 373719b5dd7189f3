import os

import pytest
from django.db import IntegrityError, connection, transaction

from alongside.testing.factories import SpellFactory

OPTIONS = "-c jit=off -c random_page_cost=1.1"  # decisions 0132 and 0137


def test_suite_runs_on_the_engine_it_was_asked_for(db):
    expected = "postgresql" if os.environ.get("ALONGSIDE_TEST_DATABASE") == "postgres" else "sqlite"
    assert connection.vendor == expected


def test_database_refuses_two_open_named_worker_spells(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpellFactory(person=world.person)


@pytest.mark.postgresql
def test_postgresql_connections_run_without_the_jit_compiler_and_price_random_reads_as_cached(db):
    """Decision 0132: the app's PostgreSQL connections turn JIT off (the server's default is on);
    decision 0137: they price a random page read at 1.1 sequential ones (the server's default is
    4, a spinning disk's); and the production settings ask for both on every PostgreSQL database
    they configure."""
    from config import settings

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
    assert settings.POSTGRES_OPTIONS == {
        "options": OPTIONS,
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


@pytest.mark.postgresql
def test_postgresql_statements_are_bound_on_the_server_and_prepared_when_repeated(db):
    """Decision 0140: a statement the connection sends again is prepared, so PostgreSQL plans it
    once (client-side binding sends each as new text, planned every time)."""
    from alongside.people.models import Person

    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    assert threshold is not None
    for _ in range(threshold + 2):
        list(Person.objects.filter(pk=-1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "people_person" WHERE "people_person"."id" = $1%'],
        )
        assert cursor.fetchone()[0] == 1


def _production_settings_on_postgresql(monkeypatch, tmp_path, **env: str) -> dict:
    """The production settings, read afresh with a PostgreSQL default database (and `env`)."""
    from alongside.ops.tests.test_checks import PRODUCTION, load_settings

    return load_settings(
        monkeypatch,
        tmp_path,
        **{**PRODUCTION, "DATABASE_URL": "postgres://app@db.invalid:5432/alongside", **env},
    )


def test_production_settings_give_every_postgresql_database_the_options(monkeypatch, tmp_path):
    """The production settings, read afresh with a PostgreSQL default and replica."""
    loaded = _production_settings_on_postgresql(
        monkeypatch,
        tmp_path,
        DATABASE_REPLICA_URL="postgres://app@replica.invalid:5432/alongside",
    )
    for name in ("default", "replica"):
        assert loaded["DATABASES"][name]["OPTIONS"]["options"] == OPTIONS, name
        assert loaded["DATABASES"][name]["OPTIONS"]["server_side_binding"] is True, name
        assert loaded["DATABASES"][name]["OPTIONS"]["prepare_threshold"] == 5, name


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(monkeypatch, tmp_path):
    loaded = _production_settings_on_postgresql(
        monkeypatch, tmp_path, DATABASE_PREPARED_STATEMENTS="false"
    )
    options = loaded["DATABASES"]["default"]["OPTIONS"]
    assert options["server_side_binding"] is False and options["prepare_threshold"] is None
