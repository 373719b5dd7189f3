"""Sessions on shared computers and the kiosk (decision 0013).

- `IdleSignOutMiddleware`: a signed-in session with no request for
  `settings.ALONGSIDE_SESSION_IDLE_MINUTES` is ended, and the browser is sent to the plain
  "you were signed out because you were away" page. htmx requests are told where to go
  (`HX-Redirect`) instead of being handed a page to swap into a fragment, both then and
  whenever a signed-out htmx request would be redirected to the sign-in page.
- The kiosk lock: `lock_for_kiosk(request, paths)` marks the session as handed over (a person
  holds the tablet). `KioskLockMiddleware` then lets through only those paths, the unlock page
  and signing out; every other URL goes to the unlock page, where the worker types their
  password again (`unlock`). The session key changes on both steps, so nothing the browser
  kept from before the hand-over belongs to the session that follows it.
- The API (/api/v1/) is for programs, not browsers: an idle API call ends the session and then
  gets the API's own answer to a caller not signed in (401 `{"detail": "Unauthorized"}`), and a
  call while the session is handed over gets that same 401, never a redirect to a page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_htmx.http import HttpResponseClientRedirect

LAST_SEEN = "alongside_last_seen"
STARTED = "alongside_session_started"  # when this signed-in session began (the absolute limit)
# The last-seen time is written at most this often, so an ordinary page does not save the
# session on every request; the idle limit is therefore exact to within this many seconds.
LAST_SEEN_EVERY_SECONDS = 60
KIOSK = "alongside_kiosk"
KIOSK_TRIES = 5


def is_htmx(request: HttpRequest) -> bool:
    """Read the header itself: these middlewares run before django-htmx's sets `request.htmx`."""
    return request.headers.get("HX-Request") == "true"


def go_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect a browser follows, and htmx too: htmx gets `HX-Redirect` and no page to swap."""
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def is_api(request: HttpRequest) -> bool:
    """A call to the REST API (config/api.py), which answers in JSON rather than with pages."""
    return request.path_info.startswith(reverse("api:api-root"))


def api_unauthorized() -> HttpResponse:
    """What django-ninja's session auth answers a caller not signed in, byte for byte."""
    return JsonResponse(
        {"detail": "Unauthorized"}, status=401, content_type="application/json; charset=utf-8"
    )


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """`candidate` when it is a path on this site, else None."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def with_next(url: str, next_path: str | None) -> str:
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def _coming_back_to(request: HttpRequest) -> str | None:
    """The page to return to after signing in or unlocking: only a plain page load, and only its
    path: a query string may hold a name searched for, which the page after must not show."""
    if request.method == "GET" and not is_htmx(request):
        return request.path
    return None


class IdleSignOutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        if request.user.is_authenticated:
            last_seen = request.session.get(LAST_SEEN)
            idle_limit = settings.ALONGSIDE_SESSION_IDLE_MINUTES * 60
            started = request.session.get(STARTED)
            max_age = settings.ALONGSIDE_SESSION_MAX_HOURS * 3600
            if started is not None and now - float(started) > max_age:
                # However busy, a session ends after the absolute limit (ASVS 7.3.2): sign in again.
                coming_back = _coming_back_to(request)
                logout(request)
                if is_api(request):
                    return self.get_response(request)
                return go_to(request, with_next(resolve_url(settings.LOGIN_URL), coming_back))
            if last_seen is not None and now - float(last_seen) > idle_limit:
                coming_back = _coming_back_to(request)
                logout(request)
                if is_api(request):
                    # Signed out now: the API answers as to anyone not signed in (401, JSON).
                    return self.get_response(request)
                away = reverse("access:signed_out_away")
                return go_to(request, with_next(away, coming_back))
        response = self.get_response(request)
        if request.user.is_authenticated:  # also just after signing in
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is None or now - float(last_seen) >= LAST_SEEN_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
            if STARTED not in request.session:
                request.session[STARTED] = now
        elif (
            is_htmx(request)
            and isinstance(response, HttpResponseRedirect)
            and response.url.startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response.url)
        return response


# The kiosk --------------------------------------------------------------------------------------


def lock_for_kiosk(request: HttpRequest, paths: Iterable[str]) -> None:
    """Hand the tablet over: from now on only `paths` open until the worker unlocks."""
    if request.session.get(KIOSK) is None:
        request.session.cycle_key()
    request.session[KIOSK] = {"paths": sorted(set(paths)), "failures": 0}


def kiosk_locked(request: HttpRequest) -> bool:
    return request.session.get(KIOSK) is not None


def unlock(request: HttpRequest, password: str) -> bool | None:
    """The worker's password ends the hand-over (True). A wrong one counts (False); the
    `KIOSK_TRIES`th wrong one ends the session itself (None), so the person holding the tablet
    cannot keep guessing."""
    user = request.user
    found = authenticate(request, username=user.get_username(), password=password)
    if found is not None and found.pk == user.pk:
        del request.session[KIOSK]
        request.session.cycle_key()
        return True
    state = dict(request.session[KIOSK])
    state["failures"] = int(state.get("failures", 0)) + 1
    if state["failures"] >= KIOSK_TRIES:
        logout(request)
        return None
    request.session[KIOSK] = state
    return False


def _paths(names: Iterable[str]) -> set[str]:
    """The paths of the URL names that exist (signing out may be renamed by another sign-in)."""
    found = set()
    for name in names:
        try:
            found.add(reverse(name))
        except NoReverseMatch:
            continue
    return found


class KioskLockMiddleware:
    ALWAYS_OPEN = (
        "access:kiosk_unlock",
        "access:signed_out_away",
        "access:logout",
        "account_logout",  # django-allauth's name for signing out, if it is installed
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = request.session.get(KIOSK) if hasattr(request, "session") else None
        if state is not None and request.user.is_authenticated:
            always = _paths(self.ALWAYS_OPEN)
            if request.path not in always and request.path not in state["paths"]:
                if is_api(request):
                    return api_unauthorized()
                unlock_url = reverse("access:kiosk_unlock")
                return go_to(request, with_next(unlock_url, _coming_back_to(request)))
        return self.get_response(request)
