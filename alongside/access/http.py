"""The request as Alongside's middleware leaves it, so views are typed without `type: ignore`.

`OrganisationMiddleware` sets `membership`, django-htmx's middleware sets `htmx` and
`RequestIdMiddleware` sets `request_id` (the pattern django-htmx documents for `HtmxHttpRequest`).
"""

from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from alongside.access.models import Membership


class AuthedHttpRequest(HttpRequest):
    membership: Membership | None
    htmx: HtmxDetails
    request_id: str


def membership_of(request: AuthedHttpRequest) -> Membership:
    """The request's membership, or 404 for someone who belongs to no organisation here."""
    if request.membership is None:
        raise Http404
    return request.membership
