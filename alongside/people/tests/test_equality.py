"""Equality monitoring (decision 0037): answered with a confirmed worker, counted for the data
lead only in totals with small numbers suppressed, and never anywhere else."""

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.audit.queries import access_log
from alongside.people.models import EqualityMonitoring
from alongside.people.queries import equality_totals
from alongside.people.services import record_equality
from alongside.testing.factories import PersonFactory

ANSWERS = {
    "gender": "woman",
    "ethnicity": "white_roma",
    "disability": "prefer_not",
    "sexual_orientation": "bisexual",
    "religion": "",
}


def test_the_named_worker_records_the_answers_with_the_person(world):
    client = world.client("alice")
    url = reverse("people:equality", args=[world.person.pk])
    page = client.get(url).content.decode()
    assert "Prefer not to say" in page and "White: Roma" in page
    assert client.post(url, ANSWERS).status_code == 302
    row = EqualityMonitoring.objects.get(person=world.person)
    assert (row.gender, row.religion) == ("woman", "")
    event = AuditEvent.objects.get(action="people.equality.recorded")
    assert event.sphere == "equality"
    assert event.summary == {
        "answered": ["disability", "ethnicity", "gender", "sexual_orientation"]
    }
    assert "roma" not in str(event.summary).lower()


@pytest.mark.parametrize("name", ["cara", "colin", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_nobody_without_a_confirmed_relationship_reads_or_writes_them(world, name):
    url = reverse("people:equality", args=[world.person.pk])
    assert world.client(name).get(url).status_code == 404
    assert world.client(name).post(url, ANSWERS).status_code == 404
    assert not EqualityMonitoring.objects.exists()


def test_the_answers_show_nowhere_else(world):
    record_equality(world.person, by=world.members["alice"], **ANSWERS)
    for name in ("alice", "colin"):
        client = world.client(name)
        for url in (
            reverse("people:person", args=[world.person.pk]),
            f"/api/v1/people/{world.person.pk}",
            reverse("people:export_person_contacts", args=[world.person.pk]),
        ):
            body = client.get(url).content.decode()
            assert "Roma" not in body and "Bisexual" not in body, (name, url)
    # "Who saw my record" shows the event to the data lead (subject access), not to supporters.
    lines = access_log(world.person.pk, world.org.pk, viewer=world.members["alice"])
    assert not any("equality" in line.did for line in lines)
    lines = access_log(world.person.pk, world.org.pk, viewer=world.members["dana"])
    assert any("equality questions" in line.did for line in lines)


def test_the_data_lead_sees_totals_with_small_numbers_suppressed(world):
    for _ in range(5):
        person = PersonFactory(team=world.team)
        record_equality(person, by=world.members["alice"], gender="man")
    record_equality(world.person, by=world.members["alice"], gender="woman")
    totals = {total.question: dict(total.rows) for total in equality_totals(world.members["dana"])}
    gender = totals["Which of these describes them?"]
    assert gender["Man"] == "5"
    assert gender["Woman"] == "fewer than 5"
    page = world.client("dana").get(reverse("people:equality_totals")).content.decode()
    assert "fewer than 5" in page
    for name in ("alice", "colin", "fern", "olly"):
        assert world.client(name).get(reverse("people:equality_totals")).status_code == 404
