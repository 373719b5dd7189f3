"""The connections panel on the person page (registered here: people does not import connections)."""

from typing import Any

import rules

from alongside.access.models import Membership
from alongside.connections import queries
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel


def connections_panel(membership: Membership, person: Person) -> dict[str, Any]:
    """Introductions for this person as the viewer may see them, and "Not available for matching
    or introductions" while they are on a safeguarding hold (nothing for other roles)."""
    if not rules.test_rule("connections.use", membership, person):
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "introductions": queries.introductions_for_person(membership, person)[:5],
        "held": queries.is_person_held(person),
    }


register_person_panel(
    PersonPanel("connections", 40, "connections/partials/person_panel.html", connections_panel)
)
