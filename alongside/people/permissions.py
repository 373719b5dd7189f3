"""Who may add or change a person's shared record. Predicates take (membership, person)."""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Role
from alongside.access.permissions import has_role
from alongside.access.roles import SEES_ALL_PEOPLE, SEES_OWN_PEOPLE

if TYPE_CHECKING:
    from alongside.people.models import Person


PERSON_EDITORS = frozenset({Role.SUPPORTER, Role.COORDINATOR, Role.VOLUNTEER})


@rules.predicate
def edits_people(membership: Membership | None, person: "Person | None" = None) -> bool:
    return membership is not None and membership.role in PERSON_EDITORS


@rules.predicate
def adds_people(membership: Membership | None, person: "Person | None" = None) -> bool:
    return membership is not None and membership.role in {Role.SUPPORTER, Role.COORDINATOR}


@rules.predicate
def is_data_lead(membership: Membership | None, person: "Person | None" = None) -> bool:
    return membership is not None and membership.role == Role.DATA_LEAD


rules.add_rule("people.add_person", adds_people)
# Finding people by name: every role that sees people (all of them, or only their own).
rules.add_rule("people.find", has_role(SEES_ALL_PEOPLE, SEES_OWN_PEOPLE))
rules.add_rule("people.change_person", edits_people)


@rules.predicate
def holds_support_for(membership: Membership | None, person: "Person") -> bool:
    """Supporters who work with the person, and coordinators of the person's team."""
    if membership is None:
        return False
    if membership.role == Role.COORDINATOR:
        return membership.team_id is None or membership.team_id == person.team_id
    if membership.role == Role.SUPPORTER:
        from alongside.people.queries import works_with_q

        return type(person).objects.filter(works_with_q(membership.user_id), pk=person.pk).exists()
    return False


rules.add_rule("people.record_consent", holds_support_for)
rules.add_rule("people.see_access_log", holds_support_for | is_data_lead)
