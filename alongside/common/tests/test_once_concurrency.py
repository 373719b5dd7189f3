"""Two identical submits at the same moment make one record (issue 11, part 4; decision 0015).

The races run on PostgreSQL (marked `postgresql`, as in `scheduling/tests/test_concurrency.py`):
two clients send the same drawn form, or the same API create with one `Idempotency-Key`, on two
connections at once. The unique token makes the second wait for the first and then answer with
it. Committed rows: a transactional test (`committed_db`).
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.common.once import FIELD, new_token
from alongside.common.tests.test_once import _api_post
from alongside.relationships.models import Contact
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)
from alongside.testing.helpers import race

pytestmark = [pytest.mark.postgresql, pytest.mark.time_machine(SUMMER_MIDDAY)]


@pytest.fixture(autouse=True)
def audit_events_carry_the_request_id():
    """Switch the suite-wide request-id guard off here: it listens to every AuditEvent save in
    the process, so two requests served at once on two threads would each see the other's events.
    The single-request tests in test_once.py keep it."""
    yield


def _persona():
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    alice = MembershipFactory(organisation=org, user=UserFactory(), role="supporter")
    person = PersonFactory(team=team)
    SpellFactory(person=person, worker=alice.user)
    return alice, person


def test_two_identical_contact_submits_at_once_record_one_contact(committed_db):
    alice, person = _persona()
    url = reverse("relationships:record_contact", args=[person.pk])
    form = {
        "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone",
        "minutes": "20",
        "initiated_by": "person",
        "worker": alice.user.pk,
        FIELD: new_token(),
    }
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(alice.user)

    outcomes = race([lambda c=c: c.post(url, form) for c in clients])

    assert sorted(o.status_code for o in outcomes) == [302, 303], outcomes
    assert Contact.objects.count() == 1


def test_two_identical_api_creates_at_once_record_one_contact(committed_db):
    alice, person = _persona()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(alice.user)

    outcomes = race([lambda c=c: _api_post(c, person, key="race-key-0001") for c in clients])

    assert sorted(o.status_code for o in outcomes) == [200, 201], outcomes
    assert Contact.objects.count() == 1
