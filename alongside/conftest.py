"""Shared fixtures: one organisation with a person and the people around them (personas).

- `alice`: supporter and Pat's named worker (works with the person).
- `colin`: a coordinator of Pat's team. `cara`: a supporter colleague who does not work with Pat.
- `vic`: a volunteer not matched with Pat. `amir`: assessor. `sam`: safeguarding lead.
- `dana`: data lead. `fern`: funder viewer.
- `olly`: a supporter in another organisation (the outsider).
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from hypothesis import settings as hypothesis_settings

from alongside.access.models import Membership, Organisation, Role, Team

# Autouse: every audit event written during a request carries that request's id (decision 0007).
from alongside.audit.tests.request_id_guard import audit_events_carry_the_request_id  # noqa: F401
from alongside.people.models import Person
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)

# Property tests check what is true, not how fast: on a shared, busy machine Hypothesis's default
# 200 ms deadline per example would fail a correct test now and then. Speed lives in bench/.
hypothesis_settings.register_profile("alongside", deadline=None)
hypothesis_settings.load_profile("alongside")


CLOCK_VARIABLE = "ALONGSIDE_TEST_CLOCK"


def pytest_configure(config: pytest.Config) -> None:
    """With ALONGSIDE_TEST_CLOCK set (an ISO datetime with its offset), run the whole session as if
    it started at that instant, the clock ticking on from there. A test that reads the clock without
    freezing it fails at some instant; this finds it (docs/testing.md)."""
    value = os.environ.get(CLOCK_VARIABLE)
    if not value:
        return
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as error:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r}: {error}") from error
    if instant.tzinfo is None:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r} needs an offset, e.g. +00:00")
    travel = time_machine.travel(instant, tick=True)
    travel.start()
    config.add_cleanup(travel.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    value = os.environ.get(CLOCK_VARIABLE)
    return f"clock: the session starts at {value} ({CLOCK_VARIABLE})" if value else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave `postgresql` tests out of the SQLite run (deselected, and counted as such)."""
    if os.environ.get("ALONGSIDE_TEST_DATABASE") == "postgres":
        return
    dropped = [item for item in items if item.get_closest_marker("postgresql")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@dataclass
class World:
    org: Organisation
    team: Team
    person: Person
    members: dict[str, Membership]
    other_org: Organisation
    other_person: Person

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.members[name].user)
        return client

    def user(self, name: str) -> Any:
        return self.members[name].user


ROLES = {
    "alice": Role.SUPPORTER,
    "cara": Role.SUPPORTER,
    "colin": Role.COORDINATOR,
    "vic": Role.VOLUNTEER,
    "amir": Role.ASSESSOR,
    "sam": Role.SAFEGUARDING_LEAD,
    "dana": Role.DATA_LEAD,
    "fern": Role.FUNDER_VIEWER,
}


@pytest.fixture
def world(db: None) -> World:
    org = OrganisationFactory(name="Riverside Test Hub")
    team = TeamFactory(organisation=org, name="Link workers")
    members = {
        name: MembershipFactory(
            organisation=org,
            user=UserFactory(username=name, first_name=name.title()),
            role=role,
            team=team if role == Role.COORDINATOR else None,
        )
        for name, role in ROLES.items()
    }
    person = PersonFactory(team=team, given_name="Pat", family_name="Example")
    SpellFactory(person=person, worker=members["alice"].user)
    other_org = OrganisationFactory(name="Hillside Test Centre")
    other_team = TeamFactory(organisation=other_org, name="Advice")
    members["olly"] = MembershipFactory(
        organisation=other_org, user=UserFactory(username="olly"), role=Role.SUPPORTER
    )
    other_person = PersonFactory(team=other_team, given_name="Quinn", family_name="Elsewhere")
    SpellFactory(person=other_person, worker=members["olly"].user)
    return World(org, team, person, members, other_org, other_person)


@pytest.fixture
def run_tasks(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the task worker once over the queue, as `alongside db_worker --batch` does.

    The worker closes "old" connections between tasks; inside a test's transaction that would
    close the test's own connection on PostgreSQL, so that one call is a no-op here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A page in Debian's Chromium (see testing/browser.py), for tests with `live_server`.

    Named so as not to clash with pytest-playwright's `page`, which would download a browser.
    Playwright's event loop makes Django refuse database calls from the test and the live
    server unless DJANGO_ALLOW_ASYNC_UNSAFE is set, for this test only.
    """
    from alongside.measures.builtins import load_built_in
    from alongside.measures.models import Instrument, InstrumentVersion
    from alongside.testing.browser import chromium_page

    # Browser tests commit and the database is flushed after each, which removes what the
    # migrations loaded: put the built-in questionnaires back.
    load_built_in(Instrument, InstrumentVersion)
    # The flush does not empty the database cache either (it is no model): forget sign-in counts
    # and used TOTP codes, so one browser test's sign-ins do not refuse the next one's.
    cache.clear()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page() as page:
        yield page


TRUNCATE_TRIGGER = "audit_event_no_truncate"


def _set_truncate_trigger(enabled: bool) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE audit_auditevent {'ENABLE' if enabled else 'DISABLE'} "
                f"TRIGGER {TRUNCATE_TRIGGER}"
            )


@pytest.fixture
def audit_guard_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _set_truncate_trigger(True)


@pytest.fixture
def committed_db(audit_guard_restored: None, transactional_db: None) -> Iterator[None]:
    """A transactional test (rows are committed, so other connections see them).

    On PostgreSQL the audit table refuses TRUNCATE, which the flush after a transactional test
    uses: that one trigger is switched off only for that flush, and on again straight after.
    """
    yield
    _set_truncate_trigger(False)
