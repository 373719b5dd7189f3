"""A request id on every request, so audit events and logs from one request can be tied together."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

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
