"""Who may add or change a person's shared record. Predicates take (membership, person)."""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Role
from alongside.access.permissions import has_role
from alongside.visibility.people import has_confirmed
from alongside.visibility.roles import (
    FINDS_PEOPLE_BY_IDENTITY,
    SEES_ALL_PEOPLE,
    SEES_OWN_PEOPLE,
    WORKER_ROLES,
)
from alongside.visibility.support import coordinates

if TYPE_CHECKING:
    from alongside.people.models import MergeProposal, Person


PERSON_EDITORS = frozenset({Role.SUPPORTER, Role.COORDINATOR, Role.VOLUNTEER})


@rules.predicate
def edits_people(membership: Membership | None, person: "Person | None" = None) -> bool:
    return membership is not None and membership.role in PERSON_EDITORS


@rules.predicate
def adds_people(membership: Membership | None, person: "Person | None" = None) -> bool:
    return membership is not None and membership.role in {Role.SUPPORTER, Role.COORDINATOR}


@rules.predicate
def is_data_lead(membership: Membership | None, person: "Person | None" = None) -> bool:
    return membership is not None and membership.role == Role.DATA_LEAD


rules.add_rule("people.add_person", adds_people)
# Finding people: every role that sees people (all of them, or only their own), and the data
# lead, who finds them by identity only (decision 0038).
rules.add_rule("people.find", has_role(SEES_ALL_PEOPLE, SEES_OWN_PEOPLE, FINDS_PEOPLE_BY_IDENTITY))
# Opening a found person's record (the data lead's results open "who saw this record" instead).
rules.add_rule("people.open_record", has_role(SEES_ALL_PEOPLE, SEES_OWN_PEOPLE))
rules.add_rule("people.change_person", edits_people)


@rules.predicate
def holds_support_for(membership: Membership | None, person: "Person") -> bool:
    """Supporters with a confirmed relationship with the person (`visibility.people.confirmed_q`:
    never just a contact they recorded, or they could record a consent for themselves), and
    coordinators of the person's team."""
    if membership is None:
        return False
    if membership.role == Role.COORDINATOR:
        return coordinates(membership, person)
    if membership.role == Role.SUPPORTER:
        return has_confirmed(membership, person)
    return False


rules.add_rule("people.record_consent", holds_support_for)
rules.add_rule("people.see_access_log", holds_support_for | is_data_lead)


@rules.predicate
def coordinates_person(membership: Membership | None, person: "Person | None" = None) -> bool:
    """A coordinator of the person's service (of any service, asked without a person)."""
    if membership is None or membership.role != Role.COORDINATOR:
        return False
    return person is None or coordinates(membership, person)


# Merging two records of one person: a coordinator of both services (decision 0036); the data
# lead reviews every merge afterwards.
rules.add_rule("people.merge", coordinates_person)
rules.add_rule("people.review_merges", is_data_lead)

# Two-person merges (decision 0048): the roles that read foodbank or safeguarding records approve
# moving them (assessors, safeguarding leads); the coordinator who proposed, or another
# coordinator of both records' services, follows it and may withdraw it.
MERGE_APPROVERS = frozenset({Role.ASSESSOR, Role.SAFEGUARDING_LEAD})


@rules.predicate
def approves_merges(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in MERGE_APPROVERS


@rules.predicate
def coordinates_proposal(membership: Membership | None, proposal: "MergeProposal") -> bool:
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and coordinates(membership, proposal.survivor)
        and coordinates(membership, proposal.merged)
    )


@rules.predicate
def same_organisation(membership: Membership | None, proposal: "MergeProposal") -> bool:
    return membership is not None and membership.organisation_id == proposal.organisation_id


rules.add_rule("people.approve_merges", approves_merges)
rules.add_rule("people.see_merge_proposals", approves_merges | coordinates_person)
rules.add_rule(
    "people.see_merge_proposal", same_organisation & (approves_merges | coordinates_proposal)
)


@rules.predicate
def confirmed_worker(membership: Membership | None, person: "Person") -> bool:
    """A worker with a confirmed relationship with the person (named, allocated, handed over,
    or their own legitimate-relationship request in force): never just a contact they recorded."""
    if membership is None or membership.role not in WORKER_ROLES:
        return False
    return has_confirmed(membership, person)


# Equality monitoring (decision 0037): answers read and written only by the person's confirmed
# workers, with the person; the data lead sees totals with small numbers suppressed.
rules.add_rule("people.record_equality", confirmed_worker)
rules.add_rule("people.equality_totals", is_data_lead)
