"""Who may use the volunteer pages (decision 0070). Predicates take (membership, object).

- `volunteers.manage`: the volunteer journey (enquiries, references, checks, moving on): the
  organisation's coordinators and its data lead, who already manage volunteers' accounts
  (`access.manage_workers`). Nobody else, and never anyone's support history (decision 0071).
- `volunteers.manage_volunteer`: one volunteer's page: the same people, in the volunteer's
  organisation.
- `volunteers.own_lived_experience`: a volunteer's own page for their lived experience and
  their two agreements.
"""

import rules

from alongside.access.models import Membership, Role
from alongside.access.permissions import has_role
from alongside.volunteers.models import Volunteer

MANAGERS = frozenset({Role.COORDINATOR, Role.DATA_LEAD})
manages_volunteers = has_role(MANAGERS)


@rules.predicate
def manages_volunteer(membership: Membership | None, volunteer: object = None) -> bool:
    return (
        isinstance(volunteer, Volunteer)
        and membership is not None
        and membership.is_active
        and membership.role in MANAGERS
        and volunteer.organisation_id == membership.organisation_id
    )


rules.add_rule("volunteers.manage", manages_volunteers)
rules.add_rule("volunteers.manage_volunteer", manages_volunteer)
rules.add_rule("volunteers.own_lived_experience", has_role(Role.VOLUNTEER))
