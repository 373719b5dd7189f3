"""Who may do what with spaces. Predicates take (membership, object); see docs/access-and-audit.md.

Reading spaces and sessions: workers of the organisation (the queries scope by organisation).
Registers: the host, coordinators of the space's team, and supporters; a volunteer only for the
spaces they host. Ties and reasons for stopping (support sphere): the person's supporters who
work with them, a volunteer who works with them (reading only what they recorded), and the
coordinator of their team. Assessors, safeguarding leads, data leads and funders: none of these.
"""

import rules

from alongside.access.models import Role
from alongside.visibility.people import works_with
from alongside.visibility.roles import ASSIGNING_ROLES, WORKER_ROLES
from alongside.visibility.support import coordinates

OUTCOME_VIEWERS = frozenset({Role.COORDINATOR, Role.DATA_LEAD, Role.FUNDER_VIEWER})


@rules.predicate
def is_worker(membership, obj=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.is_active and membership.role in WORKER_ROLES


@rules.predicate
def is_coordinator(membership, obj=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.is_active and membership.role in ASSIGNING_ROLES


def _space_of(obj):  # type: ignore[no-untyped-def]
    return getattr(obj, "space", obj)


@rules.predicate
def coordinates_space(membership, obj) -> bool:  # type: ignore[no-untyped-def]
    """A coordinator of the space's team (any coordinator for a space without a team, and a
    coordinator without a team coordinates every space). `obj` is a space or a session."""
    if not is_coordinator(membership):
        return False
    space = _space_of(obj)
    if space is None:
        return True
    return (
        membership.team_id is None or space.team_id is None or membership.team_id == space.team_id
    )


@rules.predicate
def hosts(membership, obj) -> bool:  # type: ignore[no-untyped-def]
    space = _space_of(obj)
    return space is not None and space.host_id == membership.user_id


@rules.predicate
def is_supporter(membership, obj=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role == Role.SUPPORTER


@rules.predicate
def in_support_sphere(membership, person) -> bool:  # type: ignore[no-untyped-def]
    """May record (and read their own part of) this person's ties and reasons for stopping."""
    if not is_worker(membership) or person.organisation_id != membership.organisation_id:
        return False
    if membership.role == Role.COORDINATOR:
        return coordinates(membership, person)
    return works_with(membership, person)


@rules.predicate
def sees_outcomes(membership, obj=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.is_active and membership.role in OUTCOME_VIEWERS


rules.add_rule("spaces.see", is_worker)
rules.add_rule("spaces.manage_space", coordinates_space)
rules.add_rule("spaces.manage_sessions", is_worker & (coordinates_space | hosts))
rules.add_rule("spaces.take_register", is_worker & (hosts | is_supporter | coordinates_space))
rules.add_rule("spaces.support_sphere", in_support_sphere)
rules.add_rule("spaces.see_outcomes", sees_outcomes)
