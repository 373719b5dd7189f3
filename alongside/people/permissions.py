"""Who may add or change a person's shared record. Predicates take (membership, person)."""

import rules

from alongside.access.models import Role

PERSON_EDITORS = frozenset({Role.SUPPORTER, Role.COORDINATOR, Role.VOLUNTEER})


@rules.predicate
def edits_people(membership, person=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role in PERSON_EDITORS


@rules.predicate
def adds_people(membership, person=None) -> bool:  # type: ignore[no-untyped-def]
    return membership is not None and membership.role in {Role.SUPPORTER, Role.COORDINATOR}


rules.add_rule("people.add_person", adds_people)
rules.add_rule("people.change_person", edits_people)
