"""Who may see the read-only insights pages. Predicates take (membership, object)."""

import rules

from alongside.access.permissions import has_role
from alongside.visibility.roles import CONTINUITY_VIEWERS

rules.add_rule("insights.team_continuity", has_role(CONTINUITY_VIEWERS))
