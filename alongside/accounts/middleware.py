"""Send a user who must use two-step sign-in, and has not set it up, to set it up first."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from alongside.access.http import AuthedHttpRequest
from alongside.accounts.policy import has_authenticator_app, two_step_required

# The session remembers that this user has an authenticator, so most requests cost no query.
# Removing the authenticator clears it (accounts.signals); a lead cannot remove theirs.
SESSION_KEY = "alongside.two_step_ready"
# Pages a user may reach before setting up the second step: setting it up, signing out, the
# account pages allauth needs on the way (reauthentication, passwords), and static files.
OPEN_PREFIXES = ("/account/", "/login/", "/logout/")


class TwoStepRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: AuthedHttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.session.get(SESSION_KEY)
            and two_step_required(request.membership)
            and not request.path.startswith((*OPEN_PREFIXES, f"/{settings.STATIC_URL}"))
        ):
            if not has_authenticator_app(request.user):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Set up two-step sign-in in the app first."}, status=403
                    )
                return redirect("accounts:two_step_needed")
            request.session[SESSION_KEY] = True
        return self.get_response(request)
