"""`{% can "app.rule" object as allowed %}`: the rule a page checks, asked by the link to it.

Templates test the same named rules as views (`access.decorators`), so an action link is shown
only to those its page lets in: `{% can "relationships.edit_contact" contact as may_change %}`.
"""

import rules
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, rule: str, obj: object = None) -> bool:
    membership = context.get("membership")
    if membership is None:
        membership = getattr(context.get("request"), "membership", None)
    return membership is not None and rules.test_rule(rule, membership, obj)
