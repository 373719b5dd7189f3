from typing import Any

from django.http import HttpRequest

from alongside.access.nav import nav_for


def organisation(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"membership": None, "organisation": None, "nav": ()}
    return {
        "membership": membership,
        "organisation": membership.organisation,
        # Built from the same rules the pages check, only by pages that show it.
        "nav": lambda: list(nav_for(membership)),
    }
