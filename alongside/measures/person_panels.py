"""The measures panel on the person page, registered here: people does not import measures.

It reads answers through `services.read_latest_answers`, which writes the audit event."""

from typing import Any

import rules

from alongside.access.models import Membership
from alongside.measures import queries, services
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel


def measures(membership: Membership, person: Person) -> dict[str, Any]:
    may_ask = rules.test_rule("measures.ask", membership, person)
    may_read = queries.may_read_answers(membership, person)
    if not (may_ask or may_read):
        return {"show": False}
    latest: list[queries.ScoredResponse] = []
    if may_read:
        latest = services.read_latest_answers(membership, person)
    return {
        "show": True,
        "person": person,
        "may_ask": may_ask,
        "may_read": may_read,
        "latest": latest,
        "due": queries.due_for(person),
    }


register_person_panel(PersonPanel("measures", 20, "measures/partials/person_panel.html", measures))
