"""Who has an inbox. Coordinators, safeguarding leads and data leads see the work waiting for
their team or organisation ("Inbox"); supporters and volunteers see their own ("To do").

What each item links to is guarded by that page's own rule, tested item by item in
`inbox.queries` (so the inbox never offers a link that would 404)."""

import rules

from alongside.access.models import Role
from alongside.access.permissions import has_role
from alongside.relationships.permissions import assigns_for_team

LEADS_INBOX = frozenset({Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.DATA_LEAD})
OWN_TO_DO = frozenset({Role.SUPPORTER, Role.VOLUNTEER})

rules.add_rule("inbox.team", has_role(LEADS_INBOX))
rules.add_rule("inbox.own", has_role(OWN_TO_DO))
rules.add_rule("inbox.see", has_role(LEADS_INBOX | OWN_TO_DO))
# Telling a named worker that someone may need them: the coordinator of the person's team.
rules.add_rule("inbox.tell_named_worker", assigns_for_team)
