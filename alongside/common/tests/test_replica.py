"""Report pages read from a replica when one is configured; everything else reads the primary.

A real second database alias: a SQLite file beside the test database (PostgreSQL or SQLite),
holding a row the primary does not, so a read shows which database answered it.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connections
from django.db.utils import load_backend
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from alongside.access.models import Organisation
from alongside.common.replica import REPLICA, ReplicaMiddleware, reads_on_replica
from alongside.testing.factories import OrganisationFactory


@pytest.fixture
def replica(db: None, settings: Any, tmp_path: Path) -> Iterator[str]:
    """A second alias, as an operator's DATABASE_REPLICA_URL makes one (settings.DATABASES)."""
    file = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "r.sqlite3")}
    configured = connections.configure_settings({"default": {}, REPLICA: file})[REPLICA]
    settings.DATABASES = {**settings.DATABASES, REPLICA: configured}
    # Made beside the handler's own settings, so Django's test case does not refuse it as an
    # alias the test did not declare (the test database set-up has already run).
    connections[REPLICA] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, REPLICA)
    try:
        with connections[REPLICA].schema_editor() as editor:
            editor.create_model(Organisation)
            editor.create_model(Session)
        Organisation.objects.using(REPLICA).create(name="Only on the replica", slug="replica")
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]


def names() -> set[str]:
    return set(Organisation.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_without_a_replica_everything_reads_the_primary() -> None:
    OrganisationFactory(name="On the primary")
    with reads_on_replica():
        assert "On the primary" in names()
        assert Organisation.objects.all().db == "default"


@pytest.mark.django_db
def test_report_reads_go_to_the_replica_and_writes_to_the_primary(replica: str) -> None:
    OrganisationFactory(name="On the primary")
    assert "On the primary" in names()
    assert "Only on the replica" not in names()
    with reads_on_replica():
        assert names() == {"Only on the replica"}
        Organisation.objects.create(name="Written during a report", slug="written")
        # Reads that lock are writes to Django: the primary answers them.
        assert Organisation.objects.select_for_update().db == "default"
        # Sessions (and users, the audit chain, the task queue) are read where they are written.
        assert Session.objects.all().db == "default"
    assert {"On the primary", "Written during a report"} <= names()
    assert not Organisation.objects.using(replica).filter(slug="written").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/reports/", REPLICA),
        ("get", "/insights/continuity/", REPLICA),
        ("head", "/reports/", REPLICA),
        ("post", "/reports/", "default"),
        ("get", "/people/", "default"),
        ("get", "/", "default"),
    ],
)
def test_the_middleware_sends_report_pages_only(
    replica: str, method: str, path: str, expected: str
) -> None:
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(Organisation.objects.all().db)
        return HttpResponse()

    ReplicaMiddleware(view)(getattr(RequestFactory(), method)(path))
    assert seen == [expected]
