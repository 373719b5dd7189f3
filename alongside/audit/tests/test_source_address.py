"""Audit events carry the client's address (issue 18, item 5; decision 0023), hashed into the
chain for new events without changing the hash of any event written before."""

import hashlib
import json
from datetime import UTC, datetime

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from alongside.audit import actions
from alongside.audit.chain import GENESIS
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.audit.tests.test_chain import tampering
from alongside.audit.verify import verify_chain
from alongside.common.request_context import request_facts


def old_hash(previous_hash: str, event: AuditEvent) -> str:
    """The chain's arithmetic exactly as it was before addresses (or versions) were kept: a
    frozen copy of version 1."""
    fields = {
        "organisation": event.organisation_id,
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": str(event.subject_id),
        "person": event.person_id,
        "sphere": event.sphere,
        "summary": event.summary,
        "request_id": event.request_id,
        "at": event.at.isoformat(),
    }
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{payload}".encode()).hexdigest()


def write_old_chain(world, n: int) -> list[AuditEvent]:
    """Events as the previous version wrote them: no address, hashed the old way."""
    previous, events = GENESIS, []
    for index in range(n):
        event = AuditEvent(
            organisation_id=world.org.pk,
            actor=world.user("alice"),
            action="people.person.changed",
            subject_type="people.person",
            subject_id=str(world.person.pk),
            person_id=world.person.pk,
            sphere="shared",
            summary={"fields": [f"f{index}"]},
            request_id=f"old-{index}",
            at=datetime(2026, 1, 5, 9, index, tzinfo=UTC),
            previous_hash=previous,
            chain_version=1,  # as the migration that added versions marked every earlier event
        )
        event.hash = old_hash(previous, event)
        event.save(force_insert=True)
        previous = event.hash
        events.append(event)
    return events


def test_a_chain_written_before_addresses_were_kept_still_verifies(world):
    old = write_old_chain(world, 4)
    assert verify_chain().first_problem is None
    # New events follow on, with an address, and the whole chain verifies.
    with transaction.atomic(), request_facts("203.0.113.7"):
        new = record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=world.user("alice"))
    assert new.previous_hash == old[-1].hash and new.source_address == "203.0.113.7"
    assert new.hash != old_hash(new.previous_hash, new), "the address is in the new event's hash"
    report = verify_chain()
    assert (report.events, report.first_problem) == (5, None)


def test_an_address_changed_or_blanked_is_found(world):
    write_old_chain(world, 2)
    with transaction.atomic(), request_facts("203.0.113.7"):
        event = record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=world.user("alice"))
    for forged in ("198.51.100.1", ""):
        with tampering():
            AuditEvent.objects.filter(pk=event.pk).update(source_address=forged)
        report = verify_chain()
        assert report.event_id == event.pk and "changed" in report.first_problem, forged
    with tampering():
        AuditEvent.objects.filter(pk=event.pk).update(source_address="203.0.113.7")
    assert verify_chain().first_problem is None


@override_settings(ALONGSIDE_TRUSTED_PROXIES=["127.0.0.1"])
def test_an_event_written_in_a_request_carries_the_client_address_behind_the_proxy(world):
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.23")
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("people:person_edit", args=[world.person.pk]),
        {
            "given_name": "Patricia",
            "family_name": "Example",
            "team": world.team.pk,
            "contact_preference": "phone",
        },
    )
    assert response.status_code == 302, response.status_code
    event = AuditEvent.objects.get(action="people.person.changed")
    assert event.source_address == "198.51.100.23"
    assert event.request_id == response["X-Request-Id"]


def test_events_outside_a_request_have_no_address(world):
    with transaction.atomic():
        event = record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=None)
    assert event.source_address == ""
    assert verify_chain().first_problem is None
