"""The connections panel on the person page, kept in this app (people does not import it)."""

from typing import Any

import rules
from django import template

from alongside.connections import queries

register = template.Library()


@register.inclusion_tag("connections/partials/person_panel.html", takes_context=True)
def connections_panel(context: template.Context, person: Any) -> dict[str, Any]:
    """Introductions for this person as the viewer may see them, and "Not available for matching
    or introductions" while they are on a safeguarding hold (nothing for other roles)."""
    membership = context.get("membership")
    if membership is None or not rules.test_rule("connections.use", membership, person):
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "introductions": queries.introductions_for_person(membership, person)[:5],
        "held": queries.is_person_held(person),
    }
