"""Informal ties: recorded with the person (support sphere), counted over time, aggregated with
suppression for coordinators, data leads and funders."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.common.spheres import UnscopedSphereRead
from alongside.spaces import queries, services
from alongside.spaces.models import Tie, TieCount
from alongside.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
WORDS = "My sister Jo who rings on Sundays"


def test_ties_fail_closed():
    with pytest.raises(UnscopedSphereRead):
        list(Tie.objects.all())
    with pytest.raises(UnscopedSphereRead):
        TieCount.objects.count()


def test_ties_recorded_and_counted_at_each_recording(world):
    alice = world.members["alice"]
    services.record_ties(
        world.person,
        by=alice,
        added=[("bonding", WORDS), ("linking", "The housing officer")],
        on=date(2026, 1, 10),
    )
    jo = queries.ties_visible_to(alice).get(description=WORDS)
    services.record_ties(
        world.person,
        by=alice,
        added=[("bridging", "The walking group")],
        ended=[jo.pk],
        on=date(2026, 4, 10),
    )
    history = list(queries.tie_counts_visible_to(alice).filter(person=world.person))
    assert [(c.counted_on, c.bonding, c.bridging, c.linking) for c in history] == [
        (date(2026, 1, 10), 1, 0, 1),
        (date(2026, 4, 10), 0, 1, 1),
    ]
    event = AuditEvent.objects.filter(action="spaces.ties.recorded").last()
    assert WORDS not in str(event.summary)


def test_ties_page_records_with_them_and_shows_history(world):
    url = reverse("spaces:ties", args=[world.person.pk])
    client = world.client("alice")
    assert client.post(url, {"kind": "bonding", "description": WORDS}).status_code == 302
    page = client.get(url).content.decode()
    assert WORDS in page and "Counted over time" in page
    assert AuditEvent.objects.filter(action="spaces.tie.viewed").exists()
    # half a tie is answered, and nothing is saved
    bad = client.post(url, {"kind": "", "description": "Someone"})
    assert bad.status_code == 400
    assert queries.tie_counts_visible_to(world.members["alice"]).count() == 1


def test_who_reads_ties(world):
    services.record_ties(world.person, by=world.members["alice"], added=[("bonding", WORDS)])
    assert queries.ties_visible_to(world.members["colin"]).filter(description=WORDS).exists()
    for persona in ("cara", "vic", "amir", "sam", "dana", "fern", "olly"):
        assert not queries.ties_visible_to(world.members[persona]).exists(), persona
    # a volunteer reads the ties they recorded
    services.record_ties(world.person, by=world.members["vic"], added=[("bridging", "Choir")])
    assert [t.description for t in queries.ties_visible_to(world.members["vic"])] == ["Choir"]


def test_a_volunteer_cannot_end_a_tie_they_cannot_see(world):
    services.record_ties(world.person, by=world.members["alice"], added=[("bonding", WORDS)])
    tie = queries.ties_visible_to(world.members["alice"]).get()
    with pytest.raises(Exception, match="not there to end"):
        services.record_ties(world.person, by=world.members["vic"], ended=[tie.pk])
    assert queries.tie_counts_visible_to(world.members["alice"]).count() == 1


def _counted(world, n, *, grew):
    people = [PersonFactory(team=world.team) for _ in range(n)]
    for i, person in enumerate(people):
        services.record_ties(
            person,
            by=world.members["colin"],
            added=[("bonding", "A friend")],
            on=date(2026, 1, 5),
        )
        services.record_ties(
            person,
            by=world.members["colin"],
            added=[("bridging", "The club")] if i < grew else [],
            on=date(2026, 5, 5),
        )
    return people


def test_aggregates_are_suppressed_under_five(world):
    _counted(world, 3, grew=2)
    outcome = queries.tie_outcomes(world.members["colin"])
    assert outcome.compared == "fewer than 5"
    assert outcome.more == "fewer than 5" and outcome.mean_latest == "fewer than 5"
    page = world.client("colin").get(reverse("spaces:outcomes")).content.decode()
    assert "fewer than 5" in page
    assert "A friend" not in page


def test_aggregates_shown_when_enough(world):
    _counted(world, 6, grew=6)
    for persona in ("colin", "dana", "fern"):
        outcome = queries.tie_outcomes(world.members[persona])
        assert outcome.compared == "6", persona
        assert outcome.more == "100%"
        assert (outcome.mean_first, outcome.mean_latest) == ("1.0", "2.0")
        assert [p.label for p in outcome.periods] == ["2026 Q1", "2026 Q2"]
    assert queries.tie_outcomes(world.members["alice"]).compared == "fewer than 5"
    assert queries.tie_outcomes(world.members["olly"]).counted == "fewer than 5"


def test_space_outcomes_are_suppressed(world):
    from alongside.spaces.tests.helpers import attend, make_session, make_space

    space = make_space(world.org, team=world.team, host=world.user("alice"))
    session = make_session(space, on=timezone.localdate() - timedelta(days=1))
    people = [PersonFactory(team=world.team) for _ in range(6)]
    for person in people[:4]:
        attend(session, person)
    [row] = queries.space_outcomes(world.members["colin"], today=timezone.localdate())
    assert row.coming == "fewer than 5" and row.held == 1
    for person in people[4:]:
        attend(session, person)
    [row] = queries.space_outcomes(world.members["dana"], today=timezone.localdate())
    assert row.coming == "6"
