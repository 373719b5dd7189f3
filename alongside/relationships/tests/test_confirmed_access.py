"""Issue 11, part 1: no self-granted access to a person's history.

A supporter with no confirmed relationship used to read every worker's notes about a person by
recording a one-minute contact with them (form and API). Access to past support records now
rests on relationships someone else confirmed or the person chose.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.relationships.models import Allocation, Contact, LegitimateRelationship
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import ContactFactory

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

SECRET = "Told us about the debt collector at the door"


def alice_note(world):
    contact = ContactFactory(
        person=world.person, worker=world.user("alice"), at=timezone.now() - timedelta(days=20)
    )
    return SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for=SECRET,
        author=world.user("alice"),
    )


def person_page(client, person):
    return client.get(reverse("people:person", args=[person.pk])).content.decode()


def api_words(client, person):
    items = client.get(f"/api/v1/people/{person.pk}/contacts").json()["items"]
    return [item["asked_for"] for item in items]


def test_recording_a_contact_by_the_form_does_not_open_the_history(world):
    alice_note(world)
    cara = world.client("cara")
    response = cara.post(
        reverse("relationships:record_contact", args=[world.person.pk]),
        {
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "phone",
            "minutes": "1",
            "initiated_by": "us",
            "asked_for": "Checking in",
            "notes": "",
            "follow_up_on": "",
            "worker": world.user("cara").pk,
            "others_present": "",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.filter(worker=world.user("cara")).exists()
    page = person_page(cara, world.person)
    assert SECRET not in page
    assert "Checking in" in page  # what she wrote herself, she sees
    assert SECRET not in str(api_words(cara, world.person))


def test_recording_a_contact_by_the_api_does_not_open_the_history(world):
    alice_note(world)
    cara = world.client("cara")
    response = cara.post(
        f"/api/v1/people/{world.person.pk}/contacts",
        {
            "at": timezone.localtime().replace(microsecond=0).isoformat(),
            "mode": "phone",
            "minutes": 1,
            "initiated_by": "us",
            "asked_for": "Checking in",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    words = api_words(cara, world.person)
    assert SECRET not in words
    assert "Checking in" in words
    assert SECRET not in person_page(cara, world.person)


def test_the_named_worker_still_reads_the_history(world):
    alice_note(world)
    assert SECRET in api_words(world.client("alice"), world.person)


def test_the_person_page_explains_and_offers_the_request_form(world):
    alice_note(world)
    page = person_page(world.client("cara"), world.person)
    assert "so you see only what you write yourself" in page
    assert reverse("relationships:request_history_access", args=[world.person.pk]) in page
    assert "so you see only what you write yourself" not in person_page(
        world.client("alice"), world.person
    )


# Each confirmed relationship opens the history ---------------------------------------------------


def reads_secret(world, name):
    from alongside.support.queries import support_notes_visible_to

    notes = support_notes_visible_to(world.members[name])
    return notes.filter(asked_for=SECRET).exists()


def test_a_contact_alone_opens_nothing_written_by_others(world):
    alice_note(world)
    ContactFactory(person=world.person, worker=world.user("cara"))
    assert not reads_secret(world, "cara")
    assert reads_secret(world, "alice")


def test_a_planned_handover_to_the_worker_opens_the_history(world):
    from alongside.relationships.models import Handover

    alice_note(world)
    Handover.objects.create(
        organisation=world.org,
        person=world.person,
        from_worker=world.user("alice"),
        to_worker=world.user("cara"),
        reason="workload",
        created_by=world.user("colin"),
    )
    assert reads_secret(world, "cara")
    Handover.objects.update(status=Handover.Status.COLD)
    assert not reads_secret(world, "cara")


def test_an_allocation_by_a_coordinator_opens_the_history_until_it_ends(world):
    from alongside.relationships.services import allocate_worker, end_allocation

    alice_note(world)
    allocation = allocate_worker(world.person, worker=world.user("cara"), by=world.members["colin"])
    assert reads_secret(world, "cara")
    end_allocation(allocation, by=world.members["colin"])
    assert not reads_secret(world, "cara")
    actions_ = list(AuditEvent.objects.values_list("action", flat=True))
    assert "relationships.allocation.made" in actions_
    assert "relationships.allocation.ended" in actions_


def test_a_consent_naming_the_worker_opens_the_history(world):
    from alongside.people.consent import grant_consent

    alice_note(world)
    grant_consent(
        world.person,
        by=world.members["alice"],
        scope="all_support_notes",
        note_id=None,
        grantee_role="",
        grantee_user=world.user("cara"),
        purpose="Cover while Alice is away",
        expires_on=timezone.now() + timedelta(days=30),
    )
    assert reads_secret(world, "cara")


def test_a_supporter_who_only_met_the_person_may_not_record_a_consent(world):
    """Else she could record a consent naming herself and open the history after all."""
    ContactFactory(person=world.person, worker=world.user("cara"))
    url = reverse("people:grant_consent", args=[world.person.pk])
    assert world.client("cara").get(url).status_code == 404
    assert world.client("alice").get(url).status_code == 200


@pytest.mark.parametrize("name", ["alice", "vic", "amir", "sam", "dana", "fern"])
def test_only_a_coordinator_of_the_team_allocates(world, name):
    url = reverse("relationships:allocate_worker", args=[world.person.pk])
    response = world.client(name).post(url, {"worker": world.user("cara").pk})
    assert response.status_code == 404
    assert not Allocation.objects.exists()


def test_a_coordinator_allocates_by_the_form(world):
    url = reverse("relationships:allocate_worker", args=[world.person.pk])
    response = world.client("colin").post(url, {"worker": world.user("cara").pk})
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert (allocation.worker, allocation.allocated_by) == (world.user("cara"), world.user("colin"))
    assert Notification.objects.filter(user=world.user("cara")).exists()
    again = world.client("colin").post(url, {"worker": world.user("cara").pk})
    assert again.status_code == 400
    assert "already allocated" in again.content.decode()
    assert Allocation.objects.count() == 1


# The legitimate-relationship request -------------------------------------------------------------


def request_url(world):
    return reverse("relationships:request_history_access", args=[world.person.pk])


def ask(world, name="cara", reason="Covering for Alice, who is off sick this week"):
    return world.client(name).post(request_url(world), {"reason": reason})


def test_a_request_opens_the_history_at_once_tells_others_and_is_audited(world):
    alice_note(world)
    response = ask(world)
    assert response.status_code == 302
    assert reads_secret(world, "cara")
    grant = LegitimateRelationship.objects.get()
    assert grant.worker == world.user("cara")
    assert grant.expires_at - grant.started_at == timedelta(days=7)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"alice", "colin"}
    for text in Notification.objects.values_list("text", flat=True):
        assert SECRET not in text and "off sick" not in text and "Pat" not in text
    event = AuditEvent.objects.get(action="relationships.legitimate_relationship.started")
    assert event.person_id == world.person.pk
    assert "off sick" not in str(event.summary)
    assert SECRET in person_page(world.client("cara"), world.person)


def test_the_person_sees_the_request_in_who_saw_my_record(world):
    ask(world)
    log = world.client("alice").get(reverse("people:access_log", args=[world.person.pk]))
    assert "asked to read your history for a few days, and said why" in log.content.decode()


@pytest.mark.parametrize("days", [7, 2])
def test_a_request_expires_by_itself(world, settings, time_machine, days):
    settings.ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS = days
    alice_note(world)
    ask(world)
    time_machine.shift(timedelta(days=days) - timedelta(minutes=1))
    assert reads_secret(world, "cara")
    time_machine.shift(timedelta(minutes=2))
    assert not reads_secret(world, "cara")
    assert "so you see only what you write yourself" in person_page(
        world.client("cara"), world.person
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why you need their history."),
        ("   ", "Say why you need their history."),
        ("x" * 501, "500 characters or fewer"),
    ],
)
def test_a_request_without_a_good_reason_is_400_and_saves_nothing(world, reason, message):
    response = ask(world, reason=reason)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LegitimateRelationship.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="relationships.legitimate").exists()


@pytest.mark.parametrize("name", ["colin", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_other_roles_may_not_make_a_request(world, name):
    assert ask(world, name=name).status_code == 404
    assert world.client(name).get(request_url(world)).status_code == 404
    assert not LegitimateRelationship.objects.exists()


def test_a_worker_who_can_already_read_the_history_is_told_so(world):
    response = ask(world, name="alice")
    assert response.status_code == 400
    assert "You can already read their history." in response.content.decode()
    assert not LegitimateRelationship.objects.exists()
    opened = world.client("alice").get(request_url(world), follow=True)
    assert opened.redirect_chain[-1][0] == reverse("people:person", args=[world.person.pk])
    assert "You can already read their history." in opened.content.decode()


def test_the_requester_ends_it_early(world):
    alice_note(world)
    ask(world)
    grant = LegitimateRelationship.objects.get()
    url = reverse("relationships:end_history_access", args=[grant.pk])
    assert world.client("cara").post(url).status_code == 302
    assert not reads_secret(world, "cara")
    grant.refresh_from_db()
    assert grant.ended_by == world.user("cara")
    assert AuditEvent.objects.filter(action="relationships.legitimate_relationship.ended").exists()


@pytest.mark.parametrize("name", ["alice", "vic", "amir", "fern", "olly"])
def test_only_the_requester_or_a_reviewer_ends_it(world, name):
    ask(world)
    grant = LegitimateRelationship.objects.get()
    url = reverse("relationships:end_history_access", args=[grant.pk])
    assert world.client(name).post(url).status_code == 404
    grant.refresh_from_db()
    assert grant.ended_at is None


@pytest.mark.parametrize("name", ["colin", "sam", "dana"])
def test_reviewers_list_review_and_end_requests(world, name):
    ask(world)
    grant = LegitimateRelationship.objects.get()
    client = world.client(name)
    listing = client.get(reverse("relationships:history_requests")).content.decode()
    assert "Cara" in listing
    assert ("off sick" in listing) == (name != "dana")  # data leads see who and when, not why
    review = reverse("relationships:review_history_access", args=[grant.pk])
    refused = client.post(review, {"outcome": "not_appropriate", "note": ""})
    assert refused.status_code == 400
    assert "Say why it was not appropriate" in refused.content.decode()
    assert client.post(review, {"outcome": "appropriate", "note": ""}).status_code == 302
    grant.refresh_from_db()
    assert (grant.review_outcome, grant.reviewed_by) == ("appropriate", world.user(name))
    end = reverse("relationships:end_history_access", args=[grant.pk])
    assert client.post(end).status_code == 302
    grant.refresh_from_db()
    assert grant.ended_by == world.user(name)
    assert AuditEvent.objects.filter(
        action="relationships.legitimate_relationship.reviewed", summary__outcome="appropriate"
    ).exists()


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "amir", "fern", "olly"])
def test_the_review_pages_are_404_for_other_roles(world, name):
    ask(world)
    grant = LegitimateRelationship.objects.get()
    client = world.client(name)
    assert client.get(reverse("relationships:history_requests")).status_code == 404
    review = reverse("relationships:review_history_access", args=[grant.pk])
    assert client.post(review, {"outcome": "appropriate"}).status_code == 404
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_a_coordinator_of_another_team_does_not_review(world):
    from alongside.testing.factories import MembershipFactory, TeamFactory, UserFactory

    other = MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="cleo"),
        role="coordinator",
        team=TeamFactory(organisation=world.org, name="Other"),
    )
    ask(world)
    grant = LegitimateRelationship.objects.get()
    client = world.client("colin")
    client.force_login(other.user)
    assert "Cara" not in client.get(reverse("relationships:history_requests")).content.decode()
    review = reverse("relationships:review_history_access", args=[grant.pk])
    assert client.post(review, {"outcome": "appropriate"}).status_code == 404


def test_not_appropriate_ends_the_access_at_once(world):
    alice_note(world)
    ask(world)
    grant = LegitimateRelationship.objects.get()
    review = reverse("relationships:review_history_access", args=[grant.pk])
    response = world.client("colin").post(
        review, {"outcome": "not_appropriate", "note": "Cover was arranged with Wes instead"}
    )
    assert response.status_code == 302
    assert not reads_secret(world, "cara")
    grant.refresh_from_db()
    assert (grant.review_outcome, grant.ended_by) == ("not_appropriate", world.user("colin"))
    assert AuditEvent.objects.filter(action="relationships.legitimate_relationship.ended").exists()
    assert "Cover was arranged" not in str(list(AuditEvent.objects.values_list("summary")))


def test_a_request_is_reviewed_once(world):
    from alongside.relationships.services import request_history_access, review_history_access

    grant = request_history_access(world.person, by=world.members["cara"], reason="Cover")
    review_history_access(grant, by=world.members["sam"], outcome="appropriate", note="")
    with pytest.raises(ValidationError, match="already been reviewed"):
        review_history_access(grant, by=world.members["dana"], outcome="appropriate", note="")
