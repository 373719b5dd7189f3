"""Fixtures for the scheduling tests: workers with a week of availability, and running the task
queue once."""

import pytest
from django.core.management import call_command

from alongside.scheduling.tests.helpers import give_week


@pytest.fixture
def diaries(world):
    for name in ("alice", "cara", "vic", "colin"):
        give_week(world.members[name])
    return world


@pytest.fixture
def run_tasks(monkeypatch):
    """Run the task worker once over the queue, as `alongside db_worker --batch` does.

    The worker closes "old" connections between tasks; inside a test's transaction that would
    close the test's own connection on PostgreSQL, so that one call is a no-op here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
