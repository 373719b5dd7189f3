"""A worker's admin time: recorded by them for a week, shown to others only as a team share."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Team
from alongside.audit.models import AuditEvent
from alongside.common.suppression import FEWER
from alongside.learning import services
from alongside.learning.models import AdminTime
from alongside.learning.scorecard import scorecard
from alongside.learning.tests.helpers import aware, people
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def monday(weeks_ago: int = 0):
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


def test_admin_time_is_one_row_a_week_and_bad_input_is_refused(world):
    alice = world.members["alice"]
    for week, hours, field in (
        (monday() + timedelta(days=1), "3", "week"),  # a Tuesday
        (monday() + timedelta(weeks=1), "3", "week"),  # not started
        (monday(13), "3", "week"),  # too long ago
        (monday(), "-1", "hours"),
        (monday(), "81", "hours"),
        (monday(), "2.25", "hours"),
        (monday(), "lots", "hours"),
    ):
        with pytest.raises(ValidationError) as error:
            services.record_admin_time(alice, team=world.team, week=week, hours=hours)
        assert set(error.value.message_dict) == {field}, (week, hours)
    other_team = Team.objects.create(organisation=world.other_org, name="Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.record_admin_time(alice, team=other_team, week=monday(), hours="3")
    assert set(error.value.message_dict) == {"team"}
    assert not AdminTime.objects.exists()  # nothing half-saved

    services.record_admin_time(alice, team=world.team, week=monday(1), hours="6.5")
    services.record_admin_time(alice, team=world.team, week=monday(1), hours="7")  # a correction
    row = AdminTime.objects.get()
    assert (row.week, row.hours, row.worker) == (monday(1), Decimal("7.0"), alice.user)
    events = AuditEvent.objects.filter(action="learning.admin_time.recorded")
    assert [e.summary["created"] for e in events.order_by("id")] == [True, False]


def test_roles_that_record_admin_time_and_the_page_shows_only_your_own(world):
    url = reverse("learning:my_time")
    for name in ("amir", "sam", "dana", "fern"):
        assert world.client(name).get(url).status_code == 404
        assert (
            world.client(name).post(url, {"week": monday().isoformat(), "hours": "2"}).status_code
            == 404
        )
    assert not AdminTime.objects.exists()
    client = world.client("alice")
    response = client.post(
        url, {"week": monday().isoformat(), "team": world.team.pk, "hours": "99"}
    )
    assert response.status_code == 400
    assert "Enter the hours, from 0 to 80." in response.content.decode()
    response = client.post(
        url, {"week": monday().isoformat(), "team": world.team.pk, "hours": "4.5"}
    )
    assert response.status_code == 302 and AdminTime.objects.get().hours == Decimal("4.5")
    services.record_admin_time(world.members["cara"], team=world.team, week=monday(), hours="37.5")
    page = client.get(url).content.decode()
    assert "<td>4.5</td>" in page and "37.5" not in page  # cara's week is hers


def test_scorecard_sets_time_with_people_against_admin_and_withholds_small_teams(world):
    crowd = people(world, 6)
    week = monday(2)
    workers = []
    for index in range(5):
        member = MembershipFactory(organisation=world.org, user=UserFactory(), role="supporter")
        workers.append(member)
        services.record_admin_time(member, team=world.team, week=week, hours="2")
        ContactFactory(
            person=crowd[index],
            worker=member.user,
            recorded_by=member.user,
            at=aware(week + timedelta(days=2)),
            minutes=360,
        )
    # A contact the week after is not set against that week's admin time.
    ContactFactory(
        person=crowd[5],
        worker=workers[0].user,
        recorded_by=workers[0].user,
        at=aware(week + timedelta(days=8)),
        minutes=600,
    )
    today = timezone.localdate()

    def figures():
        card = scorecard(world.org.pk, world.team.pk, today - timedelta(days=40), today)
        panel = next(p for p in card.panels if p.key == "continuity")
        return panel, {f.label: f.value for f in panel.figures}

    panel, found = figures()
    assert found["Workers who recorded admin time"] == "5"
    assert found["Time with people, of their recorded time"] == "75%"  # 30 h with people, 10 admin
    assert panel.not_recorded == ""
    AdminTime.objects.filter(worker=workers[0].user).delete()
    panel, found = figures()
    assert found["Workers who recorded admin time"] == FEWER
    assert found["Time with people, of their recorded time"] == FEWER


def test_my_time_page_makes_the_same_queries_for_one_week_or_three(world):
    from alongside.testing.helpers import assert_constant_queries

    alice = world.members["alice"]
    recorded = iter(range(1, 10))

    def add_rows(n):
        for _ in range(n):
            services.record_admin_time(
                alice, team=world.team, week=monday(next(recorded)), hours="3"
            )

    assert_constant_queries(world.client("alice"), reverse("learning:my_time"), add_rows)


@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_continuity_panel_averages_each_persons_share_of_the_team(world):
    """The panel's figures come from the database's averages over each person (decision
    0106): six of the team's people, five seen twice by their named worker (share 1) and one
    seen by alice then cara (share 0.5, two workers); someone in another team is not counted."""
    alice, cara = world.user("alice"), world.user("cara")
    today = timezone.localdate()
    crowd = [PersonFactory(team=world.team) for _ in range(6)]
    for person in crowd:
        SpellFactory(person=person, worker=alice, started_on=today - timedelta(days=100))
        for days, worker in ((20, alice), (10, alice if person is not crowd[-1] else cara)):
            ContactFactory(person=person, worker=worker, at=aware(today - timedelta(days=days)))
    elsewhere = PersonFactory(team=TeamFactory(organisation=world.org))
    ContactFactory(person=elsewhere, worker=cara, at=aware(today - timedelta(days=5)))
    card = scorecard(world.org.pk, world.team.pk, today - timedelta(days=40), today)
    panel = next(p for p in card.panels if p.key == "continuity")
    found = {f.label: f.value for f in panel.figures}
    assert found["People seen"] == "6"
    assert found["Contacts with the named worker"] == "92%"  # (5 × 1 + 0.5) / 6
    assert found["Different workers per person"] == "1.2"  # 7 / 6
