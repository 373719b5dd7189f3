"""Who may use the rota pages. Predicates take (membership, object).

- `rota.mine`: a member's own shifts, hours and milestones: anyone who works with people here
  (volunteers, supporters, coordinators).
- `rota.manage`: the rota, its patterns, asking people onto shifts: coordinators.
- `rota.gifts`: the gifts ledger: coordinators and the data lead.
- `rota.own_signup`: a signup that is the viewer's own (accept, decline, withdraw, offer a swap).
- `rota.take_swap`: a swap on offer by someone else, for a member who may do shifts.
"""

import rules

from alongside.access.models import Membership, Role
from alongside.access.permissions import has_role
from alongside.rota.models import Signup, SignupStatus

ON_SHIFTS = (Role.VOLUNTEER, Role.SUPPORTER, Role.COORDINATOR)

does_shifts = has_role(*ON_SHIFTS)
is_coordinator = has_role(Role.COORDINATOR)
keeps_ledger = has_role(Role.COORDINATOR, Role.DATA_LEAD)


@rules.predicate
def own_signup(membership: Membership | None, signup: object = None) -> bool:
    return (
        membership is not None
        and isinstance(signup, Signup)
        and signup.membership_id == membership.pk
    )


@rules.predicate
def swap_on_offer(membership: Membership | None, signup: object = None) -> bool:
    return (
        membership is not None
        and isinstance(signup, Signup)
        and signup.organisation_id == membership.organisation_id
        and signup.membership_id != membership.pk
        and signup.status == SignupStatus.CONFIRMED
        and signup.offered_at is not None
    )


rules.add_rule("rota.mine", does_shifts)
rules.add_rule("rota.manage", is_coordinator)
rules.add_rule("rota.gifts", keeps_ledger)
rules.add_rule("rota.own_signup", does_shifts & own_signup)
rules.add_rule("rota.take_swap", does_shifts & swap_on_offer)
