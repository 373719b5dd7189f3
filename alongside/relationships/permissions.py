"""Who may change relationships. Predicates take (membership, object); see docs/access-and-audit.md.

Reading is decided by queries (visibility); these rules decide writes on what is already visible.
"""

import rules

from alongside.access.models import Role
from alongside.visibility.roles import ASSIGNING_ROLES, WORKER_ROLES


@rules.predicate
def is_worker(membership, obj=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role in WORKER_ROLES


@rules.predicate
def assigns_for_team(membership, person) -> bool:  # type: ignore[no-untyped-def]
    if membership is None or membership.role not in ASSIGNING_ROLES:
        return False
    return membership.team_id is None or membership.team_id == person.team_id


@rules.predicate
def is_named_worker(membership, person) -> bool:  # type: ignore[no-untyped-def]
    from alongside.relationships.models import NamedWorkerSpell

    return NamedWorkerSpell.objects.filter(
        person=person, worker_id=membership.user_id, ended_on__isnull=True
    ).exists()


@rules.predicate
def took_part_in_contact(membership, contact) -> bool:  # type: ignore[no-untyped-def]
    return membership.user_id in (contact.worker_id, contact.recorded_by_id)


@rules.predicate
def coordinates_contact(membership, contact) -> bool:  # type: ignore[no-untyped-def]
    return membership.role == Role.COORDINATOR and (
        membership.team_id is None or membership.team_id == contact.person.team_id
    )


rules.add_rule("relationships.record_contact", is_worker)
rules.add_rule("relationships.record_worker_request", is_worker)
rules.add_rule("relationships.assign_named_worker", assigns_for_team)
rules.add_rule("relationships.plan_handover", assigns_for_team | (is_worker & is_named_worker))
rules.add_rule(
    "relationships.edit_contact", is_worker & (took_part_in_contact | coordinates_contact)
)
