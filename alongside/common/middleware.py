"""A request id on every request, so audit events and logs from one request can be tied together."""

import codecs
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParser
from django.utils.cache import patch_cache_control
from django.utils.http import parse_header_parameters

from alongside.common.request_context import new_request_id, request_context


class RequestIdMiddleware:
    """Give each request an id: on `request.request_id`, in the `X-Request-Id` response header,
    and as the current request id (read by `audit.services.record`) until the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = new_request_id()  # type: ignore[attr-defined]
        with request_context(request.request_id):  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        return response


class NoStoreMiddleware:
    """Every response Django makes is `Cache-Control: no-store, private`: a shared computer's
    browser keeps no copy of a page to show the next person (by Back, history or the disk
    cache). Static files never reach this middleware: WhiteNoise, before it, serves them.
    Decision 0013."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
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
