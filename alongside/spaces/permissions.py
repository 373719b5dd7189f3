"""Who may do what with spaces. Predicates take (membership, object); see docs/access-and-audit.md.

Reading spaces and sessions: workers of the organisation (the queries scope by organisation).
Registers: the host, coordinators of the space's team, and supporters; a volunteer only for the
spaces they host. Ties and reasons for stopping (support sphere): the person's supporters who
work with them, a volunteer who works with them (reading only what they recorded), and the
coordinator of their team. Assessors, safeguarding leads, data leads and funders: none of these.
"""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Role
from alongside.spaces.models import Space
from alongside.visibility.people import works_with
from alongside.visibility.roles import ASSIGNING_ROLES, WORKER_ROLES
from alongside.visibility.support import coordinates

if TYPE_CHECKING:
    from alongside.people.models import Person


OUTCOME_VIEWERS = frozenset({Role.COORDINATOR, Role.DATA_LEAD, Role.FUNDER_VIEWER})


@rules.predicate
def is_worker(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in WORKER_ROLES


@rules.predicate
def is_coordinator(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in ASSIGNING_ROLES


def _space_of(obj: object) -> Space | None:
    """The space itself, or a session's space; None when the rule is about no space."""
    space = getattr(obj, "space", obj)
    return space if isinstance(space, Space) else None


@rules.predicate
def coordinates_space(membership: Membership | None, obj: object) -> bool:
    """A coordinator of the space's team (any coordinator for a space without a team, and a
    coordinator without a team coordinates every space). `obj` is a space or a session."""
    if membership is None or not is_coordinator(membership):
        return False
    space = _space_of(obj)
    if space is None:
        return True
    return (
        membership.team_id is None or space.team_id is None or membership.team_id == space.team_id
    )


@rules.predicate
def hosts(membership: Membership | None, obj: object) -> bool:
    space = _space_of(obj)
    return membership is not None and space is not None and space.host_id == membership.user_id


@rules.predicate
def is_supporter(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role == Role.SUPPORTER


@rules.predicate
def in_support_sphere(membership: Membership | None, person: "Person") -> bool:
    """May record (and read their own part of) this person's ties and reasons for stopping."""
    if membership is None or not is_worker(membership):
        return False
    if person.organisation_id != membership.organisation_id:
        return False
    if membership.role == Role.COORDINATOR:
        return coordinates(membership, person)
    return works_with(membership, person)


@rules.predicate
def sees_outcomes(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in OUTCOME_VIEWERS


rules.add_rule("spaces.see", is_worker)
rules.add_rule("spaces.manage_space", coordinates_space)
rules.add_rule("spaces.manage_sessions", is_worker & (coordinates_space | hosts))
rules.add_rule("spaces.take_register", is_worker & (hosts | is_supporter | coordinates_space))
rules.add_rule("spaces.support_sphere", in_support_sphere)
rules.add_rule("spaces.see_outcomes", sees_outcomes)
