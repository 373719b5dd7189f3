"""A suite-wide check (used as an autouse fixture by `alongside/conftest.py`): every audit event
written while a request is served carries that request's id, the one in its `X-Request-Id`
header, and the client's address. So every view test that writes, in every app, also proves
decisions 0007 and 0023.

It listens to AuditEvent saves rather than querying, so it adds no queries to query-count guards.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse

from alongside.audit.models import AuditEvent
from alongside.common.links import client_ip
from alongside.common.middleware import RequestIdMiddleware


@pytest.fixture(autouse=True)
def audit_events_carry_the_request_id(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original: Callable[[RequestIdMiddleware, HttpRequest], HttpResponse] = (
        RequestIdMiddleware.__call__
    )

    def checked(self: RequestIdMiddleware, request: HttpRequest) -> HttpResponse:
        written: list[AuditEvent] = []

        def collect(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
            if created:
                written.append(instance)

        post_save.connect(collect, sender=AuditEvent, weak=False)
        try:
            response = original(self, request)
        finally:
            post_save.disconnect(collect, sender=AuditEvent)
        address = client_ip(request)
        wrong = [
            (event.action, event.request_id, event.source_address)
            for event in written
            if (event.request_id, event.source_address) != (response["X-Request-Id"], address)
        ]
        assert not wrong, f"audit events without this request's id and address: {wrong}"
        return response

    monkeypatch.setattr(RequestIdMiddleware, "__call__", checked)
    yield
