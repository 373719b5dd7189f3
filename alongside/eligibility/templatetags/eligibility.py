"""`{% eligibility_panel person %}`: a person's vouchers, only for roles that read the eligibility sphere.

The tag takes the viewer from `request.membership` in the context, so the person page needs no
eligibility code. For assessors: one query, and one `eligibility.voucher.viewed` audit event when
there is something to show (a fixed number of queries however many vouchers). Nothing at all for
anyone else.
"""

from typing import Any

from django import template

from alongside.audit.services import record_read
from alongside.eligibility.models import Voucher
from alongside.eligibility.queries import reads_eligibility, vouchers_for_person

register = template.Library()


@register.inclusion_tag("eligibility/partials/vouchers_panel.html", takes_context=True)
def eligibility_panel(context: template.Context, person: Any) -> dict[str, Any]:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if person is None or membership is None or not reads_eligibility(membership):
        return {"show": False}
    vouchers = list(vouchers_for_person(membership, person.pk))
    record_read(
        Voucher,
        [voucher.pk for voucher in vouchers],
        by=membership.user,
        organisation_id=membership.organisation_id,
        person_id=person.pk,
        request_id=getattr(request, "request_id", ""),
    )
    return {"show": True, "vouchers": vouchers}
