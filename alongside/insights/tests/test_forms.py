"""The leaving-date form offers exactly the workers the Workers pages' rule lets its user manage."""

from datetime import timedelta

import pytest
import rules
from django.utils import timezone

from alongside.access.models import Role
from alongside.access.queries import workers_of
from alongside.insights.forms import managed_workers
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, TeamFactory


@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_managed_workers_are_the_rule(world):
    """`managed_workers` is `access.manage_worker` asked of every worker, for every kind of
    viewer: each role, a coordinator with a team and without, one whose access has ended, and
    workers of every role in two teams, with no team, and leaving."""
    outreach = TeamFactory(organisation=world.org, name="Outreach")
    for role in (Role.SUPPORTER, Role.VOLUNTEER, Role.ASSESSOR, Role.COORDINATOR, Role.DATA_LEAD):
        for team in (world.team, outreach, None):
            MembershipFactory(organisation=world.org, role=role, team=team)
    MembershipFactory(
        organisation=world.org,
        role=Role.SUPPORTER,
        team=world.team,
        leaving_on=timezone.localdate() + timedelta(days=10),
    )
    no_team = MembershipFactory(organisation=world.org, role=Role.COORDINATOR, team=None)
    ended = MembershipFactory(
        organisation=world.org,
        role=Role.COORDINATOR,
        team=world.team,
        left_on=timezone.localdate() - timedelta(days=1),
    )
    viewers = [*world.members.values(), no_team, ended]
    every_worker = list(workers_of(world.org))
    checked = 0
    for viewer in viewers:
        by_rule = {
            worker.pk
            for worker in every_worker
            if rules.test_rule("access.manage_worker", viewer, worker)
        }
        found = set(managed_workers(viewer).values_list("pk", flat=True))
        assert found == by_rule, viewer
        checked += bool(by_rule)
    assert checked >= 3  # the team coordinator, the one without a team and the data lead
    assert not managed_workers(ended).exists()
    assert managed_workers(no_team).count() > managed_workers(world.members["colin"]).count() > 0
