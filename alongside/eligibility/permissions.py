"""Who may use the eligibility pages (vouchers, referral partners). Predicates take
(membership, object); the roles come from the role -> sphere table (`ELIGIBILITY_ROLES`).

Which records a reader sees is decided by queries (fail-closed sphere managers).
"""

import rules

from alongside.access.permissions import has_role
from alongside.eligibility.queries import ELIGIBILITY_ROLES

rules.add_rule("eligibility.use", has_role(ELIGIBILITY_ROLES))
