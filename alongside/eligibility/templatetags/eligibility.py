"""`{% eligibility_panel person %}`: a person's vouchers, only for roles that read the eligibility sphere.

The tag takes the viewer from `request.membership` in the context, so the person page needs no
eligibility code. For assessors: one query, and one `eligibility.voucher.viewed` audit event when
there is something to show, both in `services.read_vouchers_for_person` (a fixed number of queries however many vouchers). Nothing at all for
anyone else.
"""

from typing import Any

from django import template

from alongside.eligibility.queries import reads_eligibility
from alongside.eligibility.services import read_vouchers_for_person

register = template.Library()


@register.inclusion_tag("eligibility/partials/vouchers_panel.html", takes_context=True)
def eligibility_panel(context: template.Context, person: Any) -> dict[str, Any]:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if person is None or membership is None or not reads_eligibility(membership):
        return {"show": False}
    vouchers = read_vouchers_for_person(membership, person.pk)
    return {"show": True, "vouchers": vouchers}
