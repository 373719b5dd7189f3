"""A write made through a view carries the request id of the response's `X-Request-Id` header
(decision 0007). The autouse guard in `request_id_guard.py` checks the same for every request
any test makes, in every app; these tests show it on one write and show that the guard bites."""

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.people.models import Person

NEW_PERSON = {
    "given_name": "Jo",
    "family_name": "Bloggs",
    "preferred_name": "",
    "pronouns": "they/them",
    "languages": "English",
    "contact_preference": "text",
    "contact_details": "07700 900123",
    "access_needs": "",
    "what_matters": "Getting back to work",
}


def test_a_write_through_a_view_carries_the_response_request_id(world):
    response = world.client("alice").post(
        reverse("people:person_create"), {**NEW_PERSON, "team": world.team.pk}
    )
    assert response.status_code == 302
    person = Person.objects.get(given_name="Jo")
    event = AuditEvent.objects.get(action="people.person.created", person_id=person.pk)
    assert len(response["X-Request-Id"]) == 32
    assert event.request_id == response["X-Request-Id"]


def test_the_guard_fails_a_request_whose_events_lack_its_id(world, monkeypatch):
    monkeypatch.setattr("alongside.audit.services.current_request_id", lambda: "someone-else")
    with pytest.raises(AssertionError, match="without this request's id"):
        world.client("alice").post(
            reverse("people:person_create"), {**NEW_PERSON, "team": world.team.pk}
        )
