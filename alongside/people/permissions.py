"""Who may add or change a person's shared record. Predicates take (membership, person)."""

import rules

from alongside.access.models import Role
from alongside.visibility.people import works_with
from alongside.visibility.support import coordinates

PERSON_EDITORS = frozenset({Role.SUPPORTER, Role.COORDINATOR, Role.VOLUNTEER})


@rules.predicate
def edits_people(membership, person=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role in PERSON_EDITORS


@rules.predicate
def adds_people(membership, person=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role in {Role.SUPPORTER, Role.COORDINATOR}


@rules.predicate
def is_data_lead(membership, person=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role == Role.DATA_LEAD


rules.add_rule("people.add_person", adds_people)
rules.add_rule("people.change_person", edits_people)


@rules.predicate
def holds_support_for(membership, person) -> bool:  # type: ignore[no-untyped-def]
    """Supporters who work with the person, and coordinators of the person's team."""
    if membership is None:
        return False
    if membership.role == Role.COORDINATOR:
        return coordinates(membership, person)
    if membership.role == Role.SUPPORTER:
        return works_with(membership, person)
    return False


rules.add_rule("people.record_consent", holds_support_for)
rules.add_rule("people.see_access_log", holds_support_for | is_data_lead)
