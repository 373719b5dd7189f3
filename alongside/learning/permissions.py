"""Who may do what in learning. Predicates take (membership, object); see docs/access-and-audit.md.

Reading the person's words is decided by queries (visibility); these rules decide writes and
which pages a role may open at all.
"""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Role
from alongside.relationships.permissions import coordinates_contact, took_part_in_contact
from alongside.visibility.roles import WORKER_ROLES

if TYPE_CHECKING:
    from alongside.learning.models import Spend


FIGURE_VIEWERS = frozenset({Role.COORDINATOR, Role.DATA_LEAD})


@rules.predicate
def is_worker(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in WORKER_ROLES


@rules.predicate
def sees_team_figures(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role in FIGURE_VIEWERS


@rules.predicate
def is_data_lead(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role == Role.DATA_LEAD


@rules.predicate
def decides_spend(membership: Membership | None, spend: "Spend | None") -> bool:
    from alongside.learning.services import may_decide

    return membership is not None and spend is not None and may_decide(spend, membership)


# Marking demand: as changing the contact (who led or recorded it, or the team's coordinator).
rules.add_rule("learning.mark_demand", is_worker & (took_part_in_contact | coordinates_contact))
rules.add_rule("learning.work_with_person", is_worker)
rules.add_rule("learning.close_need", is_worker)
rules.add_rule("learning.decide_spend", is_worker & decides_spend)
rules.add_rule("learning.team_figures", sees_team_figures)
rules.add_rule("learning.settings", is_data_lead)
