"""Read-heavy report pages read from a replica of the database, when one is configured.

Several app servers share one PostgreSQL (docs/deploy.md, "Several app servers"). Where the
operator adds a streaming replica (`DATABASE_REPLICA_URL`, the `replica` alias), the pages that
read much and write little, under `ALONGSIDE_REPLICA_PATHS` (the learning report, insights,
outcomes and the team's learning), read from it on GET, so a funder meeting's reports do not
slow the casework on the primary. Decision 0103.

Everything else reads the primary:
- every write, and every read that locks (`select_for_update`), as Django routes those as writes;
- the apps whose rows must be read as just written, wherever they are read: sessions and users
  (a replica a moment behind would sign out who just signed in), the audit chain (each event is
  chained to the last one written) and the task queue (`PRIMARY_ONLY_APPS`);
- every request that is not a GET or HEAD, and every page outside those paths.

Without a `replica` alias the router answers nothing and Django uses `default` throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "auth",
        "accounts",
        "account",
        "mfa",
        "audit",
        "django_tasks_database",
        "contenttypes",
        "admin",
    }
)
DEFAULT_PATHS = ("/reports/", "/insights/", "/measures/outcomes/", "/learning/")

_on_replica: ContextVar[bool] = ContextVar("alongside_reads_on_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reads_on_replica() -> Iterator[None]:
    """Within this block, reads go to the replica (when there is one), as the router allows."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class ReplicaRouter:
    """Django's database router: `DATABASE_ROUTERS` in settings."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if (
            _on_replica.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and replica_configured()
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return None  # always `default`, the primary

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool | None:
        both = {first._state.db, second._state.db}
        return True if both <= {"default", REPLICA} else None  # one database, two doors

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica copies the primary's schema


class ReplicaMiddleware:
    """GET and HEAD requests under ALONGSIDE_REPLICA_PATHS read from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = tuple(getattr(settings, "ALONGSIDE_REPLICA_PATHS", DEFAULT_PATHS))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and request.path.startswith(self.paths)
            and replica_configured()
        ):
            with reads_on_replica():
                return self.get_response(request)
        return self.get_response(request)
