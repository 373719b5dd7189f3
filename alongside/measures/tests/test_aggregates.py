"""Team aggregates: suppression everywhere, no worker names, the figures the reports call."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.measures.builtins import LONELINESS, ONS4, RELATIONSHIP_CHECK
from alongside.measures.queries import (
    continuity_associations,
    outcome_changes,
    relationship_check_summary,
)
from alongside.measures.tests.helpers import RC_ALL_AGREE, answered
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _people(world, count, *, worker):
    people = []
    for number in range(count):
        person = PersonFactory(
            team=world.team, given_name=f"Respondent{number}", family_name="Zedwardson"
        )
        SpellFactory(person=person, worker=worker)
        people.append(person)
    return people


def _period():
    today = timezone.localdate()
    return today - timedelta(days=365), today


def test_four_respondents_show_fewer_than_five_everywhere(world):
    alice = world.user("alice")
    for person in _people(world, 4, worker=alice):
        answered(person, RELATIONSHIP_CHECK, RC_ALL_AGREE, author=alice)
    start, end = _period()
    summary = relationship_check_summary(world.org.pk, world.team.pk, start, end)
    assert (summary.responses, summary.people) == (4, 4)
    assert all(c.mean is None and c.share_agreeing is None for c in summary.conditions)
    body = world.client("colin").get(reverse("measures:outcomes")).content.decode()
    assert "fewer than 5" in body
    assert "Answers: fewer than 5, from fewer than 5 people." in body
    assert "100%" not in body and "4.4" not in body


def test_five_respondents_show_figures_and_no_worker_names(world):
    alice, cara = world.user("alice"), world.user("cara")
    people = _people(world, 3, worker=alice) + _people(world, 2, worker=cara)
    for person in people:
        answered(person, RELATIONSHIP_CHECK, {**RC_ALL_AGREE, "had_a_say": None}, author=alice)
    start, end = _period()
    summary = relationship_check_summary(world.org.pk, world.team.pk, start, end)
    listened = summary.conditions[0]
    assert listened.label == "Listened to and understood"
    assert listened.mean == 5.0 and listened.share_agreeing == 1.0
    had_a_say = [c for c in summary.conditions if c.code == "had_a_say"][0]
    assert had_a_say.n == 0 and had_a_say.mean is None  # everyone preferred not to say
    response = world.client("colin").get(reverse("measures:outcomes"))
    body = response.content.decode()
    assert "5.0" in body and "100%" in body
    # Whole words only: the page also holds random tokens (CSRF, nonces) that may contain short
    # strings like "P0" by chance, so names here are long enough never to collide with them.
    for name in ("Alice", "Cara", "alice", "cara", "Zedwardson", "Respondent0"):
        assert name not in body.replace("Sign out Colin", ""), name
    assert "association, not cause" in body.lower()
    assert AuditEvent.objects.filter(action="measures.aggregates.viewed").count() == 1


def test_outcome_changes_pair_latest_in_period_with_baseline(world):
    alice = world.user("alice")
    now = timezone.now()
    people = _people(world, 6, worker=alice)
    for number, person in enumerate(people):
        baseline = {"life_satisfaction": 3, "worthwhile": 4, "happiness": 5, "anxiety": 7}
        later = {**baseline, "life_satisfaction": 3 + number, "anxiety": None}
        answered(person, ONS4, baseline, author=alice, at=now - timedelta(days=200))
        answered(person, ONS4, later, author=alice, at=now - timedelta(days=10))
        answered(
            person,
            LONELINESS,
            {"direct": 2, "companionship": 3, "left_out": 3, "isolated": 2},
            author=alice,
            at=now - timedelta(days=200),
        )
        if number < 4:
            answered(
                person,
                LONELINESS,
                {"direct": 3, "companionship": 2, "left_out": 2, "isolated": 2},
                author=alice,
                at=now - timedelta(days=5),
            )
    start, end = _period()
    changes = {
        (c.instrument_key, c.measure_key): c
        for c in outcome_changes(world.org.pk, None, start, end)
    }
    life = changes[(ONS4, "life_satisfaction")]
    assert life.n == 6 and life.mean_change == pytest.approx(2.5)  # 0..5, mean 2.5
    assert life.ci_low < 2.5 < life.ci_high
    assert changes[(ONS4, "worthwhile")].mean_change == 0.0
    anxiety = changes[(ONS4, "anxiety")]
    assert anxiety.n == 0 and anxiety.mean_change is None  # missing answers are not zero
    ucla = changes[(LONELINESS, "total")]
    assert ucla.n == 4 and ucla.mean_change is None and ucla.ci_low is None  # fewer than 5
    assert (RELATIONSHIP_CHECK, "listened") in changes
    # a period that ends before the follow-ups: nobody has a later answer
    early = outcome_changes(world.org.pk, None, start, (now - timedelta(days=100)).date())
    assert all(c.n == 0 for c in early)


def test_continuity_associations_label_and_withhold(world):
    alice = world.user("alice")
    wes = MembershipFactory(
        organisation=world.org, user=UserFactory(username="wes"), role=Role.SUPPORTER
    ).user
    now = timezone.now()
    people = _people(world, 6, worker=alice)
    for number, person in enumerate(people):
        # number of contacts with the named worker rises with `number`: continuity 0.2 .. 1.0
        for index in range(5):
            worker = alice if index < number else wes
            ContactFactory(person=person, worker=worker, at=now - timedelta(days=100 - index))
        answered(
            person,
            ONS4,
            {"life_satisfaction": 3, "worthwhile": 5, "happiness": 5, "anxiety": 5},
            author=alice,
            at=now - timedelta(days=150),
        )
        answered(
            person,
            ONS4,
            {"life_satisfaction": 3 + number, "worthwhile": 5, "happiness": 5, "anxiety": 5},
            author=alice,
            at=now - timedelta(days=2),
        )
    start, end = _period()
    found = {a.label: a for a in continuity_associations(world.org.pk, world.team.pk, start, end)}
    life = found["Continuity and change in ONS4 personal wellbeing: Life satisfaction"]
    assert life.n >= 5 and life.r is not None and life.r > 0.9
    assert life.ci_low is not None and life.ci_low <= life.r <= life.ci_high
    worthwhile = found[
        "Continuity and change in ONS4 personal wellbeing: Things I do are worthwhile"
    ]
    assert worthwhile.r is None  # no variation in change
    listened = found["Continuity and “Listened to and understood” (Relationship Check)"]
    assert listened.n == 0 and listened.r is None


def test_team_scope_leaves_out_other_teams(world):
    from alongside.testing.factories import TeamFactory

    alice = world.user("alice")
    foodbank = TeamFactory(organisation=world.org, name="Foodbank")
    for number in range(5):
        person = PersonFactory(team=foodbank, given_name=f"F{number}")
        answered(person, RELATIONSHIP_CHECK, RC_ALL_AGREE, author=alice)
    start, end = _period()
    assert relationship_check_summary(world.org.pk, world.team.pk, start, end).people == 0
    assert relationship_check_summary(world.org.pk, None, start, end).people == 5
    assert relationship_check_summary(world.other_org.pk, None, start, end).people == 0
    assert isinstance(start, date)
