"""The request id of the work in hand, so every audit event written while serving one request
(or running one task or command) carries the same id as its logs and its `X-Request-Id` header.

`RequestIdMiddleware` sets it for the duration of a request; tasks and commands may set their
own with `request_context`. Outside any of those it is empty (decision 0007).
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("alongside_request_id", default="")


def current_request_id() -> str:
    """The id of the request, task or command being served; "" when there is none."""
    return _request_id.get()


@contextmanager
def request_context(request_id: str) -> Iterator[str]:
    """Make `request_id` the current one until the block ends (nested blocks restore the outer)."""
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


def new_request_id(prefix: str = "") -> str:
    """A fresh id: 32 hex digits, after `prefix` (e.g. `cli:`) when given."""
    return f"{prefix}{uuid.uuid4().hex}"


@contextmanager
def own_request_id(prefix: str) -> Iterator[str]:
    """Keep the current request id, or (outside any) give this block a new one after `prefix`:
    tasks use `task:`, the command line `cli:`, so one run's audit events can be tied together."""
    with request_context(current_request_id() or new_request_id(prefix)) as request_id:
        yield request_id
