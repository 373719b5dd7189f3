"""The person page's continuity window read from the timeline it already holds
(`Timeline.points_since`): the same points as `contact_points`, and no query when the timeline
reaches back before the window."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alongside.relationships.queries import TIMELINE_CONTACTS, contact_points, timeline
from alongside.testing.factories import ContactFactory, MembershipFactory

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=90)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def _contacts(world, days_ago):
    workers = [world.user("alice"), MembershipFactory(organisation=world.org).user]
    for n, days in enumerate(days_ago):
        # Two at the same moment now and then: ties keep the order contact_points gives.
        ContactFactory(
            person=world.person,
            worker=workers[n % 2],
            at=NOW - timedelta(days=days, hours=0 if n % 3 else 1),
        )


@pytest.mark.parametrize(
    ("days_ago", "asks"),
    [
        ([5, 30, 100], 0),  # every contact shown
        ([1 + n for n in range(TIMELINE_CONTACTS + 5)], 1),  # the window holds more than shown
        ([2 * n for n in range(15)] + [200 + n for n in range(10)], 0),  # reaches back
        ([], 0),
    ],
)
def test_points_since_are_contact_points(world, days_ago, asks):
    _contacts(world, days_ago)
    history = timeline(world.person)
    with CaptureQueriesContext(connection) as asked:
        points = history.points_since(world.person.pk, SINCE)
    assert len(asked.captured_queries) == asks
    assert points == contact_points([world.person.pk], since=SINCE).get(world.person.pk, [])
    assert bool(points) == any(days < 90 for days in days_ago)
