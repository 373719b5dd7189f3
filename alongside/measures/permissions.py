"""Who may ask people, see team aggregates and manage instruments. Predicates take (membership, object).

Reading answers is decided by queries (`responses_visible_to`, `may_read_answers`).
"""

import rules

from alongside.access.models import Membership, Role
from alongside.relationships.permissions import is_worker
from alongside.visibility.roles import CONTINUITY_VIEWERS


@rules.predicate
def sees_team_aggregates(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role in CONTINUITY_VIEWERS


@rules.predicate
def is_data_lead(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role == Role.DATA_LEAD


rules.add_rule("measures.ask", is_worker)
rules.add_rule("measures.my_feedback", is_worker)
rules.add_rule("measures.team_outcomes", sees_team_aggregates)
rules.add_rule("measures.manage_instruments", is_data_lead)
