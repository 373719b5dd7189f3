"""One submit, one record (issue 11, part 4; docs/decisions/0015).

A create form drawn once and sent twice (a double-click, the browser's resend) makes one record;
the repeat is answered with the first. The API does the same with an `Idempotency-Key`. On
PostgreSQL two identical submits really race on two connections.
"""

import importlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.common.models import SubmitToken
from alongside.common.once import FIELD, REPEATED, claim_once, new_token
from alongside.relationships.models import Contact
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    PersonFactory,
    SpellFactory,
)

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

ALONGSIDE = Path(__file__).resolve().parents[2]

# Every page that creates a record (found by grepping the views for the services' `create_`,
# `record_`, `add_`, `book`, `open_`, `start_`, `raise_`, `plan_`, `propose` and `invite`), with
# the template that draws its form. Each must send a submit token and be `@submit_once`.
CREATE_VIEWS = [
    ("connections.views.people", "propose", "connections/propose.html"),
    ("connections.views.introductions", "record_answer", "connections/record_answer.html"),
    ("connections.views.introductions", "follow_up", "connections/follow_up.html"),
    ("connections.views.volunteer_matching", "lists", "connections/lists.html"),
    ("eligibility.views", "partners", "eligibility/partners.html"),
    ("eligibility.views", "record_voucher", "eligibility/voucher_form.html"),
    ("learning.views", "person_needs", "learning/person_needs.html"),
    ("learning.views", "record_spend", "learning/spend_form.html"),
    ("learning.views", "my_time", "learning/my_time.html"),
    ("learning.views", "need_detail", "learning/need.html"),
    ("measures.views", "add_instrument", "measures/add_instrument.html"),
    ("measures.views", "ask", "measures/ask.html"),
    ("measures.views", "instruments", "measures/instruments.html"),
    ("people.views", "person_create", "people/person_form.html"),
    ("people.consent_views", "grant", "people/consent_form.html"),
    ("relationships.views", "record_contact", "relationships/partials/contact_form.html"),
    ("relationships.views", "record_worker_request", "relationships/simple_form.html"),
    ("relationships.views", "plan_handover", "relationships/simple_form.html"),
    ("reports.views", "record_story", "reports/story_form.html"),
    ("reports.views", "team_learning", "reports/team_learning.html"),
    ("safeguarding.views", "raise_concern", "safeguarding/raise_concern.html"),
    ("safeguarding.views", "concern_detail", "safeguarding/concern_detail.html"),
    ("safeguarding.views", "start_override", "safeguarding/start_override.html"),
    ("safeguarding.views", "hold_person", "safeguarding/hold_person.html"),
    ("safeguarding.views", "hold_volunteer", "safeguarding/hold_volunteer.html"),
    ("rota.views", "new_pattern", "rota/new_pattern.html"),
    ("rota.views", "change_pattern", "rota/change_pattern.html"),
    ("rota.views", "cancel_shift", "rota/cancel_shift.html"),
    ("scheduling.availability_views", "my_availability", "scheduling/availability.html"),
    ("scheduling.planning_round_views", "plan_list", "scheduling/plan_list.html"),
    ("scheduling.views", "book", "scheduling/book.html"),
    ("spaces.views", "space_create", "spaces/space_form.html"),
    ("spaces.views", "space_repeat", "spaces/pattern_form.html"),
    ("spaces.views", "space_add_session", "spaces/session_form.html"),
    ("spaces.views", "person_invite", "spaces/invite_form.html"),
    ("spaces.views", "person_stopped", "spaces/stopped_form.html"),
    ("spaces.views", "person_ties", "spaces/ties.html"),
    ("spaces.views", "new_here", "spaces/register.html"),
    ("workers.views", "invite", "workers/invite.html"),
]


@pytest.mark.parametrize(("module", "view", "template"), CREATE_VIEWS)
def test_every_create_page_sends_a_token_and_submits_once(module, view, template):
    function = getattr(importlib.import_module(f"alongside.{module}"), view)
    assert getattr(function, "submits_once", False), f"{module}.{view} is not @submit_once"
    app = template.split("/")[0]
    text = (ALONGSIDE / app / "templates" / template).read_text()
    assert "{% submit_token %}" in text, template


def _contact_form(world, token):
    return {
        "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone",
        "minutes": "20",
        "initiated_by": "person",
        "asked_for": "Somewhere warm to go in the day",
        "worker": world.user("alice").pk,
        FIELD: token,
    }


def test_a_contact_form_sent_twice_records_one_contact(world):
    client = world.client("alice")
    url = reverse("relationships:record_contact", args=[world.person.pk])
    form = _contact_form(world, new_token())

    first = client.post(url, form)
    again = client.post(url, form)

    assert first.status_code == 302
    assert Contact.objects.count() == 1
    assert again.status_code == 303
    assert again["Location"] == first["Location"]
    assert REPEATED in [str(m) for m in get_messages(again.wsgi_request)]


def test_a_repeat_by_htmx_is_sent_where_the_first_led(world):
    client = world.client("alice")
    url = reverse("relationships:record_contact", args=[world.person.pk])
    person_page = reverse("people:person", args=[world.person.pk])
    form = _contact_form(world, new_token())
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{person_page}"}

    assert client.post(url, form, headers=headers).status_code == 200
    again = client.post(url, form, headers=headers)

    assert Contact.objects.count() == 1
    assert again["HX-Redirect"] == person_page


def test_without_a_token_a_form_works_as_before(world):
    client = world.client("alice")
    url = reverse("relationships:record_contact", args=[world.person.pk])
    form = _contact_form(world, "")
    client.post(url, form)
    client.post(url, form)
    assert Contact.objects.count() == 2
    assert not SubmitToken.objects.exists()


def test_a_form_sent_with_mistakes_frees_its_token_for_the_corrected_one(world):
    client = world.client("alice")
    url = reverse("relationships:record_contact", args=[world.person.pk])
    token = new_token()

    wrong = client.post(url, {**_contact_form(world, token), "minutes": "0"})
    right = client.post(url, _contact_form(world, token))

    assert wrong.status_code == 400
    assert right.status_code == 302
    assert Contact.objects.count() == 1


def test_one_users_token_is_not_anothers(world):
    token = new_token()
    with transaction.atomic():
        assert claim_once(world.user("alice").pk, token) is not None
        assert claim_once(world.user("cara").pk, token) is not None
        assert claim_once(world.user("alice").pk, token) is None


def test_tokens_are_forgotten_after_a_day(world, time_machine):
    url = reverse("relationships:record_contact", args=[world.person.pk])
    world.client("alice").post(url, _contact_form(world, new_token()))
    assert SubmitToken.objects.count() == 1
    time_machine.shift(timedelta(days=1, minutes=1))
    world.client("alice").post(url, _contact_form(world, new_token()))
    assert SubmitToken.objects.count() == 1


# --- the API: Idempotency-Key ----------------------------------------------------------------


def _api_post(client, person, key=None, **body):
    data = {
        "at": timezone.localtime().replace(microsecond=0).isoformat(),
        "mode": "phone",
        "minutes": 20,
        "initiated_by": "person",
        "asked_for": "Somewhere warm",
        **body,
    }
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"/api/v1/people/{person.pk}/contacts",
        data,
        content_type="application/json",
        headers=headers,
    )


def test_an_api_create_retried_with_its_key_answers_with_the_first_contact(world):
    client = world.client("alice")
    first = _api_post(client, world.person, key="7d3c0a6e-retry-1")
    again = _api_post(client, world.person, key="7d3c0a6e-retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    first_body, again_body = first.json(), again.json()
    assert datetime.fromisoformat(again_body.pop("at")) == datetime.fromisoformat(
        first_body.pop("at")
    )
    assert again_body == first_body
    assert Contact.objects.count() == 1


def test_an_api_key_used_for_another_person_is_a_conflict(world):
    other = PersonFactory(team=world.team, given_name="Robin")
    SpellFactory(person=other, worker=world.user("alice"))
    client = world.client("alice")
    assert _api_post(client, world.person, key="same-key-twice").status_code == 201
    answer = _api_post(client, other, key="same-key-twice")
    assert answer.status_code == 409
    assert Contact.objects.count() == 1


def test_a_malformed_api_key_is_refused_and_nothing_is_recorded(world):
    answer = _api_post(world.client("alice"), world.person, key="x" * 256)
    assert answer.status_code == 422
    assert not Contact.objects.exists()
