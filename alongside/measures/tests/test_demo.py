"""The demo's answers: deterministic per seed, baselines before follow-ups, numbers only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alongside.measures.baselines import rebuild
from alongside.measures.demo import build_measures
from alongside.measures.models import MeasureBaseline, Response
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory

pytestmark = pytest.mark.django_db


def _answers():
    rows = Response.objects.for_system("test: demo answers").order_by(
        "person_id", "completed_at", "version_id"
    )
    return [(r.person_id, r.version_id, r.completed_at, r.answers) for r in rows]


def test_build_measures_is_deterministic_and_plausible(world):
    alice = world.user("alice")
    now = timezone.now()
    for number in range(12):
        person = PersonFactory(team=world.team, given_name=f"D{number}")
        SpellFactory(person=person, worker=alice)
        for days in (300, 200, 30):
            ContactFactory(person=person, worker=alice, at=now - timedelta(days=days))
    today = timezone.localdate()
    counts = build_measures(organisation=world.org, seed=7, today=today, canary="CANARYx")
    first = _answers()
    assert counts["measure_responses"] == len(first) > 0
    assert counts["measure_people_followed_up"] == counts["measure_people_asked"]
    Response.objects.for_system("test: reset").delete()
    build_measures(organisation=world.org, seed=7, today=today, canary=None)
    assert _answers() == first
    # written in bulk, so the demo rebuilds the baseline rows itself (decision 0108)
    rows = MeasureBaseline.objects.for_system("test: demo baselines")
    found = sorted(rows.values_list("person_id", "instrument_id", "first_at", "latest_at"))
    assert len(found) == len({(person, version) for person, version, *_ in first}) > 0
    assert rebuild() == len(found)
    assert sorted(rows.values_list("person_id", "instrument_id", "first_at", "latest_at")) == found
    for *_, answers in first:
        assert all(v is None or isinstance(v, int) for v in answers.values())
