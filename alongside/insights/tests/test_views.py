import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Role
from alongside.common.figures import worked_out
from alongside.insights.queries import (
    TREND_INDICES,
    AtRisk,
    at_risk_page,
    continuity_figures,
    people_at_risk,
    previous_quarter,
    quarter_start,
    team_continuity,
)
from alongside.people.models import Person
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
)
from alongside.testing.helpers import assert_constant_queries


def in_colins_team(world, name):
    """The shared fixture's supporters have no team; colin manages only his own team's workers
    (`access.manage_worker`), so a test about a colleague of his puts them in it."""
    membership = world.members[name]
    membership.team = world.team
    membership.save()
    return membership


@pytest.mark.time_machine(SUMMER_MIDDAY)  # mid-quarter: never a new quarter between its steps
def test_team_continuity_page_shows_charts_and_people_at_risk(world):
    alice, cara, colin = world.user("alice"), world.user("cara"), world.user("colin")
    start = timezone.now()
    for worker in (alice, cara, colin):
        ContactFactory(
            person=world.person, worker=worker, at=start - timedelta(minutes=len(str(worker)))
        )
    contact = ContactFactory(person=world.person, worker=alice, at=start - timedelta(days=1))
    SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for="PRIVATE words",
        author=alice,
    )
    html = world.client("colin").get(reverse("insights:team_continuity")).content.decode()
    assert html.count("<svg") == 2
    assert 'role="img"' in html
    assert "Pat Example" in html and "3 different workers this quarter" in html
    assert "Last 12 months: 4 contacts with 3 different workers" in html
    assert "PRIVATE" not in html


def test_team_continuity_lists_people_whose_named_worker_is_leaving(world):
    membership = in_colins_team(world, "alice")
    response = world.client("colin").post(
        reverse("insights:set_leaving"),
        {
            "worker": membership.pk,
            "leaving_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.leaving_on is not None
    html = world.client("colin").get(reverse("insights:team_continuity")).content.decode()
    assert "named worker leaves on" in html


def test_set_leaving_date_in_the_past_is_refused(world):
    membership = in_colins_team(world, "alice")
    response = world.client("colin").post(
        reverse("insights:set_leaving"), {"worker": membership.pk, "leaving_on": "2001-01-01"}
    )
    assert response.status_code == 400
    assert "can&#x27;t be in the past" in response.content.decode()
    membership.refresh_from_db()
    assert membership.leaving_on is None


@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_a_coordinator_sets_a_leaving_date_only_for_workers_they_manage(world):
    """The same rule as the Workers pages (`access.manage_worker`): colin's own team's
    supporters, volunteers and assessors; not another team's, not a coordinator, not the
    data lead."""
    in_colins_team(world, "alice")
    in_colins_team(world, "vic")
    other_team = TeamFactory(organisation=world.org, name="Outreach")
    cara = world.members["cara"]
    cara.team = other_team
    cara.save()
    other_coordinator = MembershipFactory(
        organisation=world.org, role=Role.COORDINATOR, team=world.team, user__first_name="Cleo"
    )
    client = world.client("colin")

    def offered(text: str) -> bool:
        """Whether the worker picker offers anyone for `text` (a radio named "worker")."""
        html = client.get(
            reverse("insights:team_continuity"), {"worker_search": text}
        ).content.decode()
        return 'name="worker" value=' in html

    assert offered("alice") and offered("vic")
    assert not offered("cara") and not offered("cleo") and not offered("dana")
    in_20_days = (timezone.localdate() + timedelta(days=20)).isoformat()
    for refused in (cara, other_coordinator, world.members["dana"], world.members["olly"]):
        response = client.post(
            reverse("insights:set_leaving"), {"worker": refused.pk, "leaving_on": in_20_days}
        )
        assert response.status_code == 400, refused
        assert "Choose a worker from the list" in response.content.decode()
        refused.refresh_from_db()
        assert refused.leaving_on is None
    allowed = client.post(
        reverse("insights:set_leaving"),
        {"worker": world.members["alice"].pk, "leaving_on": in_20_days},
    )
    assert allowed.status_code == 302


@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_a_coordinator_without_a_team_sets_leaving_dates_in_every_team(world):
    colin = world.members["colin"]
    colin.team = None
    colin.save()
    cara = world.members["cara"]
    cara.team = TeamFactory(organisation=world.org, name="Outreach")
    cara.save()
    response = world.client("colin").post(
        reverse("insights:set_leaving"),
        {"worker": cara.pk, "leaving_on": (timezone.localdate() + timedelta(days=5)).isoformat()},
    )
    assert response.status_code == 302
    cara.refresh_from_db()
    assert cara.leaving_on is not None


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_team_continuity_is_for_coordinators_only(world, name):
    assert world.client(name).get(reverse("insights:team_continuity")).status_code == 404
    assert world.client(name).post(reverse("insights:set_leaving"), {}).status_code == 404


def test_team_continuity_query_count_does_not_grow_with_people(world):
    def add(n):
        for _ in range(n):
            person = PersonFactory(team=world.team)
            SpellFactory(person=person, worker=world.user("alice"))
            ContactFactory(person=person, worker=world.user("alice"))

    assert_constant_queries(world.client("colin"), reverse("insights:team_continuity"), add)


def test_team_continuity_figures_match_the_engine(world):
    alice, cara = world.user("alice"), world.user("cara")
    now = timezone.now()
    for days, worker in ((40, alice), (30, alice), (20, cara), (10, alice)):
        ContactFactory(person=world.person, worker=worker, at=now - timedelta(days=days))
    report = team_continuity(world.team, organisation_id=world.org.pk)
    [shown] = people_at_risk(report, [AtRisk(world.person.pk, ["a reason"])])
    pat = shown.year
    assert (pat.contacts, pat.workers, pat.upc, pat.named_share) == (4, 2, 0.75, 0.75)
    assert report.year.people == 1 and report.year.contacts == 4 and report.year.workers == 2
    assert report.year.person_weighted["upc"] == 0.75
    assert report.distribution[3] == ("60–79%", 1)
    assert sum(count for _, count in report.distribution) == 1


def test_quarters():
    from datetime import date

    assert quarter_start(date(2026, 11, 29)) == date(2026, 10, 1)
    assert previous_quarter(date(2026, 1, 1)) == date(2025, 10, 1)
    assert previous_quarter(date(2026, 7, 1)) == date(2026, 4, 1)


def test_coordinator_without_a_team_can_see_the_whole_organisation(world):
    colin = world.members["colin"]
    colin.team = None
    colin.save()
    other_team_person = PersonFactory(
        organisation=world.org, team__organisation=world.org, given_name="Wren"
    )
    ContactFactory(person=other_team_person, worker=world.user("cara"))
    html = (
        world.client("colin")
        .get(reverse("insights:team_continuity") + "?team=all")
        .content.decode()
    )
    assert "Continuity across Riverside Test Hub" in html
    assert "Wren" in html  # no named worker: at risk
    assert "Quinn" not in html  # never another organisation


def test_people_at_risk_come_first_a_page_at_a_time(world, monkeypatch):
    """The page loads only the people it shows: the rest are a page link away, read from where
    the page before ended (a keyset page, decision 0121)."""
    from alongside.insights import views

    monkeypatch.setattr(views, "AT_RISK_PAGE_SIZE", 2)
    for name in ("Ann", "Bob", "Cat"):
        PersonFactory(team=world.team, given_name=name, family_name="Unnamed")
    client = world.client("colin")
    url = reverse("insights:team_continuity")
    first = client.get(url).content.decode()
    assert "3 people, in name order." in first
    assert "Ann Unnamed" in first and "Bob Unnamed" in first and "Cat Unnamed" not in first
    assert 'aria-label="Pages of people at risk"' in first and 'rel="prev"' not in first
    second = client.get(url + link(first, "next")).content.decode()
    assert "3 people, in name order." in second
    assert "Cat Unnamed" in second and "Ann Unnamed" not in second
    assert link(second, "next") is None
    back = client.get(url + link(second, "prev")).content.decode()
    assert "Ann Unnamed" in back and "Bob Unnamed" in back and "Cat Unnamed" not in back
    assert first.index("People whose continuity is at risk") < first.index("Last 12 months")


def link(html: str, rel: str) -> str | None:
    """The address of the page's Previous or Next link (`rel`), unescaped."""
    found = re.search(rf'<a href="(\?[^"]*)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_page_of_people_at_risk_keeps_its_team(world, monkeypatch):
    """A coordinator without a team of their own pages through the team they chose, and a
    cursor from one team's list is refused by another's (400, in plain words)."""
    from alongside.insights import views

    monkeypatch.setattr(views, "AT_RISK_PAGE_SIZE", 1)
    colin = world.members["colin"]
    colin.team = None
    colin.save()
    outreach = TeamFactory(organisation=world.org, name="Outreach")
    for name in ("Ann", "Bob"):
        PersonFactory(organisation=world.org, team=outreach, given_name=name, family_name="Out")
    client = world.client("colin")
    url = reverse("insights:team_continuity")
    first = client.get(url, {"team": outreach.pk}).content.decode()
    assert "Ann Out" in first and "Pat Example" not in first
    following = link(first, "next")
    assert following.startswith(f"?team={outreach.pk}&cursor=")
    second = client.get(url + following).content.decode()
    assert "Bob Out" in second and "Ann Out" not in second
    cursor = following.split("cursor=")[1]
    elsewhere = client.get(url, {"team": world.team.pk, "cursor": cursor})
    assert elsewhere.status_code == 400
    assert "belongs to another list" in elsewhere.content.decode()
    assert client.get(url, {"cursor": cursor[:-3]}).status_code == 400


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_a_page_of_people_at_risk_is_refused_to_other_roles(world, name):
    """The next page's address is the page's: a cursor made for colin opens nothing for a role
    that may not see the page."""
    for given in ("Ann", "Bob"):
        PersonFactory(team=world.team, given_name=given, family_name="Unnamed")
    report = team_continuity(world.team, organisation_id=world.org.pk)
    cursor = at_risk_page(report, None, size=1).next_cursor
    assert cursor is not None
    url = reverse("insights:team_continuity")
    assert world.client(name).get(url, {"cursor": cursor}).status_code == 404
    assert world.client("colin").get(url, {"cursor": cursor}).status_code == 200


@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_the_whole_organisation_counts_its_own_people_only(world):
    """Without a team the page reads the organisation's summary rows unnarrowed: the same
    figures as narrowed to its people, and nothing of another organisation's."""
    from alongside.relationships.continuity import next_quarter
    from alongside.relationships.queries import continuity_by_quarter, continuity_summary

    now = timezone.now()
    wren = PersonFactory(organisation=world.org, team__organisation=world.org, given_name="Wren")
    for days, person, worker in (
        (40, world.person, "alice"),
        (20, world.person, "cara"),
        (10, wren, "cara"),
        (5, world.other_person, "olly"),
        (3, world.other_person, "olly"),
    ):
        ContactFactory(person=person, worker=world.user(worker), at=now - timedelta(days=days))
    report = team_continuity(None, organisation_id=world.org.pk)
    mine = Person.objects.filter(organisation_id=world.org.pk).values("pk")
    narrowed = continuity_summary(
        world.org.pk, start=report.year_start, end=None, people=mine, share_bins=[(0.0, 1.01)]
    )
    assert (report.year.people, report.year.contacts) == (2, 3)
    assert report.year == narrowed.summary
    quarters = continuity_by_quarter(
        world.org.pk,
        first=report.trend[0].start,
        last=next_quarter(report.trend[-1].start),
        people=mine,
    )
    assert [
        (q.summary.people, q.summary.contacts, q.summary.person_weighted)
        for q in report.trend
        if q.summary.people
    ] == [
        (
            whole.people,
            whole.contacts,
            {name: whole.person_weighted[name] for name in TREND_INDICES},
        )
        for whole in quarters.values()
    ]
    assert sum(q.summary.contacts for q in report.trend) == 3


def test_the_page_keeps_its_figures_and_a_leaving_date_set_shows_at_once(world):
    """Decision 0133: the figures are kept for ten minutes (read back equal to those worked out
    afresh); a contact recorded meanwhile shows in them later, but a leaving date set on this
    page forgets them, so the people it puts at risk are counted at once."""
    alice, cara, colin = world.user("alice"), world.user("cara"), world.user("colin")
    url = reverse("insights:team_continuity")
    client = world.client("colin")
    with time_machine.travel(timezone.now(), tick=False):
        ContactFactory(person=world.person, worker=alice)
        first = client.get(url).content.decode()
        assert "These figures were worked out on" in first
        kept = worked_out(continuity_figures, world.org.pk, world.team.pk)
        assert kept.figures == continuity_figures(world.org.pk, world.team.pk)
        assert kept.figures.year.contacts == 1
        for worker in (cara, colin):
            ContactFactory(person=world.person, worker=worker)
        assert worked_out(continuity_figures, world.org.pk, world.team.pk).figures == kept.figures
        membership = in_colins_team(world, "alice")
        client.post(
            reverse("insights:set_leaving"),
            {"worker": membership.pk, "leaving_on": str(timezone.localdate() + timedelta(days=20))},
        )
        after = worked_out(continuity_figures, world.org.pk, world.team.pk).figures
        assert after == continuity_figures(world.org.pk, world.team.pk)
    assert (after.year.contacts, after.year.workers) == (3, 3)
