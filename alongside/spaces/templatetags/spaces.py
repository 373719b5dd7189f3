"""The spaces panel on the person page, kept in this app (people does not import spaces)."""

from typing import Any

import rules
from django import template
from django.utils import timezone

from alongside.spaces.queries import person_engagement, tie_counts_visible_to

register = template.Library()


@register.inclusion_tag("spaces/partials/person_panel.html", takes_context=True)
def spaces_panel(context: template.Context, person: Any) -> dict[str, Any]:
    """Spaces the person comes to and how regularly (workers); their latest count of informal
    ties (only for those in their support sphere: `ties` is None for everyone else)."""
    membership = context.get("membership")
    if membership is None or not rules.test_rule("spaces.see", membership, person):
        return {"show": False}
    ties = None
    if rules.test_rule("spaces.support_sphere", membership, person):
        ties = (
            tie_counts_visible_to(membership)
            .filter(person=person)
            .order_by("-counted_on", "-id")
            .first()
            or False
        )
    return {
        "show": True,
        "person": person,
        "rows": person_engagement(person, today=timezone.localdate()),
        "ties": ties,
    }
