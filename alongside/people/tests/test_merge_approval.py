"""Two-person merges (decision 0048): when either record has foodbank or safeguarding records,
the coordinator proposes and a worker who sees those records approves; the merge happens with
the last approval, all or nothing; counts, never content, for those who may not see it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.people.merging import (
    approve_merge,
    decline_merge,
    merge_people,
    propose_merge,
    undo_merge,
)
from alongside.people.models import MergeProposal, Person, PersonMerge
from alongside.relationships.models import Contact
from alongside.safeguarding.models import Concern
from alongside.safeguarding.services.concerns import raise_concern
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)

CONCERN_WORDS = "Seen without food"


@pytest.fixture
def twin(world):
    twin = PersonFactory(team=world.team, given_name="Pat", family_name="Example")
    ContactFactory(person=twin, worker=world.user("alice"))
    raise_concern(
        twin,
        by=world.members["alice"],
        category="neglect",
        what_happened=CONCERN_WORDS,
        immediate_risk=False,
    )
    return twin


def _voucher(world, person):
    partner = ReferralPartner.objects.create(organisation=world.org, name="Surgery", kind="gp")
    return Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="MERGE-1",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name="Dr Sample",
        recorded_by=world.user("amir"),
        person=person,
        redeemed_at=timezone.now(),
        redeemed_by=world.user("amir"),
        parcels=1,
    )


def test_the_coordinator_proposes_and_the_safeguarding_lead_approves(world, twin):
    colin = world.client("colin")
    review_url = reverse("people:merge_review", args=[world.person.pk, twin.pk])
    page = colin.get(review_url).content.decode()
    assert "Someone else must approve this merge" in page and CONCERN_WORDS not in page
    response = colin.post(review_url, {"propose": "1"})
    proposal = MergeProposal.objects.get()
    assert response.url == reverse("people:merge_proposal", args=[proposal.pk])
    assert proposal.needs_safeguarding and not proposal.needs_eligibility
    # Proposed, audited on both records; the safeguarding lead is told, without names.
    proposed = AuditEvent.objects.filter(action="people.merge.proposed")
    assert {e.person_id for e in proposed} == {world.person.pk, twin.pk}
    told = Notification.objects.get(user=world.user("sam"), text__contains="merge")
    assert "Pat" not in told.text and told.url == response.url
    # The proposer sees counts per kind, never the concern's words; nothing has moved yet.
    page = colin.get(response.url).content.decode()
    assert "Concerns" in page and CONCERN_WORDS not in page
    assert "They are one person: approve" not in page
    assert Concern.objects.for_system("test").get().person_id == twin.pk
    # The safeguarding lead finds it waiting (nav badge, list) and approves it.
    sam = world.client("sam")
    assert "Merges to check" in sam.get(reverse("people:merge_proposals")).content.decode()
    page = sam.get(response.url).content.decode()
    assert "They are one person: approve" in page and CONCERN_WORDS not in page
    answer = reverse("people:answer_merge_proposal", args=[proposal.pk])
    assert sam.post(answer, {"answer": "approve"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.MERGED
    assert proposal.safeguarding_approved_by == world.user("sam")
    assert Concern.objects.for_system("test").get().person_id == world.person.pk
    assert Contact.objects.filter(person=world.person).count() == 1
    assert Person.objects.get(pk=twin.pk).merged_into_id == world.person.pk
    merge = PersonMerge.objects.get()
    assert proposal.merge == merge and merge.merged_by == world.user("colin")
    merged = AuditEvent.objects.get(action="people.person.merged")
    assert merged.person_id == world.person.pk and merged.actor == world.user("sam")
    assert merged.summary["proposed_by"] == world.user("colin").pk
    assert merged.summary["approved_by"] == {"safeguarding": world.user("sam").pk}
    assert AuditEvent.objects.get(action="people.person.merged_away").person_id == twin.pk
    approved = AuditEvent.objects.filter(action="people.merge.approved")
    assert {e.person_id for e in approved} == {world.person.pk, twin.pk}
    # The earlier events stay on the merged-away record.
    assert AuditEvent.objects.filter(person=twin, action="people.merge.proposed").exists()


def test_foodbank_and_safeguarding_records_need_both_approvals(world, twin):
    _voucher(world, twin)
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    assert proposal.needs_eligibility and proposal.needs_safeguarding
    approve_merge(proposal, by=world.members["amir"])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.WAITING
    assert proposal.eligibility_approved_by == world.user("amir")
    assert Voucher.objects.for_system("test").get().person_id == twin.pk
    # The assessor has nothing left to approve; the safeguarding lead has.
    with pytest.raises(ValidationError):
        approve_merge(proposal, by=world.members["amir"])
    approve_merge(proposal, by=world.members["sam"])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.MERGED
    assert Voucher.objects.for_system("test").get().person_id == world.person.pk


def test_a_record_added_after_the_proposal_needs_its_own_approval(world):
    twin = PersonFactory(team=world.team)
    _voucher(world, twin)
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    raise_concern(
        twin, by=world.members["alice"], category="neglect", what_happened="x",
        immediate_risk=False,
    )  # fmt: skip
    approve_merge(proposal, by=world.members["amir"])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.WAITING and proposal.needs_safeguarding


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "dana", "fern", "olly"])
def test_the_wrong_roles_neither_see_nor_approve(world, twin, name):
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    client = world.client(name)
    assert client.get(reverse("people:merge_proposal", args=[proposal.pk])).status_code == 404
    answer = reverse("people:answer_merge_proposal", args=[proposal.pk])
    assert client.post(answer, {"answer": "approve"}).status_code == 404
    with pytest.raises(ValidationError):
        approve_merge(proposal, by=world.members[name])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.WAITING
    assert proposal.safeguarding_approved_by is None


def test_an_assessor_may_not_approve_safeguarding_records(world, twin):
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    page = world.client("amir").get(reverse("people:merge_proposal", args=[proposal.pk]))
    assert "They are one person: approve" not in page.content.decode()
    with pytest.raises(ValidationError):
        approve_merge(proposal, by=world.members["amir"])
    assert Concern.objects.for_system("test").get().person_id == twin.pk


def test_nothing_is_half_saved_when_the_merge_is_refused_at_approval(world, twin):
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    SpellFactory(person=twin, worker=world.user("cara"))  # two open named workers
    with pytest.raises(ValidationError):
        approve_merge(proposal, by=world.members["sam"])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.WAITING
    assert proposal.safeguarding_approved_by is None
    assert Contact.objects.filter(person=twin).count() == 1
    assert Concern.objects.for_system("test").get().person_id == twin.pk
    assert not PersonMerge.objects.exists()
    assert not AuditEvent.objects.filter(action="people.merge.approved").exists()


def test_declined_or_withdrawn_nothing_moves(world, twin):
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    with pytest.raises(ValidationError):
        propose_merge(world.person, twin, by=world.members["colin"])  # one waiting at a time
    decline_merge(proposal, by=world.members["sam"])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.DECLINED
    assert Concern.objects.for_system("test").get().person_id == twin.pk
    declined = AuditEvent.objects.filter(action="people.merge.declined")
    assert {e.person_id for e in declined} == {world.person.pk, twin.pk}
    with pytest.raises(ValidationError):
        approve_merge(proposal, by=world.members["sam"])
    again = propose_merge(world.person, twin, by=world.members["colin"])
    world.client("colin").post(
        reverse("people:answer_merge_proposal", args=[again.pk]), {"answer": "decline"}
    )
    again.refresh_from_db()
    assert again.status == MergeProposal.Status.DECLINED


def test_a_merge_needing_no_approval_is_not_proposed(world):
    twin = PersonFactory(team=world.team)
    with pytest.raises(ValidationError):
        propose_merge(world.person, twin, by=world.members["colin"])
    assert not MergeProposal.objects.exists()


def test_a_two_person_merge_is_undone_by_a_coordinator(world, twin):
    """Undo moves back exactly what moved (the concern too, which nobody reads on the way);
    what was recorded on the survivor since stays; audited on both; it can be merged again."""
    _voucher(world, twin)
    twin.phone = "07700 900999"
    twin.save()
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    approve_merge(proposal, by=world.members["amir"])
    approve_merge(proposal, by=world.members["sam"])
    merge = PersonMerge.objects.get()
    world.person.refresh_from_db()
    assert world.person.phone == "07700 900999"
    since = ContactFactory(person=world.person, worker=world.user("alice"))
    # Only a coordinator of both may undo it.
    url = reverse("people:undo_merge", args=[world.person.pk, merge.pk])
    for name in ("alice", "amir", "sam", "dana"):
        assert world.client(name).post(url).status_code == 404
    start = world.client("colin").get(reverse("people:merge_start", args=[world.person.pk]))
    assert url in start.content.decode()
    assert world.client("colin").post(url).status_code == 302
    twin.refresh_from_db()
    world.person.refresh_from_db()
    assert twin.merged_into is None
    assert world.person.phone == ""
    assert Concern.objects.for_system("test").get().person_id == twin.pk
    assert Voucher.objects.for_system("test").get().person_id == twin.pk
    assert set(Contact.objects.filter(person=twin).values_list("pk", flat=True)) != set()
    assert Contact.objects.get(pk=since.pk).person_id == world.person.pk
    unmerged = AuditEvent.objects.filter(action="people.person.unmerged")
    assert {e.person_id for e in unmerged} == {world.person.pk, twin.pk}
    merge.refresh_from_db()
    assert merge.undone_by == world.user("colin")
    # Once only; and the two records can be merged again later.
    assert "already been undone" in " ".join(
        pytest.raises(ValidationError, undo_merge, merge, by=world.members["colin"]).value.messages
    )
    again = propose_merge(world.person, twin, by=world.members["colin"])
    assert again.status == MergeProposal.Status.WAITING


def test_an_undo_that_would_break_a_rule_changes_nothing(world):
    twin = PersonFactory(team=world.team)
    ContactFactory(person=twin, worker=world.user("alice"))
    spell = SpellFactory(person=twin, worker=world.user("cara"))
    world.person.spells.update(ended_on="2026-03-01")
    merge = merge_people(world.person, twin, by=world.members["colin"])
    # Pat now has cara's spell (moved); a new open spell on the twin would clash on the way back.
    SpellFactory(person=twin, worker=world.user("alice"))
    with pytest.raises(ValidationError):
        undo_merge(merge, by=world.members["colin"])
    assert Person.objects.get(pk=twin.pk).merged_into_id == world.person.pk
    assert Contact.objects.filter(person=twin).count() == 0
    assert spell.__class__.objects.get(pk=spell.pk).person_id == world.person.pk
    assert not AuditEvent.objects.filter(action="people.person.unmerged").exists()


WAITING_WORDS = "is waiting for approval"


def test_a_waiting_proposal_blocks_a_direct_merge_of_either_record(world, twin):
    """Decision 0048's loose end: while a merge of Pat and the twin waits, neither record is
    merged with a third (nor a second proposal made); in plain words, and nothing moves."""
    proposal = propose_merge(world.person, twin, by=world.members["colin"])
    third = PersonFactory(team=world.team, given_name="Pat", family_name="Example")
    ContactFactory(person=third, worker=world.user("alice"))
    colin = world.client("colin")
    for survivor, merged in ((world.person, third), (third, world.person)):
        url = reverse("people:merge_review", args=[survivor.pk, merged.pk])
        response = colin.post(url)
        assert response.status_code == 400
        assert WAITING_WORDS in response.content.decode()
    with pytest.raises(ValidationError, match=WAITING_WORDS):
        merge_people(third, world.person, by=world.members["colin"])
    other_twin = PersonFactory(team=world.team, given_name="Pat", family_name="Example")
    raise_concern(
        other_twin,
        by=world.members["alice"],
        category="neglect",
        what_happened="Another worry",
        immediate_risk=False,
    )
    with pytest.raises(ValidationError, match=WAITING_WORDS):
        propose_merge(other_twin, twin, by=world.members["colin"])
    assert PersonMerge.objects.count() == 0 and MergeProposal.objects.count() == 1
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
    # Once it is answered, the records may be merged again.
    decline_merge(proposal, by=world.members["sam"])
    merge_people(world.person, third, by=world.members["colin"])
    assert Person.objects.get(pk=third.pk).merged_into_id == world.person.pk


def test_a_merge_made_before_undo_existed_says_so_instead_of_offering_undo(world):
    other = PersonFactory(team=world.team, given_name="Pat", family_name="Example")
    ContactFactory(person=other, worker=world.user("alice"))
    merge = merge_people(world.person, other, by=world.members["colin"])
    url = reverse("people:merge_start", args=[world.person.pk])
    page = world.client("colin").get(url).content.decode()
    assert "Undo this merge" in page  # a merge that kept its ids
    # As the merges made before undo existed: what moved was counted, no ids kept.
    PersonMerge.objects.filter(pk=merge.pk).update(moved_rows={})
    page = world.client("colin").get(url).content.decode()
    assert "Undo this merge" not in page
    assert "was merged into this record" in page
    assert "made before merges could be undone" in page
    with pytest.raises(ValidationError, match="made before merges could be undone"):
        undo_merge(PersonMerge.objects.get(pk=merge.pk), by=world.members["colin"])
