"""The appointments panel on the person page, kept in this app (people does not import scheduling)."""

from typing import Any

import rules
from django import template

from alongside.scheduling.queries import upcoming_for_person

register = template.Library()


@register.inclusion_tag("scheduling/partials/person_appointments.html", takes_context=True)
def person_appointments(context: template.Context, person: Any) -> dict[str, Any]:
    membership = context.get("membership")
    return {
        "person": person,
        "appointments": list(upcoming_for_person(person)),
        "may_book": membership is not None
        and rules.test_rule("scheduling.book", membership, person),
    }
