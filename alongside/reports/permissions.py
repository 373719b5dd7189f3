"""Who may read learning reports and write what goes into them. Predicates take (membership, object)."""

import rules

from alongside.access.models import Membership, Role
from alongside.relationships.permissions import is_worker

REPORT_READERS = frozenset({Role.COORDINATOR, Role.DATA_LEAD, Role.FUNDER_VIEWER})


@rules.predicate
def reads_reports(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role in REPORT_READERS


@rules.predicate
def is_coordinator(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role == Role.COORDINATOR


@rules.predicate
def is_data_lead(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.role == Role.DATA_LEAD


rules.add_rule("reports.read", reads_reports)
rules.add_rule("reports.record_story", is_worker)
rules.add_rule("reports.write_learning", is_coordinator)
rules.add_rule("reports.change_settings", is_data_lead)
