"""The maintained baseline rows (decision 0108): incremental == rebuilt == the reference.

The reference is the one pass over every answer: each person's first and last answer to each
instrument in (completed_at, id) order, scored by `score(...).measures(...)`."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.common.spheres import UnscopedSphereRead
from alongside.measures import services
from alongside.measures.baselines import rebuild, refresh_people
from alongside.measures.builtins import LONELINESS, ONS4, RELATIONSHIP_CHECK
from alongside.measures.models import MeasureBaseline, Response, SittingKind
from alongside.measures.scoring import score
from alongside.measures.tests.helpers import ONS4_ANSWERS, RC_ALL_AGREE, answered, version
from alongside.people.merging import merge_people, undo_merge
from alongside.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

EARLIEST = datetime(2025, 10, 1, tzinfo=UTC)
WHY = "tests of the derived rows"


def _rows() -> set[tuple[Any, ...]]:
    found = MeasureBaseline.objects.for_system(WHY).values_list(
        "organisation_id", "person_id", "instrument_id", "first_id", "first_at",
        "first_measures", "latest_id", "latest_at", "latest_measures",
    )  # fmt: skip
    return {(*row[:5], _key(row[5]), *row[6:8], _key(row[8])) for row in found}


def _key(measures: dict[str, float] | None) -> Any:
    """Comparable measures (PostgreSQL's jsonb keeps no key order)."""
    return None if measures is None else tuple(sorted(measures.items()))


def _reference() -> set[tuple[Any, ...]]:
    """The one pass over every answer, oldest first."""
    first: dict[tuple[int, int], Response] = {}
    last: dict[tuple[int, int], Response] = {}
    answers = (
        Response.objects.for_system(WHY)
        .select_related("version__instrument")
        .order_by("completed_at", "id")
    )
    for answer in answers:
        key = (answer.person_id, answer.version.instrument_id)
        first.setdefault(key, answer)
        last[key] = answer

    def measures(answer: Response) -> Any:
        definition = answer.version.definition
        return _key(score(definition, answer.answers).measures(definition))

    return {
        (
            answer.organisation_id,
            answer.person_id,
            answer.version.instrument_id,
            answer.pk,
            answer.completed_at,
            measures(answer),
            last[key].pk,
            last[key].completed_at,
            measures(last[key]),
        )
        for key, answer in first.items()
    }


def _in_step() -> None:
    """The rows now are the reference's, and what a rebuild writes."""
    rows = _rows()
    assert rows == _reference()
    rebuild()
    assert _rows() == rows


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_rows_written_answer_by_answer_are_the_reference_and_a_rebuild(world, data):
    """Random answers (ties in time, items left out or "Prefer not to say", several people and
    instruments, answers given out of time order): after each, the person's rows are refreshed
    as the services do; at the end they equal the one pass and a rebuild."""
    with transaction.atomic():
        people = [PersonFactory(team=world.team) for _ in range(3)]
        author = world.user("alice")
        moment = st.integers(0, 400 * 24 * 60).map(lambda m: EARLIEST + timedelta(minutes=m))
        moment = st.one_of(moment, st.sampled_from([EARLIEST, EARLIEST + timedelta(days=100)]))
        for _ in range(data.draw(st.integers(0, 25), label="answers")):
            person = data.draw(st.sampled_from(people))
            key = data.draw(st.sampled_from((ONS4, LONELINESS, RELATIONSHIP_CHECK)))
            definition = version(key).definition
            answers = {
                item.code: data.draw(st.sampled_from(sorted(item.values, key=str)))
                for item in definition.items
                if data.draw(st.integers(0, 9)) > 0
            }
            answered(person, key, answers, author=author, at=data.draw(moment))
        _in_step()
        transaction.set_rollback(True)


@pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)
def test_every_service_that_writes_answers_keeps_the_baselines_in_step(world):
    """Answering a sitting (the first is the baseline, a later one the latest), merging two
    records of one person (the merged-away person's answers join the survivor's) and undoing
    the merge: after each, the rows are the reference's and what a rebuild makes."""
    alice, colin = world.members["alice"], world.members["colin"]
    rc, ons = version(RELATIONSHIP_CHECK), version(ONS4)

    def answer(person: Any, answers: dict[str, int | None], *, days: int = 0) -> None:
        now = timezone.now() + timedelta(days=days)
        sitting, _ = services.start_sitting(
            person, by=alice, versions=[rc, ons], kind=SittingKind.READ_OUT, now=now
        )
        services.submit_answers(
            sitting, {rc.pk: RC_ALL_AGREE, ons.pk: answers}, actor=alice.user, now=now
        )

    answer(world.person, ONS4_ANSWERS)
    _in_step()
    row = MeasureBaseline.objects.for_system(WHY).get(
        person=world.person, instrument=ons.instrument
    )
    assert row.first_id == row.latest_id and row.latest_measures["life_satisfaction"] == 6.0
    answer(world.person, {**ONS4_ANSWERS, "life_satisfaction": 8, "anxiety": None}, days=30)
    _in_step()
    row = MeasureBaseline.objects.for_system(WHY).get(
        person=world.person, instrument=ons.instrument
    )
    assert row.first_id != row.latest_id
    assert row.first_measures["life_satisfaction"] == 6.0
    assert row.latest_measures["life_satisfaction"] == 8.0
    assert "anxiety" not in row.latest_measures  # prefer not to say: missing, never 0
    twin = PersonFactory(team=world.team, given_name="Pat", family_name="Example")
    answered(twin, ONS4, ONS4_ANSWERS, author=alice.user, at=timezone.now() - timedelta(days=60))
    _in_step()
    merge = merge_people(world.person, twin, by=colin)
    _in_step()
    assert not MeasureBaseline.objects.for_system(WHY).filter(person=twin).exists()
    merged_row = MeasureBaseline.objects.for_system(WHY).get(
        person=world.person, instrument=ons.instrument
    )
    assert merged_row.first_at == timezone.now() - timedelta(days=60)  # the twin's came first
    undo_merge(merge, by=colin)
    _in_step()
    assert MeasureBaseline.objects.for_system(WHY).filter(person=twin).count() == 1


def test_an_answer_off_its_scale_pairs_with_nothing_and_does_not_stop_the_write(world):
    """An answer no service would accept (loaded past them) is stored with no measures, so a
    refresh or a rebuild still finishes; it pairs with nothing."""
    alice = world.user("alice")
    answer = answered(world.person, ONS4, {**ONS4_ANSWERS, "anxiety": 42}, author=alice)
    row = MeasureBaseline.objects.for_system(WHY).get(person=world.person)
    assert row.first_id == answer.pk and row.first_measures is None
    refresh_people([world.person.pk])
    assert rebuild() == 1


def test_the_rows_fail_closed_like_the_answers(world):
    answered(world.person, ONS4, ONS4_ANSWERS, author=world.user("alice"))
    with pytest.raises(UnscopedSphereRead):
        list(MeasureBaseline.objects.all())
