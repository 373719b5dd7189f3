"""Who may make and download the whole organisation's archive: its data lead (decision 0055)."""

import rules

from alongside.access.permissions import is_data_lead

rules.add_rule("archive.export", is_data_lead)
