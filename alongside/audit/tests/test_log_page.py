"""The data lead's audit page: search, paging, export, the latest checkpoint, refusals, bad input."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from alongside.audit import actions
from alongside.audit.checkpoints import take
from alongside.audit.models import AuditEvent
from alongside.audit.queries import PAGE_SIZE
from alongside.audit.services import record
from alongside.common.request_context import request_facts
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)
LOG = reverse("audit:log")
EXPORT = reverse("audit:export")


@pytest.fixture
def folder(settings, tmp_path):
    settings.ALONGSIDE_AUDIT_CHECKPOINTS = tmp_path / "checkpoints"
    return settings.ALONGSIDE_AUDIT_CHECKPOINTS


def events(world, n, *, by="alice", action=actions.PEOPLE_PERSON_CHANGED, person=None):
    with transaction.atomic():
        for index in range(n):
            record(
                person or world.person,
                action=action,
                by=world.user(by),
                summary={"fields": [f"f{index}"]},
            )


def shown_ids(response):
    return [event.pk for event in response.context["page"].events]


def test_the_data_lead_searches_by_person_worker_action_and_dates(world, folder, time_machine):
    events(world, 2, by="alice")
    events(world, 1, by="colin", action=actions.PEOPLE_CONSENT_GRANTED)
    time_machine.move_to(SUMMER_MIDDAY + timedelta(days=3))
    events(world, 1, by="colin")
    events(world, 1, by="olly", person=world.other_person)  # another organisation's
    client = world.client("dana")
    everyone = client.get(LOG)
    assert everyone.status_code == 200
    ours = AuditEvent.objects.filter(organisation=world.org).exclude(action__startswith="audit.")
    assert set(shown_ids(everyone)) == set(ours.values_list("pk", flat=True))
    colin = world.user("colin").pk
    assert len(shown_ids(client.get(LOG, {"worker": colin}))) == 2
    granted = client.get(LOG, {"action": "people.consent.granted", "worker": colin})
    assert [AuditEvent.objects.get(pk=pk).action for pk in shown_ids(granted)] == [
        "people.consent.granted"
    ]
    later = client.get(LOG, {"start": (SUMMER_MIDDAY + timedelta(days=1)).date().isoformat()})
    assert [AuditEvent.objects.get(pk=pk).actor_id for pk in shown_ids(later)][-1] == colin
    day = SUMMER_MIDDAY.date().isoformat()
    on_the_day = client.get(LOG, {"start": day, "end": day, "person": world.person.pk})
    assert len(shown_ids(on_the_day)) == 3
    assert client.get(LOG, {"person": world.other_person.pk}).context["page"].events == []


def test_paging_is_by_key_and_misses_nothing(world, folder):
    events(world, PAGE_SIZE + 7)
    client = world.client("dana")
    first = client.get(LOG, {"worker": world.user("alice").pk})
    assert len(shown_ids(first)) == PAGE_SIZE
    older = first.context["older_url"]
    assert "before=" in older and f"worker={world.user('alice').pk}" in older
    second = client.get(LOG + older)
    assert len(shown_ids(second)) == 7 and second.context["page"].older is None
    everything = shown_ids(first) + shown_ids(second)
    assert everything == sorted(everything, reverse=True) and len(set(everything)) == PAGE_SIZE + 7
    assert client.get(LOG, {"before": 2**62}).context["page"].events == []  # no such event


def test_the_page_costs_the_same_however_long_the_log(world, folder):
    client = world.client("dana")
    assert_constant_queries(client, LOG, lambda n: events(world, n * 40))
    with CaptureQueriesContext(connection) as context:
        client.get(LOG, {"worker": world.user("alice").pk})
    search = [q["sql"] for q in context.captured_queries if 'FROM "audit_auditevent"' in q["sql"]]
    assert any(f"LIMIT {PAGE_SIZE + 1}" in sql for sql in search), search


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30"}, "Enter a real date"),
        ({"start": "0001-01-01", "end": "9999-12-31"}, "between 2000-01-01 and 2100-12-31"),
        ({"end": "9999-12-31"}, "between 2000-01-01 and 2100-12-31"),
        ({"start": "2026-08-10", "end": "2026-08-01"}, "The end date is before the start date"),
        ({"person": "²"}, "Enter a record number in figures"),
        ({"person": "9" * 30}, "or less"),
        ({"person": "-4"}, "1 or more"),
        ({"worker": "abc"}, "from the list"),
        ({"worker": "999999"}, "from the list"),
        ({"action": "people.person.deleted_everything"}, "from the list"),
        ({"before": "²"}, "as a whole number"),
    ],
)
def test_bad_filters_get_a_plain_400(world, folder, params, message):
    client = world.client("dana")
    for url in (LOG, EXPORT):
        response = client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert message in response.content.decode(), (url, params)
    assert not AuditEvent.objects.filter(action__startswith="audit.log.").exists()


@hypothesis_settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["person", "worker", "action", "start", "end", "before"]),
        st.text(max_size=40),
    )
)
def test_no_filter_input_gives_an_error_page(world, folder, params):
    response = world.client("dana").get(LOG, params)
    assert response.status_code in (200, 400)


def test_a_worker_from_another_organisation_cannot_be_chosen(world, folder):
    response = world.client("dana").get(LOG, {"worker": world.user("olly").pk})
    assert response.status_code == 400


def test_export_is_the_filtered_log_as_csv_without_formulas(world, folder):
    with request_facts("203.0.113.9"):  # as if written while serving that address
        events(world, 3, by="alice")
    events(world, 2, by="colin")
    with transaction.atomic():
        record(
            world.person,
            action=actions.PEOPLE_PERSON_CHANGED,
            by=world.user("alice"),
            summary={"fields": ["=HYPERLINK()"]},
        )
    events(world, 1, by="olly", person=world.other_person)
    response = world.client("dana").get(EXPORT, {"worker": world.user("alice").pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit-log-2026-08-12.csv"'
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4
    assert {row["worker"] for row in rows} == {world.user("alice").get_full_name()}
    assert rows[0]["summary"] == '{"fields":["=HYPERLINK()"]}'  # JSON: never starts with "="
    assert rows[0]["words"] == "changed your details"
    event = AuditEvent.objects.get(pk=rows[0]["id"])
    assert (rows[0]["hash"], rows[0]["previous_hash"]) == (event.hash, event.previous_hash)
    assert [row["source_address"] for row in rows] == [""] + ["203.0.113.9"] * 3
    assert "<td>203.0.113.9</td>" in world.client("dana").get(LOG).content.decode()
    exported = AuditEvent.objects.get(action="audit.log.exported")
    assert exported.summary == {"worker": world.user("alice").pk}
    assert exported.actor == world.user("dana") and exported.person_id is None


def test_reading_the_log_is_audited_with_the_filters(world, folder):
    client = world.client("dana")
    response = client.get(LOG, {"person": world.person.pk, "start": "2026-08-01"})
    searched = AuditEvent.objects.get(action="audit.log.searched")
    assert searched.summary == {"person": world.person.pk, "start": "2026-08-01", "shown": 0}
    assert searched.request_id == response["X-Request-Id"]
    assert searched.organisation_id == world.org.pk and searched.person_id is None


@pytest.mark.parametrize("persona", ["alice", "colin", "sam", "amir", "fern", "vic", "olly"])
def test_every_other_role_is_refused(world, folder, persona):
    client = world.client(persona)
    assert client.get(LOG).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="audit.log.").exists()


def test_the_page_shows_the_latest_checkpoint_and_whether_it_verifies(world, folder):
    client = world.client("dana")
    assert "No checkpoint has been taken yet" in client.get(LOG).content.decode()
    events(world, 3)
    path = take().path
    body = client.get(LOG).content.decode()
    status = client.get(LOG).context["checkpoint"]
    assert status.authentic and status.head_in_place and status.count >= 4
    assert "Events it vouches for" in body and "its signature is right" in body
    tampered = json.loads(path.read_text())
    tampered["count"] = 1
    path.chmod(0o640)
    path.write_text(json.dumps(tampered))
    body = client.get(LOG).content.decode()
    assert "This checkpoint does not verify" in body and "signature does not match" in body
