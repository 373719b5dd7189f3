"""A contact can't be dated in the future, nor further back than the organisation's window
without a reason in words (issue 11, part 1). The form and the API share the one service rule."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.relationships.models import Contact
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def _form(world, *, days_ago=0, **overrides):
    at = timezone.localtime() - timedelta(days=days_ago)
    data = {
        "at": at.strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone",
        "minutes": "20",
        "initiated_by": "person",
        "worker": world.user("alice").pk,
    }
    data.update(overrides)
    return world.client("alice").post(
        reverse("relationships:record_contact", args=[world.person.pk]), data
    )


def _api(world, *, at, **overrides):
    body = {"at": at, "mode": "phone", "minutes": 20, "initiated_by": "person", **overrides}
    return world.client("alice").post(
        f"/api/v1/people/{world.person.pk}/contacts", body, content_type="application/json"
    )


def test_a_contact_within_the_window_needs_no_reason(world):
    assert _form(world, days_ago=14).status_code == 302
    assert Contact.objects.get().late_reason == ""


def test_a_contact_further_back_needs_a_reason_on_the_form(world):
    response = _form(world, days_ago=15)
    assert response.status_code == 400
    assert "This contact was more than 14 days ago. Say why it is being recorded late." in (
        response.content.decode()
    )
    assert 'name="late_reason"' in response.content.decode()
    assert not Contact.objects.exists()


def test_the_reason_is_kept_with_the_contact_and_the_audit_says_one_was_given(world):
    response = _form(world, days_ago=40, late_reason="Typed up from my paper notes after leave")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.late_reason == "Typed up from my paper notes after leave"
    event = AuditEvent.objects.get(action="relationships.contact.recorded")
    assert event.summary["late_reason_given"] is True
    assert "paper" not in str(event.summary)


def test_the_window_is_the_organisations(world):
    world.org.late_record_days = 60
    world.org.save()
    assert _form(world, days_ago=40).status_code == 302


def test_the_api_refuses_a_contact_backdated_six_months_without_a_reason(world):
    six_months_ago = (timezone.localtime() - timedelta(days=183)).isoformat()
    refused = _api(world, at=six_months_ago)
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "loc": ["body", "payload", "late_reason"],
            "msg": "This contact was more than 14 days ago. Say why it is being recorded late.",
        }
    ]
    assert not Contact.objects.exists()
    given = _api(world, at=six_months_ago, late_reason="Moved over from the old system")
    assert given.status_code == 201
    assert Contact.objects.get().late_reason == "Moved over from the old system"


def test_the_api_refuses_a_contact_in_the_future(world):
    tomorrow = (timezone.localtime() + timedelta(days=1)).isoformat()
    assert _api(world, at=tomorrow, late_reason="No").status_code == 422
    assert not Contact.objects.exists()


@pytest.mark.parametrize("at", ["0001-01-01T10:00", "1900-01-01T10:00"])
def test_a_contact_in_year_1_or_1900_is_refused_in_plain_words(world, at):
    response = _form(world, at=at, late_reason="Old paper records")
    assert response.status_code == 400
    assert "Enter a date from 1 January 2000 onwards." in response.content.decode()
    api = _api(world, at=f"{at}:00+00:00", late_reason="Old paper records")
    assert api.status_code == 422
    assert not Contact.objects.exists()


# --- editing a contact's date is held to the same window ----------------------------------------


def _edit(world, contact, *, days_ago, **overrides):
    at = timezone.localtime() - timedelta(days=days_ago)
    data = {
        "at": at.strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone",
        "minutes": "20",
        "initiated_by": "person",
        "worker": world.user("alice").pk,
        **overrides,
    }
    return world.client("alice").post(
        reverse("relationships:edit_contact", args=[world.person.pk, contact.pk]), data
    )


def test_moving_a_contact_back_past_the_window_needs_a_reason(world):
    assert _form(world, days_ago=1).status_code == 302
    contact = Contact.objects.get()
    refused = _edit(world, contact, days_ago=40)
    assert refused.status_code == 400
    assert "This contact was more than 14 days ago. Say why it is being recorded late." in (
        refused.content.decode()
    )
    contact.refresh_from_db()
    assert timezone.localdate(contact.at) == timezone.localdate() - timedelta(days=1)
    assert contact.version == 1
    given = _edit(world, contact, days_ago=40, late_reason="Wrong month typed the first time")
    assert given.status_code == 302
    contact.refresh_from_db()
    assert timezone.localdate(contact.at) == timezone.localdate() - timedelta(days=40)
    assert contact.late_reason == "Wrong month typed the first time"


def test_moving_a_contact_into_the_future_is_refused(world):
    assert _form(world, days_ago=1).status_code == 302
    contact = Contact.objects.get()
    refused = _edit(world, contact, days_ago=-1, late_reason="No")
    assert refused.status_code == 400
    contact.refresh_from_db()
    assert timezone.localdate(contact.at) == timezone.localdate() - timedelta(days=1)


def test_editing_an_old_contact_without_moving_it_needs_no_new_reason(world):
    assert _form(world, days_ago=1).status_code == 302
    contact = Contact.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        # now 31 days old, the date unchanged: changing the minutes is not recording it late
        at = timezone.localtime(contact.at).strftime("%Y-%m-%dT%H:%M")
        changed = _edit(world, contact, days_ago=0, at=at, minutes="45")
    assert changed.status_code == 302
    contact.refresh_from_db()
    assert (contact.minutes, contact.late_reason) == (45, "")
