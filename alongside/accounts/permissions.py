"""Rules for the account pages. Everyone signed in sees their own; the data lead sees everyone's."""

import rules

from alongside.access.permissions import is_data_lead, is_member

rules.add_rule("accounts.see_own_sign_ins", is_member)
rules.add_rule("accounts.see_organisation_sign_ins", is_data_lead)
