"""Send a user who must use two-step sign-in, and has not set it up, to set it up first."""

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from alongside.access.http import AuthedHttpRequest
from alongside.accounts.policy import has_authenticator_app, two_step_required
from alongside.accounts.services import note_session

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


def took_second_step(request: HttpRequest) -> bool:
    """Did this session's sign-in (or a later check) take the second step? allauth records each
    step in the session: a TOTP or recovery code is a "mfa" record."""
    return any(
        step.get("method") == "mfa" for step in get_authentication_records(request, request.user)
    )


class AdminTwoStepMiddleware:
    """The Django admin opens only to a session that took the second step (decision 0026).

    Its login is allauth's (config/urls.py), but staff accounts usually belong to no
    organisation, so no organisation's policy asks them for a code: here the admin does. A staff
    user with no authenticator app is sent to set one up; one whose session did not use it (a
    sign-in by some other path) is asked for a code, and comes back. Anyone else goes on to the
    admin, which sends the signed-out to /login/ and refuses who is not staff.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        try:  # per request: a URL configuration without the admin (some tests) has nothing to guard
            prefix = reverse("admin:index")
        except NoReverseMatch:
            return self.get_response(request)
        if (
            request.path.startswith(prefix)
            and user.is_authenticated
            and user.is_staff
            and not took_second_step(request)
        ):
            if not has_authenticator_app(user):
                return redirect("accounts:two_step_needed")
            coming_back = request.get_full_path() if request.method == "GET" else prefix
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': coming_back})}")
        return self.get_response(request)


class SessionListMiddleware:
    """Keeps each signed-in browser's row for "Your sessions" (`services.note_session`): after
    the view, so a sign-in, a sign-out or a changed session key in this request is seen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if hasattr(request, "session") and request.user.is_authenticated:
            note_session(request)
        return response
