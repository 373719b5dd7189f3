"""No database connection crosses gunicorn's fork (decision 0141): workers keep their
connection between requests, so the master closes any it opened while loading the app before it
forks a worker, with the config file gunicorn itself reads."""

from pathlib import Path

from alongside.ops.tests.test_worker_start import GUNICORN_CONF, LOAD_GUNICORN_CONF, run_fresh

# The app loaded as `--preload` loads it, a connection opened in the master, then a fork.
PRELOADED = (
    LOAD_GUNICORN_CONF
    + """
import config.wsgi
from django.db import connection
connection.ensure_connection()
before = connection.connection is not None
cfg.pre_fork(object(), object())
print(before, connection.connection is None, connection.settings_dict["CONN_MAX_AGE"])
"""
)

# Without `--preload` the master never sets Django up: the hook must not do it either.
NOT_PRELOADED = (
    LOAD_GUNICORN_CONF
    + """
cfg.pre_fork(object(), object())
from django.conf import settings
print(settings.configured)
"""
)


def test_the_master_closes_its_connection_before_each_fork(tmp_path: Path) -> None:
    printed = run_fresh(PRELOADED, tmp_path, str(GUNICORN_CONF))
    assert printed.split() == ["True", "True", "600"]


def test_a_master_that_never_loaded_the_app_forks_without_setting_django_up(
    tmp_path: Path,
) -> None:
    assert run_fresh(NOT_PRELOADED, tmp_path, str(GUNICORN_CONF)).split() == ["False"]
