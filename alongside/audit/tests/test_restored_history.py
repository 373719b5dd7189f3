"""Audit history restored from the previous system (archive.RestoredAuditEvent): shown on the
person's "who saw my record" (marked, with its original date, under the sphere rule) and on the
data lead's audit page and CSV (a filter), and never part of this system's chain."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import reverse

from alongside.archive.models import RestoredAuditEvent
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.audit.queries import RESTORED, LogFilters, access_log, search_log
from alongside.audit.services import record
from alongside.audit.tests.test_chain import tampering
from alongside.audit.verify import verify_chain
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)
LOG = reverse("audit:log")
EXPORT = reverse("audit:export")
LONG_AGO = datetime(2023, 3, 14, 9, 30, tzinfo=UTC)


def restored(world, *, action, sphere, at=LONG_AGO, original_id="9001", person=None):
    return RestoredAuditEvent.objects.create(
        organisation=world.org,
        original_id=original_id,
        origin="alongside",
        at=at,
        actor=world.user("alice"),
        action=action,
        subject_type="people.person",
        subject_id=str((person or world.person).pk),
        person=person or world.person,
        sphere=sphere,
        summary={"fields": ["phone"]},
        chain_version=1,
        previous_hash="0" * 64,
        hash="a" * 64,
    )


@pytest.fixture
def history(world):
    with transaction.atomic():
        record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=world.user("colin"))
    shared = restored(world, action="people.person.changed", sphere="shared")
    hidden = restored(
        world,
        action="safeguarding.concern.raised",
        sphere="safeguarding",
        original_id="9002",
        at=datetime(2023, 4, 1, 10, tzinfo=UTC),
    )
    restored(world, action="people.person.changed", sphere="shared", original_id="9003",
             person=world.other_person)  # fmt: skip
    RestoredAuditEvent.objects.filter(person=world.other_person).update(
        organisation=world.other_org
    )
    return shared, hidden


def test_who_saw_my_record_lists_the_previous_systems_events_marked_with_their_dates(
    world, history
):
    dana = world.members["dana"]
    lines = access_log(world.person.pk, world.org.pk, viewer=dana)
    assert [line.restored for line in lines] == [False, True, True]
    assert lines[0].who.startswith("Colin") and lines[1].who.startswith("Alice")
    assert [line.at for line in lines[1:]] == [datetime(2023, 4, 1, 10, tzinfo=UTC), LONG_AGO]
    assert lines[2].did == str(actions.words_for("people.person.changed"))
    page = world.client("dana").get(reverse("people:access_log", args=[world.person.pk]))
    text = page.content.decode()
    assert text.count("from the previous system") == 2 and "14 Mar 2023, 09:30" in text


def test_a_restored_event_in_a_sphere_the_viewer_may_not_read_is_not_shown(world, history):
    alice = world.members["alice"]
    lines = access_log(world.person.pk, world.org.pk, viewer=alice)
    assert [(line.restored, line.at) for line in lines if line.restored] == [(True, LONG_AGO)]


def test_the_audit_page_and_its_csv_show_the_restored_history_when_asked(world, history):
    shared, hidden = history
    assert all(e.pk != shared.pk or isinstance(e, AuditEvent) for e in search_log(
        world.org.pk, LogFilters()).events)  # fmt: skip
    page = search_log(world.org.pk, LogFilters(origin=RESTORED))
    assert [e.original_id for e in page.events] == ["9002", "9001"]
    only = search_log(world.org.pk, LogFilters(origin=RESTORED, action="people.person.changed"))
    assert [e.original_id for e in only.events] == ["9001"]
    client = world.client("dana")
    response = client.get(LOG, {"origin": RESTORED})
    assert response.status_code == 200
    assert "Events from your previous system" in response.content.decode()
    assert [e.pk for e in response.context["page"].events] == [hidden.pk, shared.pk]
    ours = client.get(LOG)
    assert not any(isinstance(e, RestoredAuditEvent) for e in ours.context["page"].events)
    export = client.get(EXPORT, {"origin": RESTORED})
    assert "previous-system" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["9002", "9001"]
    assert rows[1][4] == "safeguarding.concern.raised"
    searched = AuditEvent.objects.filter(action="audit.log.searched").order_by("id").first()
    assert searched.summary["origin"] == RESTORED


def test_the_chain_still_verifies_with_restored_history_and_still_catches_tampering(world, history):
    report = verify_chain()
    assert report.first_problem is None and report.events == AuditEvent.objects.count()
    event = AuditEvent.objects.order_by("id").first()
    with tampering():
        AuditEvent.objects.filter(pk=event.pk).update(summary={"fields": ["changed"]})
    assert verify_chain().first_problem is not None
