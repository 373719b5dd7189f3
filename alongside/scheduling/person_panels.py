"""The appointments panel on the person page (registered here: people does not import scheduling)."""

from typing import Any

import rules

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel
from alongside.scheduling.queries import upcoming_for_person


def appointments_panel(membership: Membership, person: Person) -> dict[str, Any]:
    """The person's upcoming appointments, and whether the viewer may book one."""
    return {
        "person": person,
        "appointments": list(upcoming_for_person(person)),
        "may_book": rules.test_rule("scheduling.book", membership, person),
    }


register_person_panel(
    PersonPanel(
        "appointments", 10, "scheduling/partials/person_appointments.html", appointments_panel
    )
)
