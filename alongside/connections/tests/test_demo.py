"""The demo builder's connections: deterministic, bulk, canary only in support-sphere words."""

from datetime import date

import pytest
from django.db import transaction

from alongside.connections.demo import build_connections
from alongside.connections.models import (
    FollowUp,
    Introduction,
    PersonProfile,
    Status,
)
from alongside.testing.factories import MembershipFactory, PersonFactory, SpellFactory, UserFactory


@pytest.fixture
def town(world):
    from alongside.access.models import Role

    for n in range(40):
        person = PersonFactory(team=world.team, given_name=f"Demo{n}", languages="English")
        SpellFactory(person=person, worker=world.user("alice"))
    for n in range(4):
        MembershipFactory(
            organisation=world.org,
            role=Role.VOLUNTEER,
            user=UserFactory(username=f"demo-vol-{n}"),
            languages="English",
        )
    return world


def snapshot():
    profiles = PersonProfile.objects.for_system("test").order_by("person_id")
    return [(p.person_id, p.availability, p.lived_experience, p.in_their_words) for p in profiles]


def _build(world):
    return build_connections(
        organisation=world.org, seed=7, today=date(2026, 3, 2), canary="CANARY-123"
    )


def test_deterministic_with_every_state_and_the_canary(town):
    with transaction.atomic():
        _build(town)
        first = snapshot()
        transaction.set_rollback(True)
    counts = _build(town)
    assert snapshot() == first
    assert counts["connections_profiles"] > 10 and counts["connections_introductions"] == 8
    statuses = set(Introduction.objects.for_system("test").values_list("status", flat=True))
    assert {Status.ASKING, Status.INTRODUCED, Status.DECLINED, Status.EXPIRED} <= statuses
    assert all("CANARY-123" in p[3] for p in first)
    assert all("CANARY-123" in f.in_their_words for f in FollowUp.objects.for_system("test"))
    for profile in PersonProfile.objects.for_system("test"):
        assert profile.lived_experience == [] or profile.lived_experience_consent
