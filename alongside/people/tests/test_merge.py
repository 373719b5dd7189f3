"""Merging two records of one person: every record moves, the audit stays, spheres a coordinator
cannot see refuse it, and the data lead can review it afterwards (decision 0036)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.audit.queries import access_log
from alongside.people.merging import KEPT, merge_people, person_relations, review_merge
from alongside.people.models import ConsentToShare, Person, PersonMerge
from alongside.relationships.models import Contact, NamedWorkerSpell
from alongside.safeguarding.services.concerns import raise_concern
from alongside.spaces.models import Attendance
from alongside.spaces.services import mark_present
from alongside.spaces.tests.helpers import make_session, make_space
from alongside.support.models import SupportNote
from alongside.support.services import save_contact_note
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)

# Every foreign key to a person, as "app.model.field". A new one fails this list: decide whether a
# merge moves it (and what happens when both records have one), then add it here.
EVERY_POINTER_TO_A_PERSON = {
    "archive.restoredauditevent.person",
    "audit.auditevent.person",
    "connections.followup.person",
    "connections.introductionside.person",
    "connections.match.person",
    "connections.personprofile.person",
    "connections.personprofile_excluded_people.person",
    "eligibility.voucher.person",
    "inbox.lastcontact.for_person",
    "learning.contactdemand.person",
    "learning.demandwords.person",
    "learning.need.person",
    "learning.spend.person",
    "measures.measurebaseline.person",
    "measures.response.person",
    "measures.sitting.person",
    "people.consenttoshare.person",
    "people.equalitymonitoring.person",
    "people.mergeproposal.merged",
    "people.mergeproposal.survivor",
    "people.person.merged_into",
    "people.personmerge.merged",
    "people.personmerge.survivor",
    "relationships.allocation.person",
    "relationships.contact.person",
    "relationships.continuityday.person",
    "relationships.continuityfromday.person",
    "relationships.continuitymonth.person",
    "relationships.continuitymonthworker.person",
    "relationships.continuityquarter.person",
    "relationships.continuityquarterworker.person",
    "relationships.handover.person",
    "relationships.legitimaterelationship.person",
    "relationships.namedworkerspell.person",
    "relationships.workerrequest.person",
    "reports.story.person",
    # A person's rights: their requests, holds and anonymisations move with their record.
    "rights.anonymisation.person",
    "rights.legalhold.person",
    "rights.subjectaccessrequest.person",
    "safeguarding.concern.person",
    "referrals.referralin.person",
    "referrals.referralout.person",
    "safeguarding.matchinghold.person",
    "safeguarding.override.person",
    "scheduling.appointment.person",
    "scheduling.seerequest.person",
    "spaces.attendance.person",
    "spaces.doorwelcome.person",
    "spaces.invitation.person",
    "spaces.lapseprompt.person",
    "spaces.stoppingreason.person",
    "spaces.tie.person",
    "spaces.tiecount.person",
    "support.supportnote.person",
}


def _every_pointer_from_meta() -> set[str]:
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if field.concrete and field.is_relation and field.related_model is Person:
                found.add(f"{model._meta.label_lower}.{field.name}")
    return found


def test_every_pointer_to_a_person_is_moved_by_a_merge_or_kept_on_purpose():
    every = _every_pointer_from_meta()
    assert every == EVERY_POINTER_TO_A_PERSON, "a new pointer to a person: see the list's comment"
    moved = {relation.label for relation in person_relations()}
    kept = {f"{label}.{name}" for label, name in KEPT}
    assert moved | kept == every
    assert not moved & kept
    assert kept == {
        "audit.auditevent.person",
        "archive.restoredauditevent.person",  # history, append-only like the audit log
        "people.personmerge.survivor",
        "people.personmerge.merged",
        "people.mergeproposal.survivor",
        "people.mergeproposal.merged",
        "relationships.continuityday.person",  # derived: rewritten for both, never moved
        "relationships.continuityquarterworker.person",  # derived, the same
        "relationships.continuityquarter.person",  # derived, the same
        "relationships.continuitymonthworker.person",  # derived, the same (decision 0119)
        "relationships.continuitymonth.person",  # derived, the same
        "relationships.continuityfromday.person",  # derived, the same (decision 0129)
        "measures.measurebaseline.person",  # derived from the answers, rewritten for both
        "inbox.lastcontact.for_person",  # derived from the contacts and spells, the same
    }


@pytest.fixture
def twins(world):
    """Pat Example (world.person, named worker Alice) on the record twice."""
    twin = PersonFactory(
        team=world.team, given_name="Pat", family_name="Example", phone="07700 900123"
    )
    contact = ContactFactory(person=twin, worker=world.user("alice"))
    save_contact_note(contact, by=world.members["alice"], asked_for="", text="Worried about rent")
    ConsentToShare.objects.create(
        organisation=world.org,
        person=twin,
        scope="all_support_notes",
        grantee_role="assessor",
        purpose="Foodbank",
        granted_at="2026-03-01T10:00:00Z",
        expires_at="2026-09-01T10:00:00Z",
        recorded_by=world.user("alice"),
    )
    session = make_session(make_space(world.org, team=world.team, host=world.user("vic")))
    mark_present(session, twin, by=world.members["colin"])
    return twin


def test_a_coordinator_merges_and_everything_moves_with_the_audit_kept(world, twins):
    colin = world.members["colin"]
    earlier_events = set(AuditEvent.objects.filter(person=twins).values_list("id", flat=True))
    review = review_merge(world.person, twins, by=colin)
    assert review.allowed, review.refusals
    assert dict(review.moves)["contacts"] == 1

    merge = merge_people(world.person, twins, by=colin)

    assert Contact.objects.filter(person=world.person).count() == 1
    assert SupportNote.objects.for_system("test").filter(person=world.person).count() == 1
    assert ConsentToShare.objects.filter(person=world.person).count() == 1
    assert Attendance.objects.filter(person=world.person).count() == 1
    for relation in person_relations():
        assert not relation.rows(twins.pk).exists(), relation.label
    twins.refresh_from_db()
    world.person.refresh_from_db()
    assert twins.merged_into == world.person
    assert world.person.phone == "07700 900123"  # filled from the merged record
    assert merge.moved["relationships.contact.person"] == 1
    # The audit trail stays where it was, and "who saw my record" reads it through the survivor.
    assert earlier_events <= set(
        AuditEvent.objects.filter(person=twins).values_list("id", flat=True)
    )
    lines = access_log(world.person.pk, world.org.pk, viewer=colin, also_person_ids=[twins.pk])
    assert any("joined a second record of you into this one" in line.did for line in lines)
    assert any("joined this record of you into your main one" in line.did for line in lines)
    page = world.client("alice").get(reverse("people:access_log", args=[world.person.pk]))
    assert "noted that you came to a group" in page.content.decode()


def test_the_merged_record_leads_to_the_survivor(world, twins):
    merge_people(world.person, twins, by=world.members["colin"])
    response = world.client("alice").get(reverse("people:person", args=[twins.pk]))
    assert response.status_code == 302
    assert response.url == reverse("people:person", args=[world.person.pk])
    search = world.client("alice").get(reverse("people:person_list"), {"q": "pat"})
    assert search.content.decode().count("Pat Example") == 1


def test_the_review_page_then_the_merge_then_the_data_leads_list(world, twins):
    client = world.client("colin")
    start = client.get(reverse("people:merge_start", args=[world.person.pk]))
    assert start.status_code == 200
    review_url = reverse("people:merge_review", args=[world.person.pk, twins.pk])
    assert review_url in start.content.decode()
    page = client.get(review_url).content.decode()
    assert "What moves" in page and "Contacts" in page
    response = client.post(review_url)
    assert response.status_code == 302
    merges = world.client("dana").get(reverse("people:merges")).content.decode()
    assert "Pat Example" in merges and "Colin" in merges


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_only_a_coordinator_may_merge(world, twins, name):
    client = world.client(name)
    assert client.get(reverse("people:merge_start", args=[world.person.pk])).status_code == 404
    url = reverse("people:merge_review", args=[world.person.pk, twins.pk])
    assert client.post(url).status_code == 404
    with pytest.raises(ValidationError):
        merge_people(world.person, twins, by=world.members[name])
    assert Person.objects.get(pk=twins.pk).merged_into is None


def test_a_coordinator_of_another_service_may_not_merge(world, twins):
    colin = world.members["colin"]
    other = PersonFactory(team__organisation=world.org, given_name="Pat", family_name="Example")
    assert not review_merge(world.person, other, by=colin).allowed
    assert (
        world.client("colin")
        .get(reverse("people:merge_review", args=[world.person.pk, other.pk]))
        .status_code
        == 404
    )


def test_a_coordinator_alone_may_not_merge_safeguarding_records(world, twins):
    """Decision 0048: the coordinator proposes; a safeguarding lead approves
    (test_merge_approval.py). Merging straight away is refused and nothing moves."""
    raise_concern(
        twins,
        by=world.members["alice"],
        category="neglect",
        what_happened="Seen without food",
        immediate_risk=False,
    )
    review = review_merge(world.person, twins, by=world.members["colin"])
    assert review.allowed and review.needs_approval == ["safeguarding"]
    response = world.client("colin").post(
        reverse("people:merge_review", args=[world.person.pk, twins.pk])
    )
    assert response.status_code == 400
    assert "propose the merge, for someone who sees them to approve" in response.content.decode()
    assert Contact.objects.filter(person=twins).count() == 1


def test_two_open_named_workers_are_refused_and_nothing_moves(world, twins):
    SpellFactory(person=twins, worker=world.user("cara"))
    with pytest.raises(ValidationError) as refused:
        merge_people(world.person, twins, by=world.members["colin"])
    assert "named worker" in " ".join(refused.value.messages)
    assert Contact.objects.filter(person=twins).count() == 1
    assert NamedWorkerSpell.objects.filter(person=twins).count() == 1
    assert not PersonMerge.objects.exists()
