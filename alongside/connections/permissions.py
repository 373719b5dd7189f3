"""Who may use connections. Predicates take (membership, object).

Reading profiles and introductions is decided by `queries` (visibility); these rules gate pages.
"""

import rules

from alongside.access.models import Membership, Role
from alongside.relationships.permissions import is_worker


@rules.predicate
def coordinates(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role == Role.COORDINATOR


# Workers who may see a person: their connections page, suggestions and suggesting introductions.
rules.add_rule("connections.use", is_worker)
# Coordinators: volunteer matching for their team, the organisation's lists, describing groups.
rules.add_rule("connections.match", coordinates)
