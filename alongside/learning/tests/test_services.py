"""Services: demand, needs and spends validate per field, write nothing half, and are audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.access.models import Notification, Role, Team
from alongside.audit.models import AuditEvent
from alongside.common.spheres import UnscopedSphereRead
from alongside.learning import services
from alongside.learning.models import ContactDemand, DemandWords, Need, Spend
from alongside.learning.queries import (
    demand_words_visible_to,
    needs_visible_to,
    spends_visible_to,
)
from alongside.learning.tests.helpers import contact, need, spend
from alongside.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_marking_failure_demand_keeps_words_in_the_support_sphere(world):
    c = contact(world, world.person)
    demand = services.mark_demand(
        c,
        by=world.members["alice"],
        kind="failure",
        failure_kind="retelling",
        in_their_words="I had to tell it all again WORDS-CANARY",
    )
    assert demand.team_id == world.team.pk
    with pytest.raises(UnscopedSphereRead):
        list(DemandWords.objects.all())
    assert demand_words_visible_to(world.members["alice"]).count() == 1
    assert demand_words_visible_to(world.members["cara"]).count() == 0
    assert demand_words_visible_to(world.members["dana"]).count() == 0
    (event,) = _events("learning.demand.marked")
    assert "WORDS-CANARY" not in str(event.summary)
    assert event.summary["failure_kind"] == "retelling"


def test_failure_demand_needs_a_kind_and_value_demand_takes_no_words(world):
    c = contact(world, world.person)
    with pytest.raises(ValidationError) as error:
        services.mark_demand(c, by=world.members["alice"], kind="failure", failure_kind="")
    assert "failure_kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.mark_demand(c, by=world.members["alice"], kind="value", in_their_words="something")
    assert "in_their_words" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.mark_demand(c, by=world.members["alice"], kind="maybe")
    assert "kind" in error.value.message_dict
    assert not ContactDemand.objects.exists()
    assert not _events("learning.demand.marked")


def test_changing_to_value_demand_removes_the_words_and_is_audited(world):
    c = contact(world, world.person)
    services.mark_demand(
        c, by=world.members["alice"], kind="failure", failure_kind="chasing", in_their_words="x y z"
    )
    services.mark_demand(c, by=world.members["alice"], kind="value")
    assert ContactDemand.objects.get().kind == "value"
    assert not DemandWords.objects.for_system("test").exists()
    assert len(_events("learning.demand.changed")) == 1


def test_words_left_as_they_are_when_none(world):
    c = contact(world, world.person)
    services.mark_demand(
        c,
        by=world.members["alice"],
        kind="failure",
        failure_kind="chasing",
        in_their_words="kept words",
    )
    services.mark_demand(
        c, by=world.members["colin"], kind="failure", failure_kind="sent_back", in_their_words=None
    )
    assert DemandWords.objects.for_system("test").get().text == "kept words"


def test_non_workers_cannot_mark(world):
    c = contact(world, world.person)
    for name in ("amir", "dana", "fern", "sam"):
        with pytest.raises(PermissionError):
            services.mark_demand(c, by=world.members[name], kind="value")


def test_need_closes_only_when_confirmed_or_with_a_reason(world):
    today = timezone.localdate()
    n = need(world, world.person, opened=today - timedelta(days=10))
    alice = world.members["alice"]
    with pytest.raises(ValidationError) as error:
        services.close_need(n, by=alice, on=today)
    assert "person_confirmed" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.close_need(n, by=alice, on=today, reason="other", words="")
    assert "words" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.close_need(n, by=alice, on=today, person_confirmed=True, reason="lost_touch")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.close_need(n, by=alice, on=today - timedelta(days=11), person_confirmed=True)
    assert "on" in error.value.message_dict
    stored = Need.objects.for_system("test").get()
    assert stored.status == "open" and stored.closed_on is None
    assert not _events("learning.need.closed")
    services.close_need(n, by=alice, on=today, person_confirmed=True)
    stored = Need.objects.for_system("test").get()
    assert stored.status == "met" and stored.days_to_close == 10
    (event,) = _events("learning.need.closed")
    assert event.summary == {"outcome": "met", "reason": ""}
    with pytest.raises(ValidationError):
        services.close_need(n, by=alice, on=today, person_confirmed=True)


def test_need_closes_with_a_reason(world):
    n = need(world, world.person, opened=timezone.localdate())
    services.close_need(n, by=world.members["alice"], on=timezone.localdate(), reason="referred_on")
    assert Need.objects.for_system("test").get().status == "closed"


def test_opening_a_need_needs_words_and_a_day(world):
    with pytest.raises(ValidationError) as error:
        services.open_need(world.person, by=world.members["alice"], in_their_words=" ")
    assert set(error.value.message_dict) == {"in_their_words", "first_contact_on"}
    c = contact(world, world.person)
    n = services.open_need(
        world.person, by=world.members["alice"], in_their_words="Food for the kids", contact=c
    )
    assert n.first_contact_on == timezone.localdate(c.at) and n.first_contact_id == c.pk
    assert needs_visible_to(world.members["alice"]).count() == 1
    assert needs_visible_to(world.members["colin"]).count() == 1
    assert needs_visible_to(world.members["cara"]).count() == 0
    assert needs_visible_to(world.members["olly"]).count() == 0


@pytest.mark.parametrize("amount", ["0", "-5", "0.00", "1.234", "abc"])
def test_spend_of_zero_negative_or_odd_amount_is_refused(world, amount):
    with pytest.raises(ValidationError) as error:
        services.record_spend(
            world.person,
            by=world.members["alice"],
            amount=amount,
            purpose="Bus fare",
            spent_on=timezone.localdate(),
        )
    assert "amount" in error.value.message_dict
    assert not Spend.objects.for_system("test").exists()
    assert not _events("learning.spend.recorded")


def test_spend_up_to_the_limit_is_made_and_above_it_waits_for_a_coordinator(world):
    made = spend(world, world.person, "50.00")
    assert made.status == "made" and made.amount == Decimal("50.00")
    assert not Notification.objects.exists()
    asked = spend(world, world.person, "50.01")
    assert asked.status == "asked"
    (note,) = Notification.objects.all()
    assert note.user == world.user("colin")
    assert "Bus fare" not in note.text and "Pat" not in note.text
    assert [e.summary["status"] for e in _events("learning.spend.recorded")] == ["made", "asked"]


def test_limit_is_the_organisations(world):
    services.set_learning_settings(
        world.org, by=world.members["dana"], discretion_limit="20", currency="gbp"
    )
    assert spend(world, world.person, "25.00").status == "asked"
    with pytest.raises(PermissionError):
        services.set_learning_settings(
            world.org, by=world.members["colin"], discretion_limit="100", currency="GBP"
        )
    with pytest.raises(ValidationError) as error:
        services.set_learning_settings(
            world.org, by=world.members["dana"], discretion_limit="-1", currency="pounds"
        )
    assert set(error.value.message_dict) == {"discretion_limit", "currency"}


def test_coordinator_approves_or_declines_with_a_reason(world):
    asked = spend(world, world.person, "80.00")
    colin = world.members["colin"]
    with pytest.raises(ValidationError) as error:
        services.decide_spend(asked, by=colin, approve=False, reason="")
    assert "reason" in error.value.message_dict
    assert Spend.objects.for_system("test").get().status == "asked"
    services.decide_spend(asked, by=colin, approve=True)
    assert Spend.objects.for_system("test").get().status == "approved"
    assert _events("learning.spend.approved")
    assert Notification.objects.filter(user=world.user("alice")).count() == 1
    with pytest.raises(ValidationError):
        services.decide_spend(asked, by=colin, approve=True)


def test_coordinator_of_another_team_cannot_approve(world):
    other_team = Team.objects.create(organisation=world.org, name="Advice")
    other = MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="otto"),
        role=Role.COORDINATOR,
        team=other_team,
    )
    asked = spend(world, world.person, "80.00")
    with pytest.raises(PermissionError):
        services.decide_spend(asked, by=other, approve=True)
    for name in ("alice", "cara", "dana", "sam"):
        with pytest.raises(PermissionError):
            services.decide_spend(asked, by=world.members[name], approve=True)
    assert Spend.objects.for_system("test").get().status == "asked"


def test_spender_cannot_approve_their_own_spend_even_as_coordinator(world):
    asked = spend(world, world.person, "80.00", by="colin")
    with pytest.raises(PermissionError):
        services.decide_spend(asked, by=world.members["colin"], approve=True)
    # and no coordinator is left to tell: colin is not told about his own spend
    assert not Notification.objects.filter(user=world.user("colin")).exists()


def test_spends_are_support_sphere(world):
    spend(world, world.person, "5.00")
    with pytest.raises(UnscopedSphereRead):
        list(Spend.objects.all())
    assert spends_visible_to(world.members["alice"]).count() == 1
    assert spends_visible_to(world.members["vic"]).count() == 0
    assert spends_visible_to(world.members["dana"]).count() == 0


def test_a_goal_is_in_their_words_and_says_who_set_it(world):
    alice = world.members["alice"]
    today = timezone.localdate()
    for goal, set_by, field in (
        ("Keep my flat", "", "goal_set_by"),
        ("", "person", "goal"),
        ("ok", "person", "goal"),
        ("Keep my flat", "manager", "goal_set_by"),
    ):
        with pytest.raises(ValidationError) as error:
            services.open_need(
                world.person,
                by=alice,
                in_their_words="Rent arrears letter",
                first_contact_on=today,
                goal=goal,
                goal_set_by=set_by,
            )
        assert set(error.value.message_dict) == {field}, (goal, set_by)
    assert not Need.objects.for_system("test").exists()  # nothing half-saved
    n = services.open_need(
        world.person,
        by=alice,
        in_their_words="Rent arrears letter",
        first_contact_on=today,
        goal="  Keep my flat and pay it off slowly ",
        goal_set_by="person",
    )
    assert (n.goal, n.goal_set_by) == ("Keep my flat and pay it off slowly", "person")
    with pytest.raises(ValidationError):
        services.set_goal(n, by=alice, goal="", set_by="together")
    services.set_goal(n, by=alice, goal="Stay in the flat", set_by="together")
    stored = Need.objects.for_system("test").get()
    assert (stored.goal, stored.goal_set_by) == ("Stay in the flat", "together")
    event = AuditEvent.objects.filter(action="learning.need.goal_set").get()
    assert event.summary == {"goal_set_by": "together"}
    assert "flat" not in str(event.summary)
