"""Panels on the person page from this app, drawn from the page's own value (`page`):
the planned handover and the worker requests still open; and who may read the person's history
(allocations, and a worker's own legitimate-relationship request or the form to make one)."""

from collections.abc import Mapping
from typing import Any

import rules
from django.conf import settings

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel
from alongside.relationships.forms import HistoryAccessForm
from alongside.relationships.queries import history_access_in_force, open_allocations
from alongside.visibility.people import has_confirmed


def history_access_context(membership: Membership, person: Person) -> Mapping[str, Any]:
    """At most three queries: allocations, the viewer's confirmed relationship, their request."""
    may_allocate = rules.test_rule("relationships.allocate_worker", membership, person)
    allocations = open_allocations(person)
    grant, form = None, None
    if rules.test_rule("relationships.request_history", membership, person):
        grant = history_access_in_force(membership, person)
        if grant is None and not has_confirmed(membership, person):
            form = HistoryAccessForm()
    return {
        "person": person,
        "history_access": {
            "show": bool(may_allocate or allocations or grant or form),
            "may_allocate": may_allocate,
            "allocations": allocations,
            "grant": grant,
            "form": form,
            "days": settings.ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS,
        },
    }


register_person_panel(
    PersonPanel("planned_handover", 50, "relationships/partials/planned_handover_panel.html")
)
register_person_panel(
    PersonPanel(
        "history_access",
        60,
        "relationships/partials/history_access_panel.html",
        history_access_context,
    )
)
register_person_panel(
    PersonPanel("worker_requests", 90, "relationships/partials/open_worker_requests.html")
)
