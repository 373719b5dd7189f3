"""The request id of the work in hand, so every audit event written while serving one request
(or running one task or command) carries the same id as its logs and its `X-Request-Id` header.

`RequestIdMiddleware` sets it for the duration of a request; tasks and commands may set their
own with `request_context`. Outside any of those it is empty (decision 0007).

Beside it, the request's `RequestFacts`: the client's address (set by `RequestIdMiddleware`
from `common.links.client_ip`) and the signed-in user's numeric id (set by `LogUserMiddleware`
once authentication has run). Logs carry all three (`common/logs.py`); audit events carry the
request id and the address (decision 0023). Never a name or an email address.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(slots=True)
class RequestFacts:
    """What the logs and the audit log may say about who made the request in hand."""

    client_address: str = ""
    user_id: int | None = None


_request_id: ContextVar[str] = ContextVar("alongside_request_id", default="")
_facts: ContextVar[RequestFacts | None] = ContextVar("alongside_request_facts", default=None)


def current_facts() -> RequestFacts:
    """The request's facts; empty ones outside a request (tasks, commands)."""
    return _facts.get() or RequestFacts()


@contextmanager
def request_facts(client_address: str) -> Iterator[RequestFacts]:
    """Make fresh facts, with the client's address, current until the block ends. The user's id is
    filled in later (`note_user`), on the same object, so it outlives inner middleware."""
    facts = RequestFacts(client_address=client_address)
    token = _facts.set(facts)
    try:
        yield facts
    finally:
        _facts.reset(token)


def note_user(user_id: int | None) -> None:
    """Record the signed-in user's id in the request's facts (nothing outside a request)."""
    facts = _facts.get()
    if facts is not None:
        facts.user_id = user_id


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
