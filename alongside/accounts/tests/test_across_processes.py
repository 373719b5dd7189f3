"""The sign-in limits hold across app server processes: one process's failed guesses lock the
account for another, because the counts are in the database cache they share (decision 0017)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from alongside.access.models import Role
from alongside.testing.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[3]
GUESSES = """
import django
django.setup()
from django.test import Client
for guess in range(5):
    Client().post("/login/", {"login": "wren", "password": f"guess-{guess}"},
                  REMOTE_ADDR=f"10.7.{guess}.1")
"""


@pytest.mark.postgresql
def test_guesses_in_one_process_lock_the_account_in_another(committed_db):
    cache.clear()
    MembershipFactory(user=UserFactory(username="wren"), role=Role.SUPPORTER)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{quote(db['HOST'], safe='')}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run(  # noqa: S603 - the project's own interpreter and settings
        [sys.executable, "-c", GUESSES], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    client = Client()
    client.post("/login/", {"login": "wren", "password": "pw-for-tests"}, REMOTE_ADDR="10.8.0.1")
    assert "_auth_user_id" not in client.session, "the other process's guesses locked it"
    cache.clear()
    client.post("/login/", {"login": "wren", "password": "pw-for-tests"}, REMOTE_ADDR="10.8.0.1")
    assert "_auth_user_id" in client.session, "and only they did"
