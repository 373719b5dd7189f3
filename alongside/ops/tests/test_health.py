"""`/health/`: 200 when the database answers and the queue is worked; 503 naming what failed."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)]


def queue(*, enqueued_ago: timedelta, run_after: object = None, status: str = "READY") -> None:
    task = DBTaskResult.objects.create(
        task_path="alongside.scheduling.tasks.send_appointment_reminder",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
        status=status,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued_ago)


def get_health() -> tuple[int, dict]:
    response = Client().get("/health/")  # nobody signed in
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_healthy_with_an_empty_queue_in_two_queries():
    with CaptureQueriesContext(connection) as queries:
        status, body = get_health()
    assert status == 200
    assert body == {
        "ok": True,
        "checks": {
            "database": {"ok": True, "detail": f"{connection.vendor} answered"},
            "tasks": {"ok": True, "detail": "no task is waiting"},
        },
    }
    assert len(queries) == 2


def test_a_task_waiting_briefly_is_healthy():
    queue(enqueued_ago=timedelta(seconds=30))
    status, body = get_health()
    assert status == 200
    assert body["checks"]["tasks"]["detail"] == "the oldest ready task has waited 30 s"


def test_a_task_waiting_past_the_limit_is_503_naming_the_queue():
    queue(enqueued_ago=timedelta(seconds=30))
    queue(enqueued_ago=timedelta(minutes=11))
    status, body = get_health()
    assert status == 503
    assert body["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["tasks"] == {
        "ok": False,
        "detail": "the oldest ready task has waited 660 s (limit 600 s): is db_worker running?",
    }


def test_a_task_due_later_or_already_done_is_not_waiting():
    # Queued long ago to run tomorrow: not due yet. A finished task is not waiting either.
    queue(enqueued_ago=timedelta(days=3), run_after=timezone.now() + timedelta(days=1))
    queue(enqueued_ago=timedelta(days=3), status="SUCCESSFUL")
    # Queued long ago to run 20 minutes ago: it has waited 20 minutes since it became due.
    queue(enqueued_ago=timedelta(days=3), run_after=timezone.now() - timedelta(minutes=20))
    status, body = get_health()
    assert status == 503
    assert "has waited 1200 s" in body["checks"]["tasks"]["detail"]


def test_the_limit_is_a_setting(settings):
    settings.ALONGSIDE_HEALTH_TASK_DELAY_SECONDS = 3600
    queue(enqueued_ago=timedelta(minutes=11))
    assert get_health()[0] == 200


def test_a_database_that_does_not_answer_is_503_naming_the_database():
    with mock.patch(
        "alongside.ops.health.connection.cursor", side_effect=DatabaseError("connection refused")
    ):
        status, body = get_health()
    assert status == 503
    assert body["checks"] == {
        "database": {"ok": False, "detail": "the database did not answer: DatabaseError"},
        "tasks": {"ok": False, "detail": "not checked: the database did not answer"},
    }
    assert "connection refused" not in str(body)  # no server detail leaks


def test_only_get_is_answered():
    assert Client().post("/health/").status_code == 405
