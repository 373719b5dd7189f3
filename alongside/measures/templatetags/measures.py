"""The measures panel on the person page, kept in this app (people does not import measures).

It reads answers through `services.read_latest_answers`, which writes the audit event."""

from typing import Any

import rules
from django import template

from alongside.measures import queries, services

register = template.Library()


@register.inclusion_tag("measures/partials/person_panel.html", takes_context=True)
def measures_panel(context: template.Context, person: Any) -> dict[str, Any]:
    membership = context.get("membership")
    may_ask = membership is not None and rules.test_rule("measures.ask", membership, person)
    may_read = queries.may_read_answers(membership, person)
    if not (may_ask or may_read):
        return {"show": False}
    latest: list[queries.ScoredResponse] = []
    if may_read and membership is not None:
        latest = services.read_latest_answers(membership, person)
    return {
        "show": True,
        "person": person,
        "may_ask": may_ask,
        "may_read": may_read,
        "latest": latest,
        "due": queries.due_for(person),
    }
