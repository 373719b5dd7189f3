"""Who may act on a person's rights: the data lead only. Predicates take (membership, object)."""

import rules

from alongside.access.models import Membership, Role


@rules.predicate
def is_data_lead(membership: Membership | None, obj: object = None) -> bool:
    if membership is None or membership.role != Role.DATA_LEAD:
        return False
    organisation_id = getattr(obj, "organisation_id", None)
    return obj is None or organisation_id == membership.organisation_id


rules.add_rule("rights.handle", is_data_lead)
