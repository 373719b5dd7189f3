"""Supervision: arranged by a coordinator, sessions recorded by the supervisor, notes in the
supervision sphere (only the supervisee and their supervisor read them, audited), overdue as a
count."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.common.spheres import UnscopedSphereRead
from alongside.training import queries, services
from alongside.training.models import Supervision, SupervisionNote, SupervisionSession

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine("2026-12-06 12:00:00+00:00", tick=False),
]

NOTE = "Talked through how hard the Tuesday drop-in has been"


def _arrange(world, supervisee="vic", supervisor="alice", started_on=date(2026, 9, 1)):
    return services.arrange_supervision(
        world.members[supervisee],
        world.members[supervisor],
        by=world.members["colin"],
        every_weeks=6,
        started_on=started_on,
    )


def test_only_the_supervisee_and_supervisor_read_the_notes(world):
    supervision = _arrange(world)
    services.record_session(
        supervision, by=world.members["alice"], held_on=date(2026, 11, 20), notes=NOTE
    )
    url = reverse("training:supervision", args=[supervision.pk])
    for persona in ("vic", "alice"):
        response = world.client(persona).get(url)
        assert response.status_code == 200 and NOTE in response.content.decode(), persona
    for persona in ("colin", "sam", "dana", "fern", "cara", "amir", "olly"):
        assert world.client(persona).get(url).status_code == 404, persona
    # No role, whatever it is, reads the note through the queries.
    for persona in ("colin", "sam", "dana"):
        assert list(queries.supervision_notes(world.members[persona], supervision)) == []


def test_reading_the_notes_is_audited_with_ids_never_words(world):
    supervision = _arrange(world)
    services.record_session(
        supervision, by=world.members["alice"], held_on=date(2026, 11, 20), notes=NOTE
    )
    world.client("vic").get(reverse("training:supervision", args=[supervision.pk]))
    event = AuditEvent.objects.get(action="training.supervisionnote.viewed")
    assert event.sphere == "supervision" and event.actor_id == world.user("vic").pk
    assert NOTE not in str(event.summary)
    recorded = AuditEvent.objects.get(action="training.supervision_session.recorded")
    assert NOTE not in str(recorded.summary)


def test_supervision_notes_fail_closed(world):
    supervision = _arrange(world)
    session = services.record_session(
        supervision, by=world.members["alice"], held_on=date(2026, 11, 20), notes=NOTE
    )
    with pytest.raises(UnscopedSphereRead):
        list(SupervisionNote.objects.all())
    with pytest.raises(UnscopedSphereRead):
        _ = SupervisionSession.objects.get(pk=session.pk).note


def test_only_the_supervisor_records_sessions(world):
    supervision = _arrange(world)
    url = reverse("training:record_supervision_session", args=[supervision.pk])
    data = {"held_on": "2026-11-30", "notes": NOTE}
    assert world.client("vic").post(url, data).status_code == 404
    assert world.client("colin").post(url, data).status_code == 404
    response = world.client("alice").post(url, data)
    assert response.status_code == 302
    assert supervision.sessions.get().held_on == date(2026, 11, 30)


def test_a_session_without_notes_or_in_the_future_is_a_400_and_nothing_is_saved(world):
    supervision = _arrange(world)
    url = reverse("training:record_supervision_session", args=[supervision.pk])
    client = world.client("alice")
    response = client.post(url, {"held_on": "2026-11-30", "notes": "  "})
    assert response.status_code == 400
    response = client.post(url, {"held_on": "2027-01-30", "notes": NOTE})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not supervision.sessions.exists()


def test_a_planned_session_is_the_one_recorded(world):
    supervision = _arrange(world)
    client = world.client("alice")
    plan = reverse("training:plan_supervision_session", args=[supervision.pk])
    assert client.post(plan, {"planned_for": "2026-12-01"}).status_code == 302
    record = reverse("training:record_supervision_session", args=[supervision.pk])
    assert client.post(record, {"held_on": "2026-12-02", "notes": NOTE}).status_code == 302
    session = supervision.sessions.get()
    assert (session.planned_for, session.held_on) == (date(2026, 12, 1), date(2026, 12, 2))


def test_a_new_supervisor_ends_the_old_supervision_and_its_notes_stay_with_its_two(world):
    old = _arrange(world)
    services.record_session(old, by=world.members["alice"], held_on=date(2026, 10, 1), notes=NOTE)
    new = _arrange(world, supervisor="cara", started_on=date(2026, 11, 1))
    old.refresh_from_db()
    assert old.ended_on == date(2026, 11, 1) and new.ended_on is None
    assert (
        world.client("cara").get(reverse("training:supervision", args=[old.pk])).status_code == 404
    )
    assert (
        NOTE
        in world.client("alice")
        .get(reverse("training:supervision", args=[old.pk]))
        .content.decode()
    )
    with pytest.raises(ValidationError):
        services.record_session(
            old, by=world.members["alice"], held_on=date(2026, 11, 5), notes="x"
        )


def test_the_coordinator_arranges_supervision_and_sees_overdue_as_a_count(world):
    client = world.client("colin")
    response = client.post(
        reverse("training:arrangements"),
        {
            "supervisee": world.members["cara"].pk,
            "supervisor": world.members["alice"].pk,
            "every_weeks": "6",
            "started_on": "2026-09-01",
        },
    )
    assert response.status_code == 302
    assert Supervision.objects.get(supervisee=world.members["cara"]).every_weeks == 6
    _arrange(world, started_on=date(2026, 11, 20))  # vic: not due yet
    page = client.get(reverse("training:arrangements")).content.decode()
    assert "1 supervision is overdue." in page  # cara: nothing held since 1 Sep
    assert queries.overdue_count(world.org.pk, date(2026, 12, 6)) == 1


def test_someone_cannot_supervise_themselves(world):
    response = world.client("colin").post(
        reverse("training:arrangements"),
        {
            "supervisee": world.members["cara"].pk,
            "supervisor": world.members["cara"].pk,
            "every_weeks": "6",
            "started_on": "2026-09-01",
        },
    )
    assert response.status_code == 400
    assert "Someone cannot supervise themselves." in response.content.decode()
    assert not Supervision.objects.exists()


def test_kept_up_counts_workers_with_supervision_in_date(world):
    kept = _arrange(world, "vic", "alice", started_on=date(2026, 6, 1))
    services.record_session(kept, by=world.members["alice"], held_on=date(2026, 11, 1), notes="x")
    _arrange(world, "cara", "alice", started_on=date(2026, 6, 1))  # never held: overdue
    workers, kept_up = queries.kept_up(world.org.pk, date(2026, 12, 6))
    assert (workers, kept_up) == (4, 1)  # alice, cara, colin, vic; vic's is kept up
