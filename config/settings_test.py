"""Settings for the test suite.

ALONGSIDE_TEST_DATABASE=postgres starts a throwaway PostgreSQL cluster here, before Django
reads DATABASES (pytest-django would be too late in conftest.py); it is stopped at exit.
The default is SQLite in memory.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault(
    "ALONGSIDE_VAR_DIR", os.path.join(tempfile.gettempdir(), "alongside-test-var")
)

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES, POSTGRES_OPTIONS  # noqa: E402

if os.environ.get("ALONGSIDE_TEST_DATABASE") == "postgres":
    from alongside.common.pgcluster import start_throwaway_cluster

    DATABASES["default"] = start_throwaway_cluster()  # type: ignore[assignment]  # mypy reads these settings
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
else:
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}  # noqa: E501

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Never the demo's folder: each test that takes checkpoints points this at its own tmp_path.
# Tests run with DEBUG off (Django's test runner sets it), so they name a key of their own.
ALONGSIDE_AUDIT_KEY = "tests only: not a secret, but long enough to pass"  # noqa: S105
ALONGSIDE_MFA_KEY = "dGVzdHMgb25seTogbm90IGEgc2VjcmV0IGF0IGFsbCE="  # noqa: S105 - a Fernet key
# Both off, so no test's queued tasks depend on how many audit events came before (PostgreSQL ids
# keep climbing across tests); the checkpoint tests turn it on.
ALONGSIDE_AUDIT_CHECKPOINT_EVERY = 0
ALONGSIDE_AUDIT_CHECKPOINT_MINUTES = 0
# Queued by a test that asks for it, not by every test database's migrate (decision 0138).
ALONGSIDE_KEEP_TEAM_FIGURES = False
ALONGSIDE_AUDIT_CHECKPOINTS = Path(tempfile.mkdtemp(prefix="alongside-test-checkpoints-"))
ALONGSIDE_SMS_BACKEND = "alongside.scheduling.sms.LocmemBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
