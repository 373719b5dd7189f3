"""The needs-and-spends panel on the person page (registered here: people does not import learning).

Both are counted in the funder report, so a worker reaches them from the person's page. The panel
only links: it reads nothing, so the page's query count does not grow with it.
"""

from typing import Any

import rules

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel


def needs_and_spends(membership: Membership, person: Person) -> dict[str, Any]:
    """Whether the viewer works with people (the rule of both pages), and the person."""
    return {
        "person": person,
        "show": rules.test_rule("learning.work_with_person", membership, person),
    }


register_person_panel(
    PersonPanel("needs_and_spends", 15, "learning/partials/person_panel.html", needs_and_spends)
)
