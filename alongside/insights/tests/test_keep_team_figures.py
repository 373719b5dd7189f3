"""Decision 0138: every team page's default figures are worked out ahead of their first reader,
by a task that queues itself again every twelve hours."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.common import figures
from alongside.common.models import WorkedOutFigures
from alongside.insights import tasks
from alongside.insights.apps import _start_keeping_team_figures
from alongside.testing.factories import TeamFactory

PAGES = ("insights:team_continuity", "learning:team", "learning:scorecard")


@pytest.fixture
def keeping(settings):
    settings.ALONGSIDE_KEEP_TEAM_FIGURES = True


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.keep_team_figures.module_path))


def test_every_team_and_each_organisation_is_worked_out_unless_fresh(world):
    TeamFactory(organisation=world.org, name="Befriending")
    now = timezone.now()
    # Two organisations: the world's (two teams) and the other (one), each also as a whole.
    expected = (3 + 2) * len(tasks.TEAM_PAGES)
    with time_machine.travel(now, tick=False):
        assert tasks.keep_every_team() == expected
        assert WorkedOutFigures.objects.count() == expected
        assert tasks.keep_every_team() == 0  # all fresh
    with time_machine.travel(now + figures.FRESH_FOR + timedelta(seconds=1), tick=False):
        assert tasks.keep_every_team() == expected
        assert WorkedOutFigures.objects.count() == expected


@pytest.mark.parametrize("team", [True, False], ids=["a team", "the organisation"])
def test_a_coordinator_s_first_read_of_each_team_page_finds_its_figures_kept(
    world, monkeypatch, team
):
    """After the task, none of the three pages works anything out in the request: what they
    ask for is exactly what the task kept."""
    if not team:
        world.members["colin"].team = None
        world.members["colin"].save(update_fields=["team"])
    tasks.keep_every_team()

    def not_in_the_request(*args, **kwargs):
        raise AssertionError("worked out in the request")

    monkeypatch.setattr(figures, "_work_out", not_in_the_request)
    client = world.client("colin")
    for name in PAGES:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert b"These figures were worked out on" in page.content or name == PAGES[0]


def test_the_task_queues_its_next_run_twelve_hours_on(world, keeping):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert tasks.keep_team_figures.call() == f"{(1 + 1) * 2 * len(tasks.TEAM_PAGES)} worked out"
        (queued,) = _queued()
        assert queued.status == "READY"
        assert queued.run_after == now + tasks.EVERY
        tasks.queue_team_figures(later=True)  # one is waiting: not queued twice
        assert len(_queued()) == 1


def test_migrate_queues_a_run_now_once_and_only_when_the_setting_is_on(world, settings):
    settings.ALONGSIDE_KEEP_TEAM_FIGURES = False
    _start_keeping_team_figures()
    assert _queued() == []
    settings.ALONGSIDE_KEEP_TEAM_FIGURES = True
    _start_keeping_team_figures()
    _start_keeping_team_figures()
    (queued,) = _queued()
    assert queued.status == "READY"


def test_the_worker_runs_it(world, keeping, run_tasks):
    tasks.queue_team_figures()
    run_tasks()
    assert WorkedOutFigures.objects.count() == (2 + 2) * len(tasks.TEAM_PAGES)
    assert sorted(task.status for task in _queued()) == ["READY", "SUCCESSFUL"]
