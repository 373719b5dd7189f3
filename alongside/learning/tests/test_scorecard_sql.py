"""The scorecard's figures counted in the database (decision 0127) against the computations they
replaced (`scorecard_reference.py`, as the module made them before): the same numbers
for a team and for the organisation, on random people, contacts, named-worker spells, vouchers,
admin time and needs, in random periods in five time zones; also a team with no one and a
period with nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.common.suppression import FEWER
from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.learning import scorecard as new
from alongside.learning.models import AdminTime, GoalSetBy, Need, NeedStatus
from alongside.learning.tests import scorecard_reference as old
from alongside.people.models import Person
from alongside.relationships.queries import continuity_summary, window_totals
from alongside.relationships.tests.test_summaries import ZONES, add_person, spells
from alongside.testing.factories import OrganisationFactory, TeamFactory, UserFactory

EARLIEST = datetime(2025, 1, 1, tzinfo=UTC)
FIRST_DAY = date(2025, 1, 1)
# Contacts over 14 months, many within 14 hours of a month's first UTC midnight (a local day on
# one side or the other of a month, and so of the window's parts, depending on the zone).
MONTH_EDGES = [date(2025, m, 1) for m in range(1, 13)] + [date(2026, 1, 1), date(2026, 2, 1)]
instants = st.one_of(
    st.integers(0, 420 * 24 * 60).map(lambda m: EARLIEST + timedelta(minutes=m)),
    st.tuples(st.sampled_from(MONTH_EDGES), st.integers(-14 * 60, 14 * 60)).map(
        lambda e: datetime.combine(e[0], datetime.min.time(), tzinfo=UTC) + timedelta(minutes=e[1])
    ),
)
contacts = st.lists(st.tuples(instants, st.integers(0, 3)), max_size=12)
# A voucher redeemed by worker i (0-3: a supporter or not, as the contacts and spells fell; 4:
# never one).
vouchers = st.lists(st.integers(0, 4), max_size=2)
person = st.tuples(contacts, spells, st.booleans(), vouchers)
needs = st.lists(
    st.tuples(
        st.integers(0, 420),  # first contact, days after 1 January 2025
        st.one_of(st.none(), st.integers(0, 200)),  # closed that many days later, or open
        st.sampled_from(["", *GoalSetBy.values]),
        st.booleans(),  # the second team's
    ),
    max_size=8,
)
admin = st.lists(
    st.tuples(
        st.integers(0, 4),  # worker
        st.booleans(),  # the second team's
        st.integers(0, 60),  # weeks after the first Monday of 2025
        st.integers(0, 400),  # tenths of an hour
    ),
    max_size=10,
)
periods = st.tuples(st.integers(-10, 430), st.integers(0, 400)).map(
    lambda p: (FIRST_DAY + timedelta(days=p[0]), FIRST_DAY + timedelta(days=p[0] + p[1]))
)


def assert_same_as_the_reference(org_id: int, team_id: int | None, start: date, end: date) -> None:
    assert new._own_goals(org_id, team_id, start, end) == old.own_goals(org_id, team_id, start, end)
    assert new._admin_split(org_id, team_id, start, end) == old.admin_split(
        org_id, team_id, start, end
    )
    got, wanted = new._seen(org_id, team_id, start, end), old.seen(org_id, team_id, start, end)
    assert (got.people, got.workers, got.minutes) == (wanted.people, wanted.workers, wanted.minutes)
    if wanted.named_share is None:
        assert got.named_share is None
    else:
        assert got.named_share == pytest.approx(wanted.named_share, rel=1e-12)
    people, separated = old.separation(org_id, team_id, start, end)
    assert (got.people, got.people - new._assessed(org_id, team_id, start, end)) == (
        people,
        separated,
    )


def _build(org: Any, teams: list[Any], drawn: list[Any], drawn_needs: Any, drawn_admin: Any):
    workers = [UserFactory() for _ in range(5)]
    partner = ReferralPartner.objects.create(organisation=org, name="Surgery", kind="gp")
    made = []
    for index, (found, spans, second_team, redeemed) in enumerate(drawn):
        # worker 4 is never at a contact nor a named worker: a voucher of theirs is separated
        made.append(add_person(org, teams[second_team], workers[:4], found, spans))
        for number, by in enumerate(redeemed):
            Voucher.objects.create(
                organisation=org,
                partner=partner,
                code=f"V{index}-{number}",
                adults=1,
                issued_on=FIRST_DAY,
                issued_by_name="Dr A",
                person=made[-1],
                redeemed_at=EARLIEST,
                redeemed_by=workers[by],
                parcels=1,
                recorded_by=workers[0],
            )
    for first, closed, set_by, second_team in drawn_needs:
        if not made:
            break
        opened = FIRST_DAY + timedelta(days=first)
        Need(
            organisation=org,
            person=made[first % len(made)],
            team=teams[second_team],
            in_their_words="Help",
            goal_set_by=set_by,
            first_contact_on=opened,
            status=NeedStatus.OPEN if closed is None else NeedStatus.MET,
            closed_on=None if closed is None else opened + timedelta(days=closed),
            author=workers[0],
        ).save()
    first_monday = date(2024, 12, 30)
    for worker, second_team, weeks, tenths in drawn_admin:
        AdminTime.objects.update_or_create(
            organisation=org,
            worker=workers[worker],
            team=teams[second_team],
            week=first_monday + timedelta(weeks=weeks),
            defaults={"hours": Decimal(tenths) / 10},
        )


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ZONES), st.lists(person, max_size=7), needs, admin, periods)
def test_rewritten_figures_are_the_references(zone, drawn, drawn_needs, drawn_admin, period):
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        org = OrganisationFactory()
        teams = [TeamFactory(organisation=org), TeamFactory(organisation=org)]
        empty = TeamFactory(organisation=org)  # a team with no one
        _build(org, teams, drawn, drawn_needs, drawn_admin)
        for team_id in (teams[0].pk, teams[1].pk, empty.pk, None):
            assert_same_as_the_reference(org.pk, team_id, start, end)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ZONES), st.lists(person, max_size=7), periods)
def test_window_totals_are_the_continuity_summarys_figures(zone, drawn, period):
    """`window_totals` gives `continuity_summary`'s people, workers and person-weighted
    named-worker share, and the minutes of the window's contacts."""
    start, end = period
    with timezone.override(ZoneInfo(zone)), transaction.atomic():
        org = OrganisationFactory()
        teams = [TeamFactory(organisation=org), TeamFactory(organisation=org)]
        _build(org, teams, drawn, [], [])
        for scope in (None, teams[0], teams[1]):
            people = None if scope is None else Person.objects.filter(team=scope).values("pk")
            summary = continuity_summary(org.pk, start=start, end=end, people=people).summary
            got = window_totals(org.pk, start=start, end=end, people=people)
            assert (got.people, got.workers) == (summary.people, summary.workers)
            wanted = summary.person_weighted["named_share"]
            if wanted is None:
                assert got.named_share is None
            else:
                assert got.named_share == pytest.approx(wanted, rel=1e-12)
            since, until = old.period_bounds(start, end - timedelta(days=1))
            contacts = old.Contact.objects.filter(organisation=org, at__gte=since, at__lt=until)
            if scope is not None:
                contacts = contacts.filter(person__team=scope)
            assert got.minutes == sum(contacts.values_list("minutes", flat=True))
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_period_with_nothing_is_the_references(world):
    today = timezone.localdate()
    for team_id in (world.team.pk, None):
        assert_same_as_the_reference(world.org.pk, team_id, today, today)
    card = new.scorecard(world.org.pk, world.team.pk, today, today)
    continuity = next(panel for panel in card.panels if panel.key == "continuity")
    assert continuity.figures[0] == new.Figure("People seen", FEWER)
