from typing import Any

from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"membership": None, "organisation": None}
    from alongside.access.queries import unread_count

    return {
        "membership": membership,
        "organisation": membership.organisation,
        # A callable, so the count is only queried by pages that show it.
        "unread_notifications": lambda: unread_count(membership),
    }
