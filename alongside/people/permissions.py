"""Who may add or change a person's shared record. Predicates take (membership, person)."""

from typing import TYPE_CHECKING

import rules

from alongside.access.models import Membership, Role
from alongside.access.permissions import has_role
from alongside.visibility.people import has_confirmed
from alongside.visibility.roles import FINDS_PEOPLE_BY_IDENTITY, SEES_ALL_PEOPLE, SEES_OWN_PEOPLE
from alongside.visibility.support import coordinates

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
# Finding people: every role that sees people (all of them, or only their own), and the data
# lead, who finds them by identity only (decision 0038).
rules.add_rule("people.find", has_role(SEES_ALL_PEOPLE, SEES_OWN_PEOPLE, FINDS_PEOPLE_BY_IDENTITY))
# Opening a found person's record (the data lead's results open "who saw this record" instead).
rules.add_rule("people.open_record", has_role(SEES_ALL_PEOPLE, SEES_OWN_PEOPLE))
rules.add_rule("people.change_person", edits_people)


@rules.predicate
def holds_support_for(membership: Membership | None, person: "Person") -> bool:
    """Supporters with a confirmed relationship with the person (`visibility.people.confirmed_q`:
    never just a contact they recorded, or they could record a consent for themselves), and
    coordinators of the person's team."""
    if membership is None:
        return False
    if membership.role == Role.COORDINATOR:
        return coordinates(membership, person)
    if membership.role == Role.SUPPORTER:
        return has_confirmed(membership, person)
    return False


rules.add_rule("people.record_consent", holds_support_for)
rules.add_rule("people.see_access_log", holds_support_for | is_data_lead)
