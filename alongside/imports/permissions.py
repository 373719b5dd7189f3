"""Who may bring records in: the data lead only (docs/access-and-audit.md). An import writes
records for the whole organisation, so it belongs with the role that answers for its data."""

import rules

from alongside.access.permissions import is_data_lead

rules.add_rule("imports.import", is_data_lead)
