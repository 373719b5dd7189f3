"""Who may raise concerns, lead on safeguarding and review overrides. Predicates take
(membership, object).

Which concerns and overrides a reader sees is decided by queries (fail-closed sphere managers).
"""

import rules

from alongside.access.models import Role
from alongside.access.permissions import has_role
from alongside.safeguarding.queries import RAISING_ROLES, REVIEWING_ROLES

rules.add_rule("safeguarding.raise_concern", has_role(RAISING_ROLES))
# Concerns, overrides and holds on matching and introductions.
rules.add_rule("safeguarding.lead", has_role(Role.SAFEGUARDING_LEAD))
rules.add_rule("safeguarding.review_overrides", has_role(REVIEWING_ROLES))
