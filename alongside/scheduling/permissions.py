"""Who may book, change appointments and plan. Predicates take (membership, object).

Reading appointments follows reading the person (`people_visible_to`); these rules decide writes.
"""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Team
from alongside.relationships.permissions import is_worker
from alongside.visibility.roles import ASSIGNING_ROLES

if TYPE_CHECKING:
    from alongside.scheduling.models import Appointment


@rules.predicate
def takes_part(membership: Membership | None, appointment: "Appointment") -> bool:
    return membership is not None and membership.user_id in (
        appointment.worker_id,
        appointment.with_worker_id,
        appointment.booked_by_id,
    )


@rules.predicate
def coordinates_person_of(membership: Membership | None, appointment: "Appointment") -> bool:
    if membership is None or membership.role not in ASSIGNING_ROLES:
        return False
    return membership.team_id is None or membership.team_id == appointment.person.team_id


@rules.predicate
def coordinates_team(membership: Membership | None, team: Team | None) -> bool:
    if membership is None or membership.role not in ASSIGNING_ROLES:
        return False
    return team is None or membership.team_id is None or membership.team_id == team.pk


rules.add_rule("scheduling.book", is_worker)
rules.add_rule("scheduling.set_availability", is_worker)
rules.add_rule("scheduling.change_appointment", is_worker & (takes_part | coordinates_person_of))
rules.add_rule("scheduling.plan", coordinates_team)
rules.add_rule("scheduling.see_capacity", coordinates_team)
