"""Query-count guards on the scheduling list pages: the same count with 1 row as with 3."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Role
from alongside.scheduling.models import Appointment, AppointmentStatus, PlanningRound
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries

# The diary shows today and the next 14 days, and what is still open from before.
pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def test_diary_queries_are_constant(world):
    alice = world.user("alice")

    def add(n):
        for _ in range(n):
            person = PersonFactory(team=world.team)
            SpellFactory(person=person, worker=alice)
            count = Appointment.objects.count()
            # One still open from yesterday (waiting for an outcome), the rest coming.
            starts_at = timezone.now() + timedelta(days=count - 1 if count else -1, hours=1)
            Appointment.objects.create(
                organisation=world.org,
                person=person,
                worker=alice,
                with_worker=world.user("cara") if count % 2 else None,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                place="The hub",
                status=AppointmentStatus.BOOKED,
                booked_by=alice,
            )

    assert_constant_queries(world.client("alice"), reverse("scheduling:diary"), add)
    html = world.client("alice").get(reverse("scheduling:diary")).content.decode()
    assert all(
        reverse("scheduling:appointment", args=[a.pk]) in html for a in Appointment.objects.all()
    )


def test_plan_list_queries_are_constant(world):
    colin = world.user("colin")
    today = timezone.localdate()

    def add(n):
        for _ in range(n):
            PlanningRound.objects.create(
                organisation=world.org,
                team=world.team,
                period_start=today + timedelta(days=1),
                period_end=today + timedelta(days=28),
                description="A plan for the query count",
                created_by=colin,
            )
            MembershipFactory(
                organisation=world.org,
                role=Role.SUPPORTER,
                team=world.team,
                leaving_on=today + timedelta(days=10),
            )

    assert_constant_queries(world.client("colin"), reverse("scheduling:plan_list"), add)
    html = world.client("colin").get(reverse("scheduling:plan_list")).content.decode()
    assert html.count("A plan for the query count") == 3
