"""Who may use the directory. Nothing in it is about a person, so the rules are by role only:
every worker reads it (to find a service for someone); coordinators and data leads keep it
(add and edit local services, import, configure feeds, see what changed). Funders read neither.
The public `/oruk/` API needs no rule: it serves only services an organisation publishes.
"""

import rules

from alongside.access.models import Role
from alongside.access.permissions import has_role
from alongside.visibility.roles import WORKER_ROLES

DIRECTORY_READERS = WORKER_ROLES | {Role.ASSESSOR, Role.SAFEGUARDING_LEAD, Role.DATA_LEAD}
DIRECTORY_KEEPERS = frozenset({Role.COORDINATOR, Role.DATA_LEAD})

rules.add_rule("directory.read", has_role(DIRECTORY_READERS))
rules.add_rule("directory.edit", has_role(DIRECTORY_KEEPERS))
