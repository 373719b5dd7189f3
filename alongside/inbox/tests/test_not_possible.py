"""A coordinator answers a person's request for a worker "not possible" from the inbox, saying
why (decision 0050): the request leaves the inbox, the person's page says why, the worker who
wrote it down and the worker asked for are told, and it is audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification, Role
from alongside.audit.models import AuditEvent
from alongside.inbox.queries import Kind, inbox_for
from alongside.relationships.models import WorkerRequest
from alongside.relationships.services import answer_not_possible, record_worker_request
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    MembershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

REASON = "Alice has no space for new people until October; we can ask again then."


def _request(world, person, by="cara"):
    return record_worker_request(
        person,
        by=world.members[by],
        requested_worker=world.user("alice"),
        in_their_words="Someone who knows the area",
        on=timezone.localdate(),
    )


def _waiting(world, persona):
    sections = inbox_for(world.members[persona]).sections
    return {s.kind: [i.person for i in s.items] for s in sections}.get(Kind.WORKER_REQUEST, [])


def test_a_coordinator_answers_not_possible_from_the_inbox(world):
    newcomer = PersonFactory(team=world.team, given_name="Nia", family_name="Newcomer")
    request = _request(world, newcomer)
    client = world.client("colin")
    url = reverse("relationships:worker_request_not_possible", args=[newcomer.pk])
    inbox = client.get(reverse("inbox:inbox")).content.decode()
    assert url in inbox and "Not possible? Say why" in inbox
    form = client.get(url).content.decode()
    assert "Someone who knows the area" in form and "they asked for Alice" in form
    refused = client.post(url, {"answer": ""})
    assert refused.status_code == 400
    assert "Say why it is not possible, in words they can be told." in refused.content.decode()
    assert WorkerRequest.objects.get(pk=request.pk).status == WorkerRequest.Status.OPEN
    Notification.objects.all().delete()
    response = client.post(url, {"answer": REASON})
    assert response.status_code == 302 and response.url == reverse("inbox:inbox")
    request.refresh_from_db()
    assert request.status == WorkerRequest.Status.NOT_POSSIBLE
    assert (request.answer, request.answered_by) == (REASON, world.user("colin"))
    assert request.answered_on == timezone.localdate()
    # It leaves the inbox of the coordinator and the worker's own to do.
    assert newcomer not in _waiting(world, "colin")
    assert newcomer not in _waiting(world, "alice")
    # The worker who wrote it down (cara) and the worker asked for (alice) are told, no names.
    told = Notification.objects.filter(text__contains="not possible")
    assert {n.user for n in told} == {world.user("cara"), world.user("alice")}
    assert all("Nia" not in n.text and "October" not in n.text for n in told)
    # The person's page says why.
    person_page = client.get(reverse("people:person", args=[newcomer.pk])).content.decode()
    assert "not possible" in person_page and REASON in person_page
    event = AuditEvent.objects.get(action="relationships.worker_request.not_possible")
    assert event.person_id == newcomer.pk
    assert event.summary["worker_requests"] == [request.pk]
    assert "October" not in str(event.summary)
    # Answered once: the page is gone with the open request.
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_only_who_may_choose_the_worker_may_answer(world, persona):
    newcomer = PersonFactory(team=world.team)
    _request(world, newcomer)
    url = reverse("relationships:worker_request_not_possible", args=[newcomer.pk])
    assert world.client(persona).post(url, {"answer": REASON}).status_code == 404
    assert WorkerRequest.objects.get(person=newcomer).status == WorkerRequest.Status.OPEN
    assert not AuditEvent.objects.filter(
        action="relationships.worker_request.not_possible"
    ).exists()


def test_a_coordinator_of_another_team_answers_only_where_the_team_has_none(world):
    foodbank = TeamFactory(organisation=world.org, name="Foodbank")
    visitor = PersonFactory(team=foodbank)
    _request(world, visitor, by="alice")
    url = reverse("relationships:worker_request_not_possible", args=[visitor.pk])
    assert world.client("colin").get(url).status_code == 200
    MembershipFactory(
        organisation=world.org, user=UserFactory(), role=Role.COORDINATOR, team=foodbank
    )
    assert world.client("colin").get(url).status_code == 404


def test_the_answer_needs_words_and_an_open_request(world):
    newcomer = PersonFactory(team=world.team)
    colin = world.members["colin"]
    with pytest.raises(ValidationError):
        answer_not_possible(newcomer, by=colin, answer=REASON, on=timezone.localdate())
    _request(world, newcomer)
    _request(world, newcomer, by="alice")
    with pytest.raises(ValidationError):
        answer_not_possible(newcomer, by=colin, answer=" no ", on=timezone.localdate())
    answered = answer_not_possible(newcomer, by=colin, answer=REASON, on=timezone.localdate())
    assert len(answered) == 2
    assert not WorkerRequest.objects.filter(status=WorkerRequest.Status.OPEN).exists()
