"""The scorecard's connection panel, from spaces, introductions and ties on crafted data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alongside.access.models import Team
from alongside.common.suppression import FEWER
from alongside.connections.models import Introduction, IntroductionSide, Kind, Status
from alongside.learning.scorecard import scorecard
from alongside.learning.tests.helpers import people
from alongside.spaces.models import TieCount
from alongside.spaces.tests.helpers import attend, make_session, make_space

pytestmark = pytest.mark.django_db


def _connection(world, team_id, days=60):
    today = timezone.localdate()
    card = scorecard(world.org.pk, team_id, today - timedelta(days=days), today)
    panel = next(p for p in card.panels if p.key == "connection")
    return panel, {f.label: f.value for f in panel.figures}


def _introduce(world, person, *, on):
    introduction = Introduction.objects.create(
        organisation=world.org,
        kind=Kind.GROUP,
        status=Status.INTRODUCED,
        proposed_by=world.user("alice"),
        created_at=on - timedelta(days=2),
        introduced_at=on,
    )
    IntroductionSide.objects.create(
        introduction=introduction, position=0, person=person, answer="agreed"
    )


def _counts(world, person, totals):
    today = timezone.localdate()
    for weeks_ago, total in totals:
        TieCount.objects.create(
            organisation=world.org,
            person=person,
            team=person.team,
            counted_on=today - timedelta(weeks=weeks_ago),
            bonding=total,
            author=world.user("alice"),
        )


def test_connection_panel_counts_groups_regularity_introductions_and_ties(world):
    today = timezone.localdate()
    crowd = people(world, 6)
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    sessions = [make_session(space, on=today - timedelta(weeks=w)) for w in (4, 3, 2, 1)]
    for person in crowd[:5]:  # 3 of the last 4 sessions: regular
        for session in sessions[1:]:
            attend(session, person)
    attend(sessions[0], crowd[5])  # came once, a month ago: not regular
    for person in crowd[:5]:
        _introduce(world, person, on=timezone.now() - timedelta(days=5))
    for person in crowd[:5]:
        _counts(world, person, [(6, 1), (1, 3)])  # more people to turn to
    _counts(world, crowd[5], [(6, 2), (1, 2)])  # the same
    _counts(world, crowd[5], [(-1, 9)])  # after the period: not counted

    panel, figures = _connection(world, world.team.pk)

    assert panel.not_recorded == ""
    assert figures == {
        "At a group or space": "6",
        "Coming regularly": "83%",
        "People introduced (both agreed)": "5",
        "Ties counted at least twice": "6",
        "More people to turn to than at first": "83%",
    }


def test_connection_panel_withholds_figures_from_fewer_than_five_people(world):
    today = timezone.localdate()
    crowd = people(world, 4)
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    session = make_session(space, on=today - timedelta(days=3))
    for person in crowd:
        attend(session, person)
        _introduce(world, person, on=timezone.now() - timedelta(days=1))
        _counts(world, person, [(6, 1), (1, 2)])

    _, figures = _connection(world, world.team.pk)

    assert set(figures.values()) == {FEWER}


def test_connection_panel_keeps_to_the_team_and_the_period(world):
    today = timezone.localdate()
    other_team = Team.objects.create(organisation=world.org, name="Befriending")
    ours, theirs = people(world, 5), people(world, 5, team=other_team)
    space = make_space(world.org, team=world.team, host=world.user("alice"))
    recent = make_session(space, on=today - timedelta(days=3))
    old = make_session(space, on=today - timedelta(days=200))
    for person in ours:
        attend(recent, person)
    for person in theirs:
        attend(old, person)  # before the period
        _introduce(world, person, on=timezone.now() - timedelta(days=2))

    _, team_figures = _connection(world, world.team.pk)
    _, org_figures = _connection(world, None)

    assert team_figures["At a group or space"] == "5"
    assert team_figures["People introduced (both agreed)"] == FEWER  # none in this team
    assert org_figures["At a group or space"] == "5"  # the other team's visits were too long ago
    assert org_figures["People introduced (both agreed)"] == "5"


def test_autonomy_panel_shares_needs_with_the_persons_own_goal(world):
    from alongside.learning import services

    today = timezone.localdate()
    alice = world.members["alice"]
    crowd = people(world, 7)
    for person, set_by in zip(
        crowd, ["person", "person", "together", "together", "person", "worker"], strict=False
    ):
        services.open_need(
            person,
            by=alice,
            in_their_words="Help with the rent",
            first_contact_on=today - timedelta(days=10),
            goal="Stay in my home",
            goal_set_by=set_by,
        )
    old = services.open_need(
        crowd[6],
        by=alice,
        in_their_words="An old need",
        first_contact_on=today - timedelta(days=300),
    )
    services.close_need(old, by=alice, on=today - timedelta(days=200), person_confirmed=True)

    card = scorecard(world.org.pk, world.team.pk, today - timedelta(days=60), today)
    panel = next(p for p in card.panels if p.key == "autonomy")
    figures = {f.label: f.value for f in panel.figures}

    assert figures["Needs open in the period"] == "6"  # the one closed before the period is out
    assert figures["With the person's own goal"] == "83%"
    assert panel.not_recorded == ""


def test_separation_counts_people_never_assessed_by_any_of_their_supporters(world):
    """A voucher redeemed by a named worker, the worker at a contact or a worker also present
    at one is not separated; one redeemed by someone else is (one query for the figure)."""
    from alongside.eligibility.models import ReferralPartner, Voucher
    from alongside.learning.tests.helpers import contact

    partner = ReferralPartner.objects.create(organisation=world.org, name="Surgery", kind="gp")
    crafted = people(world, 12)  # alice is named worker of each
    for person in crafted:
        contact(world, person, on=timezone.localdate() - timedelta(days=5))
    contact(world, crafted[1], worker="cara")
    contact(world, crafted[2], worker="cara").also_present.add(world.user("vic"))

    def voucher(person, by):
        Voucher.objects.create(
            organisation=world.org,
            partner=partner,
            code=f"S{person.pk}{by.pk}",
            adults=1,
            issued_on=timezone.localdate(),
            issued_by_name="Dr A",
            person=person,
            redeemed_at=timezone.now(),
            redeemed_by=by,
            parcels=1,
            recorded_by=world.user("amir"),
        )

    voucher(crafted[0], world.user("alice"))  # named worker
    voucher(crafted[1], world.user("cara"))  # worker at a contact
    voucher(crafted[2], world.user("vic"))  # also present
    voucher(crafted[3], world.user("amir"))  # someone else: still separated
    today = timezone.localdate()
    card = scorecard(world.org.pk, world.team.pk, today - timedelta(days=60), today)
    panel = next(p for p in card.panels if p.key == "separation")
    figures = {f.label: f.value for f in panel.figures}
    assert figures["People seen"] == "12"
    assert figures["Never assessed by their supporters"] == "75%"  # 9 of 12
