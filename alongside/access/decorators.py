"""Checking a named rule in a view; everyone it refuses gets 404, so what exists stays hidden."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

import rules
from django.http import Http404
from django.http.response import HttpResponseBase

from alongside.access.http import AuthedHttpRequest
from alongside.access.models import Membership

# A view answers with a page, a redirect or a streamed download (HttpResponseBase covers each).
View = Callable[Concatenate[AuthedHttpRequest, ...], HttpResponseBase]


def rule_required(name: str) -> Callable[[View], View]:
    """Decorate a view whose rule needs no object: `@rule_required("eligibility.use")`.

    The rule's name is kept on the view as `rule` (the access matrix test reads it)."""
    if not rules.rule_exists(name):
        raise LookupError(f"no rule named {name!r}: add it to the app's permissions.py")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: AuthedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require_rule(name, request.membership)
            return view(request, *args, **kwargs)

        wrapped.__dict__["rule"] = name
        return wrapped

    return decorator


def require_rule(name: str, membership: Membership | None, obj: object = None) -> None:
    """404 unless the rule allows it: refusing must not reveal what exists."""
    if membership is None or not rules.test_rule(name, membership, obj):
        raise Http404
