"""Who may change relationships. Predicates take (membership, object); see docs/access-and-audit.md.

Reading is decided by queries (visibility); these rules decide writes on what is already visible.
"""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Role
from alongside.visibility.people import is_named_worker_now
from alongside.visibility.roles import (
    ASSIGNING_ROLES,
    HISTORY_REQUESTERS,
    HISTORY_REVIEWERS,
    WORKER_ROLES,
)

if TYPE_CHECKING:
    from alongside.people.models import Person
    from alongside.relationships.models import Contact


@rules.predicate
def is_worker(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role in WORKER_ROLES


@rules.predicate
def assigns_for_team(membership: Membership | None, person: "Person") -> bool:
    if membership is None or membership.role not in ASSIGNING_ROLES:
        return False
    return membership.team_id is None or membership.team_id == person.team_id


@rules.predicate
def answers_open_request(membership: Membership | None, person: "Person") -> bool:
    """A coordinator answering a person's open worker request when the person's team has no
    coordinator of its own (the foodbank's "They said yes" goes to every coordinator)."""
    from alongside.relationships.models import WorkerRequest

    if membership is None or membership.role not in ASSIGNING_ROLES or not membership.is_active:
        return False
    if membership.organisation_id != person.organisation_id:
        return False
    own_coordinator = Membership.objects.active().filter(
        organisation_id=person.organisation_id, role=Role.COORDINATOR, team_id=person.team_id
    )
    return (
        WorkerRequest.objects.filter(person=person, status=WorkerRequest.Status.OPEN).exists()
        and not own_coordinator.exists()
    )


@rules.predicate
def is_named_worker(membership: Membership | None, person: "Person") -> bool:
    # Asked with the other relationship questions, once per page (visibility.people).
    return membership is not None and is_named_worker_now(membership, person)


@rules.predicate
def took_part_in_contact(membership: Membership | None, contact: "Contact") -> bool:
    return membership is not None and membership.user_id in (
        contact.worker_id,
        contact.recorded_by_id,
    )


@rules.predicate
def coordinates_contact(membership: Membership | None, contact: "Contact") -> bool:
    if membership is None or membership.role != Role.COORDINATOR:
        return False
    return membership.team_id is None or membership.team_id == contact.person.team_id


# "My people": the people a worker holds a relationship with.
rules.add_rule("relationships.my_people", is_worker)
rules.add_rule("relationships.record_contact", is_worker)
rules.add_rule("relationships.record_worker_request", is_worker)
rules.add_rule("relationships.assign_named_worker", assigns_for_team | answers_open_request)


@rules.predicate
def has_open_request(membership: Membership | None, person: "Person") -> bool:
    from alongside.relationships.models import WorkerRequest

    return WorkerRequest.objects.filter(person=person, status=WorkerRequest.Status.OPEN).exists()


# Answering a person's open worker requests "not possible" (decision 0050): who may choose the
# named worker with them, while a request is open.
rules.add_rule(
    "relationships.answer_worker_request",
    (assigns_for_team | answers_open_request) & has_open_request,
)
rules.add_rule("relationships.plan_handover", assigns_for_team | (is_worker & is_named_worker))
rules.add_rule(
    "relationships.edit_contact", is_worker & (took_part_in_contact | coordinates_contact)
)
# Removing a contact recorded on the wrong person, and putting it back (decision 0049): the
# worker who recorded or led it, or a coordinator of the person's team.
rules.add_rule(
    "relationships.remove_contact", is_worker & (took_part_in_contact | coordinates_contact)
)


@rules.predicate
def may_request_history(membership: Membership | None, person: "Person") -> bool:
    """May ask for the person's history with a legitimate-relationship request."""
    return (
        membership is not None
        and membership.is_active
        and membership.role in HISTORY_REQUESTERS
        and membership.organisation_id == person.organisation_id
    )


@rules.predicate
def reviews_history(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in HISTORY_REVIEWERS


rules.add_rule("relationships.allocate_worker", assigns_for_team)
rules.add_rule("relationships.request_history", may_request_history)
rules.add_rule("relationships.review_history", reviews_history)
