"""Team figures on crafted data: the shares are right, and small numbers read "fewer than 5"."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alongside.access.models import Team
from alongside.common.suppression import FEWER
from alongside.learning import services
from alongside.learning.queries import (
    discretion_summary,
    failure_demand_by_month,
    needs_summary,
)
from alongside.learning.scorecard import scorecard
from alongside.learning.tests.helpers import demand, need, people, spend

pytestmark = pytest.mark.django_db


def _months() -> tuple[date, date]:
    """The first days of the month before last and of last month."""
    this = timezone.localdate().replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    before = (last - timedelta(days=1)).replace(day=1)
    return before, last


def test_failure_demand_share_by_month_and_in_total(world):
    first, second = _months()
    crowd = people(world, 5)
    for person in crowd:
        demand(world, person, "failure", on=first + timedelta(days=9), failure_kind="chasing")
        demand(world, person, "value", on=first + timedelta(days=9))
    for person in crowd[:2]:
        demand(world, person, "value", on=first + timedelta(days=10))
    for person in crowd[:4]:  # only four people this month
        demand(world, person, "failure", on=second + timedelta(days=3), failure_kind="sent_back")
    elsewhere = Team.objects.create(organisation=world.org, name="Elsewhere")
    for person in people(world, 5, team=elsewhere):
        demand(world, person, "failure", on=first + timedelta(days=9))
    end = second + timedelta(days=20)

    report = failure_demand_by_month(world.org.pk, world.team.pk, first, end)
    assert [m.month for m in report.months] == [first, second]
    one, two = report.months
    assert (one.marked, one.failure, one.people, one.share) == ("12", "5", "5", "42%")
    assert one.share_value == pytest.approx(5 / 12)
    assert (two.marked, two.failure, two.people, two.share) == (FEWER, FEWER, FEWER, FEWER)
    assert two.share_value is None
    assert (report.marked, report.failure, report.people, report.share) == ("16", "9", "5", "56%")
    kinds = dict(report.kinds)
    assert kinds["Chasing progress"] == "5"
    assert kinds["Sent back by another service"] == FEWER
    whole = failure_demand_by_month(world.org.pk, None, first, end)
    assert (whole.marked, whole.failure, whole.share) == ("21", "14", "67%")
    # another organisation sees none of it
    assert failure_demand_by_month(world.other_org.pk, None, first, end).marked == FEWER
    # Without the months (the scorecard's), every total is the same and no month is made.
    for team_id, figures in ((world.team.pk, report), (None, whole)):
        totals = failure_demand_by_month(world.org.pk, team_id, first, end, monthly=False)
        assert totals.months == []
        assert (totals.marked, totals.failure, totals.people, totals.share, totals.kinds) == (
            figures.marked,
            figures.failure,
            figures.people,
            figures.share,
            figures.kinds,
        )


def test_four_people_read_fewer_than_five_everywhere(world):
    first, _ = _months()
    today = timezone.localdate()
    crowd = people(world, 4)
    for person in crowd:
        for day in range(3):
            demand(world, person, "failure", on=first + timedelta(days=day))
        n = need(world, person, opened=first)
        services.close_need(n, by=world.members["alice"], on=first, person_confirmed=True)
        for _ in range(2):
            spend(world, person, "5.00")
    demand_report = failure_demand_by_month(world.org.pk, world.team.pk, first, today)
    assert demand_report.share == FEWER and demand_report.people == FEWER
    assert demand_report.marked == FEWER  # 12 contacts, but from four people
    needs = needs_summary(world.org.pk, world.team.pk, first, today)
    assert (needs.opened, needs.met, needs.median_days, needs.first_contact_share) == (
        FEWER,
        FEWER,
        FEWER,
        FEWER,
    )
    assert needs.median_days_value is None
    money = discretion_summary(world.org.pk, world.team.pk, first, today)
    assert money.spends == FEWER  # 8 spends, but for four people
    assert (money.people, money.without_escalation_share, money.total) == (FEWER, FEWER, FEWER)
    card = scorecard(world.org.pk, world.team.pk, first, today)
    for panel in card.panels:
        if panel.key == "attitudes":  # from alongside.measures: its own suppression
            continue
        for figure in panel.figures:
            assert figure.value == FEWER, (panel.key, figure)


def test_needs_median_days_and_share_resolved_at_first_contact(world):
    first, second = _months()
    alice = world.members["alice"]
    for person in people(world, 5):
        quick = need(world, person, opened=first)
        services.close_need(quick, by=alice, on=first, person_confirmed=True)
        slow = need(world, person, opened=first)
        services.close_need(slow, by=alice, on=first + timedelta(days=10), person_confirmed=True)
    summary = needs_summary(world.org.pk, world.team.pk, first, second)
    assert summary.opened == "10" and summary.met == "10" and summary.people == "5"
    assert summary.median_days == "5 days" and summary.median_days_value == 5.0
    assert summary.first_contact_share == "50%"
    assert summary.still_open == FEWER  # zero


def test_discretion_share_without_escalation(world):
    for person in people(world, 5):
        spend(world, person, "10.00")
    spend(world, world.person, "99.00")
    summary = discretion_summary(world.org.pk, world.team.pk, *(2 * [timezone.localdate()]))
    assert summary.spends == "6" and summary.people == "6"
    assert summary.without_escalation_share == "83%"
    assert summary.total == "50.00 GBP"
    assert summary.asked == FEWER


def test_scorecard_has_every_panel_with_a_definition(world):
    today = timezone.localdate()
    card = scorecard(world.org.pk, None, today - timedelta(days=90), today)
    keys = [panel.key for panel in card.panels]
    assert keys == [
        "autonomy",
        "continuity",
        "training",
        "attitudes",
        "separation",
        "failure_demand",
        "connection",
    ]
    assert all(panel.definition for panel in card.panels)
    panels = {panel.key: panel for panel in card.panels}
    # From the training records: with no course marked core it says what to record.
    assert "no course is marked core yet" in panels["training"].not_recorded.lower()
    assert not panels["connection"].not_recorded  # computed from spaces, introductions and ties
    assert "admin" in panels["continuity"].not_recorded.lower()
    assert not panels["autonomy"].not_recorded  # spends and goals are both recorded
    # the Relationship Check panel renders whether or not alongside.measures provides it yet
    assert (
        panels["attitudes"].figures
        or "not recorded yet" in panels["attitudes"].not_recorded.lower()
    )


def test_separation_counts_people_whose_supporter_assessed_them(world):
    from alongside.eligibility.models import ReferralPartner, Voucher

    today = timezone.localdate()
    crowd = people(world, 6)
    for person in crowd:
        demand(world, person, "value", on=today - timedelta(days=3))
    partner = ReferralPartner.objects.create(organisation=world.org, name="GP", kind="gp")
    Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="SEP1",
        adults=1,
        issued_on=today,
        issued_by_name="Dr A",
        recorded_by=world.user("amir"),
        person=crowd[0],
        redeemed_at=timezone.now(),
        redeemed_by=world.user("alice"),  # alice supports crowd[0]: not separated
        parcels=1,
    )
    card = scorecard(world.org.pk, world.team.pk, today - timedelta(days=30), today)
    separation = {
        f.label: f.value for f in next(p for p in card.panels if p.key == "separation").figures
    }
    assert separation["People seen"] == "6"
    assert separation["Never assessed by their supporters"] == "83%"
