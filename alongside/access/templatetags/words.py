"""`{% word "close_reason" need.close_reason %}`: a code shown in the organisation's own word.

The organisation is the signed-in membership's (or `organisation_id` in the context, for pages
without one, such as a receiving service's link). Decision 0088.
"""

from django import template

from alongside.access.words import request_labels

register = template.Library()


@register.simple_tag(takes_context=True)
def word(context: template.Context, key: str, code: str | None) -> str:
    if not code:
        return ""
    request = context.get("request")
    organisation_id = context.get("organisation_id")
    if organisation_id is None:
        membership = context.get("membership") or getattr(request, "membership", None)
        organisation_id = getattr(membership, "organisation_id", None)
    if organisation_id is None:
        raise template.TemplateSyntaxError("{% word %} needs a membership or organisation_id")
    return request_labels(request, organisation_id, key).get(code, code)
