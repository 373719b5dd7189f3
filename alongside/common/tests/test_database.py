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
