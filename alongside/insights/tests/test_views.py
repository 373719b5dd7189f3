from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.insights.queries import previous_quarter, quarter_start, team_continuity
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries


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
    assert "PRIVATE" not in html


def test_team_continuity_lists_people_whose_named_worker_is_leaving(world):
    membership = world.members["alice"]
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
    membership = world.members["alice"]
    response = world.client("colin").post(
        reverse("insights:set_leaving"), {"worker": membership.pk, "leaving_on": "2001-01-01"}
    )
    assert response.status_code == 400
    assert "can&#x27;t be in the past" in response.content.decode()
    membership.refresh_from_db()
    assert membership.leaving_on is None


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
    pat = report.per_person[world.person.pk]
    assert (pat.contacts, pat.workers, pat.upc, pat.named_share) == (4, 2, 0.75, 0.75)
    assert report.year.people == 1 and report.year.contacts == 4
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
