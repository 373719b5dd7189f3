"""The demo builder for spaces: deterministic per seed, canary only in support-sphere words."""

import time as clock

import pytest
from django.db import transaction
from django.utils import timezone

from alongside.people.models import Person
from alongside.spaces import queries
from alongside.spaces.demo import build_spaces
from alongside.spaces.models import Attendance, Session, Space, StoppingReason, Tie, TieCount
from alongside.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-spaces-42"
WHY = "test: compare demo builds"


def _state(org):
    return (
        sorted(Space.objects.filter(organisation=org).values_list("name", "host_id", "team_id")),
        sorted(Attendance.objects.filter(organisation=org).values_list("person_id", "on")),
        sorted(Tie.objects.for_system(WHY).values_list("person_id", "kind", "description")),
        sorted(TieCount.objects.for_system(WHY).values_list("person_id", "counted_on", "bonding")),
        sorted(StoppingReason.objects.for_system(WHY).values_list("person_id", "reason")),
    )


def _state_of_a_build(org, today):
    build_spaces(organisation=org, seed=5, today=today, canary=CANARY)
    return _state(org)


def test_build_spaces_is_deterministic_with_regulars_who_stopped_and_the_canary(world):
    Person.objects.bulk_create(
        [Person(organisation=world.org, team=world.team, given_name=f"P{i}") for i in range(120)]
    )
    today = timezone.localdate()
    with transaction.atomic():  # build, look, and roll back, to build again from the same start
        again = _state_of_a_build(world.org, today)
        transaction.set_rollback(True)
    started = clock.perf_counter()
    counts = build_spaces(organisation=world.org, seed=5, today=today, canary=CANARY)
    elapsed = clock.perf_counter() - started
    assert counts["spaces"] == 4 and counts["space_attendances"] > 100
    assert counts["space_ties"] > 0 and counts["space_tie_counts"] > 0
    assert elapsed < 10
    first = _state(world.org)
    for _, _, description in first[2]:
        assert description.endswith(CANARY)
    for space in Space.objects.filter(organisation=world.org):
        assert CANARY not in f"{space.name} {space.about} {space.venue} {space.online_link}"
        stopped = [e for _, e in queries.space_engagement(space, today=today) if e.stopped]
        assert len(stopped) >= 1
    assert Session.objects.filter(on__gt=today, register_closed_at__isnull=True).exists()
    assert again == first


def test_build_spaces_without_people_or_workers_builds_nothing(db):
    person = PersonFactory()
    counts = build_spaces(
        organisation=person.organisation, seed=1, today=timezone.localdate(), canary=None
    )
    assert counts["spaces"] == 0
