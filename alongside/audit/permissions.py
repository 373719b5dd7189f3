"""Who may read the audit log: the data lead, for their organisation (decision 0012)."""

import rules

from alongside.access.permissions import is_data_lead

rules.add_rule("audit.read_log", is_data_lead)
