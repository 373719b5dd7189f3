"""Attach the user's membership of the organisation they are working in to each request."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse

from alongside.access.http import AuthedHttpRequest
from alongside.access.queries import current_membership

SESSION_KEY = "organisation_id"


class OrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: AuthedHttpRequest) -> HttpResponse:
        membership = current_membership(request.user, request.session.get(SESSION_KEY))
        if membership is not None and isinstance(request.user, User):
            # The membership's user is the signed-in user, already read: not read again.
            membership.user = request.user
        request.membership = membership
        return self.get_response(request)
