"""A request id on every request, so audit events and logs from one request can be tied together."""

import codecs
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParser
from django.utils.cache import patch_cache_control
from django.utils.http import parse_header_parameters

from alongside.common.links import client_ip
from alongside.common.request_context import (
    new_request_id,
    note_user,
    request_context,
    request_facts,
)

security_logger = logging.getLogger("alongside.security")

# Answers a security team wants to see: refused, not found (the app's answer when a record exists
# but is not the viewer's to see) and rate-limited. Logged as warnings with the path, never the
# query string (it can hold a name or a voucher code); the log line adds the user and request id.
REFUSALS = {403: "refused", 404: "not found", 429: "rate limited"}


class RequestIdMiddleware:
    """Give each request an id: on `request.request_id`, in the `X-Request-Id` response header,
    and as the current request id (read by `audit.services.record` and the logs) until the
    response is made; and the client's address as the request's facts (`request_context`).

    A 403, 404 or 429 answer not already logged (Django logs those raised as exceptions inside
    the view, while the request's context is still current) is logged here, inside it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = new_request_id()  # type: ignore[attr-defined]
        with request_context(request.request_id), request_facts(client_ip(request)):  # type: ignore[attr-defined]
            response = self.get_response(request)
            log_refusal(request, response)
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        return response


def log_refusal(request: HttpRequest, response: HttpResponse) -> None:
    """A warning for a refused, not-found or rate-limited answer, once (Django's own
    `log_response` skips a response marked as logged)."""
    what = REFUSALS.get(response.status_code)
    if what is None:
        return
    if getattr(response, "alongside_secret_path", False):  # a one-time link (`links.private`)
        path = "(a one-time link: its path is not logged)"
    elif getattr(response, "_has_been_logged", False):
        return
    else:
        path = request.path
    security_logger.warning("%s (%s): %s %s", what, response.status_code, request.method, path)
    response._has_been_logged = True  # type: ignore[attr-defined]


class LogUserMiddleware:
    """After authentication: the signed-in user's numeric id into the request's facts, for the
    logs. Only the id: never a name, username or email address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        note_user(user.pk if user is not None and user.is_authenticated else None)
        return self.get_response(request)


# Sent with the answer to any request that signed a user out (issue 18, item 3).
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class NoStoreMiddleware:
    """Every response Django makes is `Cache-Control: no-store, private`: a shared computer's
    browser keeps no copy of a page to show the next person (by Back, history or the disk
    cache). Static files never reach this middleware: WhiteNoise, before it, serves them.
    Decision 0013. The answer to a request that signed someone out (`apps._mark_signed_out`)
    also carries `Clear-Site-Data`, so the browser drops its cache, cookies and storage."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        if getattr(request, "alongside_signed_out", False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


def body_problem(request: HttpRequest) -> str | None:
    """Why a request's body can't be read, judged from its Content-Type alone; None when it can.

    A charset Python does not know, a non-ASCII type or multipart without a usable boundary would
    otherwise fail deep inside whatever first reads the body (the CSRF check, a form, the API) as
    a server error (issue 11, part 5)."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if not content_type.isascii():
        return "The Content-Type header must be plain ASCII."
    kind, params = parse_header_parameters(content_type)
    charset = params.get("charset")
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            return f"Unknown charset {charset!r} in the Content-Type header."
    if kind == "multipart/form-data":
        boundary = params.get("boundary", "")
        if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
            return "A multipart body needs a boundary in its Content-Type header."
    return None


# Methods no page answers: TRACE would echo the request (cookies included) back (ASVS 13.4.4).
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})


class RequestBodyMiddleware:
    """Answer 400, in words, a request whose body no one could read (`body_problem`); 405 to
    TRACE, TRACK and CONNECT, which nothing here answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in REFUSED_METHODS:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"])
        problem = body_problem(request)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
