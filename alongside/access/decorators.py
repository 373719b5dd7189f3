"""View decorators: a view states which roles may use it; everyone else gets 404."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def role_required(
    roles: Iterable[str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator


def require_rule(name: str, membership: Any, obj: Any = None) -> None:
    """404 unless the rule allows it: refusing must not reveal what exists."""
    import rules

    if membership is None or not rules.test_rule(name, membership, obj):
        raise Http404
