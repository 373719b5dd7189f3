"""The measures panel on the person page, kept in this app (people does not import measures)."""

from typing import Any

import rules
from django import template

from alongside.audit.services import record_read
from alongside.measures import queries
from alongside.measures.models import Response

register = template.Library()


@register.inclusion_tag("measures/partials/person_panel.html", takes_context=True)
def measures_panel(context: template.Context, person: Any) -> dict[str, Any]:
    membership = context.get("membership")
    may_ask = membership is not None and rules.test_rule("measures.ask", membership, person)
    may_read = queries.may_read_answers(membership, person)
    if not (may_ask or may_read):
        return {"show": False}
    latest: list[queries.ScoredResponse] = []
    if may_read:
        latest = queries.latest_per_instrument(queries.person_responses(membership, person))
        request = context.get("request")
        if latest and request is not None:
            record_read(
                Response,
                [row.response.pk for row in latest],
                by=request.user,
                organisation_id=membership.organisation_id,
                person_id=person.pk,
                request_id=str(getattr(request, "request_id", "")),
            )
    return {
        "show": True,
        "person": person,
        "may_ask": may_ask,
        "may_read": may_read,
        "latest": latest,
        "due": queries.due_for(person),
    }
