"""Figures worked out once and kept (decision 0133): read while fresh, shown while one refresh is
queued once stale, worked out again when they no longer read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from alongside.common import figures
from alongside.common.figures import (
    FRESH_FOR,
    KEEP_FOR,
    QUEUE_PATIENCE,
    forget,
    keeps,
    worked_out,
)
from alongside.common.models import WorkedOutFigures
from alongside.common.tasks import refresh_figures
from alongside.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
calls_made: list[tuple[int, int | None, date | None]] = []


@dataclass(frozen=True, slots=True)
class Tally:
    organisation_id: int
    team_id: int | None
    on: date | None
    calls: int
    shares: dict[str, float | None]
    bins: list[tuple[str, int]]


@keeps(version=1)
def tally(organisation_id: int, team_id: int | None, on: date | None) -> Tally:
    calls_made.append((organisation_id, team_id, on))
    return Tally(
        organisation_id, team_id, on, len(calls_made), {"a": 0.1 + 0.2, "b": None}, [("x", 3)]
    )


def not_kept(organisation_id: int) -> int:
    return organisation_id


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    calls_made.clear()


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=refresh_figures.module_path).count()


@time_machine.travel(NOON, tick=False)
def test_the_first_read_works_them_out_and_the_next_reads_them_back() -> None:
    org = OrganisationFactory()
    first = worked_out(tally, org.pk, 7, date(2026, 1, 1))
    again = worked_out(tally, org.pk, 7, date(2026, 1, 1))
    assert calls_made == [(org.pk, 7, date(2026, 1, 1))]
    assert first.figures == again.figures
    assert again.figures.shares["a"] == 0.1 + 0.2  # a float read back to the last bit
    assert again.figures.bins == [("x", 3)]
    assert (again.worked_out_at, again.refreshing) == (NOON, False)
    assert _queued() == 0


def test_other_arguments_and_other_organisations_are_kept_apart() -> None:
    org, other = OrganisationFactory(), OrganisationFactory()
    worked_out(tally, org.pk, 7, None)
    worked_out(tally, org.pk, None, None)
    worked_out(tally, org.pk, 7, date(2026, 1, 1))
    theirs = worked_out(tally, other.pk, 7, None)
    assert len(calls_made) == 4
    assert theirs.figures.organisation_id == other.pk
    assert WorkedOutFigures.objects.count() == 4


def test_stale_figures_are_shown_while_one_refresh_is_queued(
    django_capture_on_commit_callbacks: Any,
) -> None:
    org = OrganisationFactory()
    with time_machine.travel(NOON, tick=False):
        worked_out(tally, org.pk, 7, None)
    later = NOON + FRESH_FOR + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            stale = worked_out(tally, org.pk, 7, None)
            worked_out(tally, org.pk, 7, None)
        assert (stale.figures.calls, stale.worked_out_at, stale.refreshing) == (1, NOON, True)
        assert _queued() == 1  # not one per request
        assert len(calls_made) == 1
        key = WorkedOutFigures.objects.get().key
        assert refresh_figures.call(key) == "worked out"
        fresh = worked_out(tally, org.pk, 7, None)
    assert (fresh.figures.calls, fresh.worked_out_at, fresh.refreshing) == (2, later, False)
    assert WorkedOutFigures.objects.get().queued_at is None


def test_at_exactly_their_age_limit_they_are_still_fresh() -> None:
    org = OrganisationFactory()
    with time_machine.travel(NOON, tick=False):
        worked_out(tally, org.pk, 7, None)
    with time_machine.travel(NOON + FRESH_FOR, tick=False):
        assert worked_out(tally, org.pk, 7, None).refreshing is False
    assert _queued() == 0


def test_a_refresh_lost_for_longer_than_the_patience_is_queued_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    org = OrganisationFactory()
    with time_machine.travel(NOON, tick=False):
        worked_out(tally, org.pk, 7, None)
    stale = NOON + FRESH_FOR + timedelta(seconds=1)
    queued = []
    for at in (stale, stale + QUEUE_PATIENCE, stale + QUEUE_PATIENCE + timedelta(seconds=1)):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            worked_out(tally, org.pk, 7, None)
        queued.append(_queued())
    assert queued == [1, 1, 2]


def test_figures_that_no_longer_read_back_are_worked_out_again() -> None:
    org = OrganisationFactory()
    worked_out(tally, org.pk, 7, None)
    WorkedOutFigures.objects.update(figures={"organisation_id": "not a number"})
    read = worked_out(tally, org.pk, 7, None)
    assert (read.figures.calls, read.refreshing) == (2, False)
    assert WorkedOutFigures.objects.get().figures["calls"] == 2


def test_figures_of_another_version_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    org = OrganisationFactory()
    worked_out(tally, org.pk, 7, None)
    keeper = figures._keeper(tally)
    monkeypatch.setitem(
        figures._KEEPERS, keeper.name, figures.Keeper(keeper.name, 2, tally, keeper.adapter)
    )
    assert worked_out(tally, org.pk, 7, None).figures.calls == 2
    # The refresh of a version this code no longer has drops the old figures.
    old = WorkedOutFigures.objects.get(key__contains=":v1:")
    assert refresh_figures.call(old.key) == "gone"
    assert list(WorkedOutFigures.objects.values_list("key", flat=True)) == [
        f"{keeper.name}:v2:{org.pk}:[7,null]"
    ]


def test_a_refresh_of_figures_forgotten_meanwhile_does_nothing() -> None:
    org = OrganisationFactory()
    worked_out(tally, org.pk, 7, None)
    key = WorkedOutFigures.objects.get().key
    forget(tally, org.pk)
    assert refresh_figures.call(key) == "gone"
    assert not WorkedOutFigures.objects.exists()
    assert len(calls_made) == 1


def test_forget_drops_only_that_organisations_figures_of_that_function() -> None:
    org, other = OrganisationFactory(), OrganisationFactory()
    worked_out(tally, org.pk, 7, None)
    worked_out(tally, org.pk, 8, None)
    worked_out(tally, other.pk, 7, None)
    forget(tally, org.pk)
    assert list(WorkedOutFigures.objects.values_list("organisation_id", flat=True)) == [other.pk]


def test_only_decorated_functions_and_plain_arguments_are_kept() -> None:
    org = OrganisationFactory()
    with pytest.raises(TypeError, match="not decorated"):
        worked_out(not_kept, org.pk)
    with pytest.raises(TypeError, match="not str"):
        worked_out(tally, org.pk, "7", None)
    with pytest.raises(TypeError, match="not datetime"):
        worked_out(tally, org.pk, 7, NOON)
    assert not WorkedOutFigures.objects.exists()


def test_figures_no_one_asked_for_in_a_day_go_when_the_next_are_worked_out() -> None:
    org, other = OrganisationFactory(), OrganisationFactory()
    with time_machine.travel(NOON, tick=False):
        worked_out(tally, org.pk, 1, None)
        worked_out(tally, other.pk, 1, None)
    with time_machine.travel(NOON + KEEP_FOR - timedelta(seconds=1), tick=False):
        worked_out(tally, org.pk, 2, None)
    assert WorkedOutFigures.objects.filter(organisation=org).count() == 2
    with time_machine.travel(NOON + KEEP_FOR + timedelta(seconds=1), tick=False):
        worked_out(tally, org.pk, 3, None)
    kept = WorkedOutFigures.objects.values_list("organisation_id", "arguments")
    assert sorted(kept) == sorted([(org.pk, [2, None]), (org.pk, [3, None]), (other.pk, [1, None])])
