"""Fixtures for the scheduling tests: workers with a week of availability (`run_tasks` is in
alongside/conftest.py)."""

import pytest

from alongside.scheduling.tests.helpers import give_week


@pytest.fixture
def diaries(world):
    for name in ("alice", "cara", "vic", "colin"):
        give_week(world.members[name])
    return world
