"""The demo builder for learning: deterministic per seed, canary in every support-sphere text."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alongside.access.models import Notification, Role
from alongside.learning.demo import build_learning
from alongside.learning.models import AdminTime, ContactDemand, DemandWords, Need, Spend
from alongside.learning.tests.helpers import contact, people
from alongside.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-demo-91"


def _state(org):
    why = "test: compare demo builds"
    return (
        sorted(
            ContactDemand.objects.filter(organisation=org).values_list(
                "contact_id", "kind", "failure_kind"
            )
        ),
        sorted(
            Need.objects.for_system(why).values_list(
                "person_id", "status", "closed_on", "close_reason"
            )
        ),
        sorted(Spend.objects.for_system(why).values_list("person_id", "amount", "status")),
        sorted(Need.objects.for_system(why).values_list("person_id", "goal_set_by", "goal")),
        sorted(AdminTime.objects.values_list("worker_id", "team_id", "week", "hours")),
    )


def _wipe():
    why = "test: rebuild the demo"
    DemandWords.objects.for_system(why).delete()
    ContactDemand.objects.all().delete()
    Need.objects.for_system(why).delete()
    Spend.objects.for_system(why).delete()
    Notification.objects.all().delete()
    AdminTime.objects.all().delete()


def test_build_learning_is_deterministic_and_marks_support_text_with_the_canary(world):
    MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="coordinator"),
        role=Role.COORDINATOR,
        team=world.team,
    )
    today = timezone.localdate()
    for index, person in enumerate(people(world, 40)):
        for step in range(1 + index % 4):
            contact(world, person, on=today - timedelta(days=5 + 20 * step + index))
    counts = build_learning(organisation=world.org, seed=3, today=today, canary=CANARY)
    assert counts["learning_demand"] > 40 and counts["learning_needs"] == 40
    assert counts["learning_admin_weeks"] == AdminTime.objects.count() > 0
    assert all(0 < row.hours <= 14 and row.week.weekday() == 0 for row in AdminTime.objects.all())
    first = _state(world.org)
    kinds = [kind for _, kind, _ in first[0]]
    assert 0.05 < kinds.count("failure") / len(kinds) < 0.6
    waiting = Spend.objects.for_system("test").filter(status="asked")
    assert waiting.count() == 1
    assert Notification.objects.filter(user__username="coordinator").count() == 1
    why = "test: canary"
    texts = [
        *DemandWords.objects.for_system(why).values_list("text", flat=True),
        *Need.objects.for_system(why).values_list("in_their_words", flat=True),
        *Need.objects.for_system(why).exclude(goal="").values_list("goal", flat=True),
        *Need.objects.for_system(why).exclude(close_words="").values_list("close_words", flat=True),
        *Spend.objects.for_system(why).values_list("purpose", flat=True),
        *Spend.objects.for_system(why)
        .exclude(decline_reason="")
        .values_list("decline_reason", flat=True),
    ]
    assert texts and all(CANARY in text for text in texts)
    _wipe()
    build_learning(organisation=world.org, seed=3, today=today, canary=CANARY)
    assert _state(world.org) == first
