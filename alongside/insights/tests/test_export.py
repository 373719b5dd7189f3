"""Downloading team continuity as CSV: coordinators only, the page's team, figures, no words."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.insights.queries import AtRisk, people_at_risk, team_continuity
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory, TeamFactory

EXPORT = "/insights/continuity/export.csv"
HEADER = [
    "Person id",
    "Name",
    "Contacts",
    "Workers",
    "upc",
    "coc",
    "secon",
    "mmci",
    "hhi",
    "named_share",
]


def body_of(response):
    """The whole file: the download is streamed (as long as the organisation), never held."""
    assert response.streaming
    return b"".join(response.streaming_content)


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))))


def test_url_name():
    assert reverse("insights:export_team_continuity") == EXPORT


def test_one_row_per_person_in_the_team_with_the_indices(world):
    alice, cara = world.user("alice"), world.user("cara")
    now = timezone.now()
    for days, worker in ((40, alice), (30, alice), (20, cara), (10, alice)):
        contact = ContactFactory(person=world.person, worker=worker, at=now - timedelta(days=days))
    SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for="PRIVATE words",
        author=alice,
    )
    quiet = PersonFactory(team=world.team, given_name="Quiet", family_name="One")
    response = world.client("colin").get(EXPORT)
    body = body_of(response)
    header, pat, quiet_row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == HEADER
    assert pat == [
        str(world.person.pk),
        "Pat Example",
        "4",
        "2",
        "0.75",
        "0.5",
        "0.3333",
        "0.6774",
        "0.625",
        "0.75",
    ]
    assert quiet_row == [str(quiet.pk), "Quiet One", "0", "0", "", "", "", "", "", ""]
    assert b"PRIVATE" not in body
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="continuity-team-{world.team.pk}-{today}.csv"'
    )


def test_figures_match_the_team_continuity_report(world):
    alice, cara = world.user("alice"), world.user("cara")
    now = timezone.now()
    for days, worker in ((300, cara), (200, alice), (100, alice), (3, cara)):
        ContactFactory(person=world.person, worker=worker, at=now - timedelta(days=days))
    report = team_continuity(world.team, organisation_id=world.org.pk)
    [shown] = people_at_risk(report, [AtRisk(world.person.pk, [])])
    [_, row] = rows_of(world.client("colin").get(EXPORT))
    pat = shown.year
    assert row[2:4] == [str(pat.contacts), str(pat.workers)]
    assert row[4] == str(round(pat.upc, 4)) and row[9] == str(round(pat.named_share, 4))


def test_only_the_chosen_team_and_never_another_organisation(world):
    colin = world.members["colin"]
    colin.team = None
    colin.save()
    other_team = TeamFactory(organisation=world.org, name="Advice line")
    wren = PersonFactory(team=other_team, given_name="Wren", family_name="Other")
    client = world.client("colin")
    everyone = [row[1] for row in rows_of(client.get(EXPORT, {"team": "all"}))[1:]]
    assert everyone == ["Pat Example", "Wren Other"]
    one_team = rows_of(client.get(EXPORT, {"team": other_team.pk}))[1:]
    assert [row[0] for row in one_team] == [str(wren.pk)]
    assert "all-teams" in client.get(EXPORT, {"team": "all"})["Content-Disposition"]


def test_coordinator_of_one_team_cannot_ask_for_all_or_another_team(world):
    other_team = TeamFactory(organisation=world.org, name="Advice line")
    PersonFactory(team=other_team, given_name="Wren")
    client = world.client("colin")
    for team in ("all", other_team.pk):
        names = [row[1] for row in rows_of(client.get(EXPORT, {"team": team}))[1:]]
        assert names == ["Pat Example"]


def test_names_a_spreadsheet_would_run_are_escaped(world):
    PersonFactory(team=world.team, given_name="=2+5", family_name="")
    rows = rows_of(world.client("colin").get(EXPORT))
    assert "'=2+5" in [row[1] for row in rows]


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_download_is_for_coordinators_only(world, name):
    assert world.client(name).get(EXPORT).status_code == 404


def test_download_query_count_does_not_grow_with_people(world):
    def add(n):
        for _ in range(n):
            person = PersonFactory(team=world.team)
            SpellFactory(person=person, worker=world.user("alice"))
            ContactFactory(person=person, worker=world.user("alice"))

    client = world.client("colin")

    def streamed() -> int:
        """Queries while the whole file is sent: the rows are read as the file streams."""
        with CaptureQueriesContext(connection) as context:
            assert len(rows_of(client.get(EXPORT))) > 1
        return len(context.captured_queries)

    streamed()
    add(1)
    one = streamed()
    add(2)
    assert streamed() == one


def test_team_continuity_page_links_to_the_download_of_its_team(world):
    html = world.client("colin").get(reverse("insights:team_continuity")).text
    assert f'href="{EXPORT}?team={world.team.pk}"' in html
