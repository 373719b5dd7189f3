"""Public one-time links (questionnaires, introductions): tokens, their rate limit and privacy.

A token is random and shown once; only its SHA-256 is stored. Requests are counted per client
address and per token in `RateCount` rows, so the limit holds across every app server and
process (a per-process cache would multiply it by the number of workers). Responses that carry a
token in their path are marked as logged so Django's request logging never writes the token.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

TOKEN_BYTES = 32
RATE_WINDOW_SECONDS = 600
RATE_PER_IP = 60
RATE_PER_TOKEN = 20


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR (behind a proxy, the proxy must set it to the client's address)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def count_hit(key: str, *, now: float | None = None) -> int:
    """Count one request against `key` in the current window and return the window's count.

    Safe under concurrent requests: the increment is one UPDATE whose row lock is held until the
    count is read back, and two first requests racing to create the row fall back to the increment.
    """
    from alongside.common.models import RateCount

    digest = hashlib.sha256(key.encode()).hexdigest()
    window = int((time.time() if now is None else now) // RATE_WINDOW_SECONDS)
    rows = RateCount.objects.filter(key=digest, window=window)
    with transaction.atomic():  # the row stays locked from the increment until it is read back
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=digest, window=window, count=1)
            except IntegrityError:
                rows.update(count=F("count") + 1)
            else:
                RateCount.objects.filter(window__lt=window - 1).delete()
        return int(rows.values_list("count", flat=True).get())


def rate_limited(request: HttpRequest, token: str, *, scope: str) -> bool:
    """True when this client address or this token is over its limit for the window."""
    over_ip = count_hit(f"{scope}:ip:{client_ip(request)}") > RATE_PER_IP
    over_token = count_hit(f"{scope}:token:{hash_token(token)}") > RATE_PER_TOKEN
    return over_ip or over_token


def private(response: HttpResponse) -> HttpResponse:
    """No caching, no referrer beyond this site, no indexing, and the path (holding the token)
    kept out of the logs (Django logs every 4xx with its path, and a token is still usable after
    a 400 or 429)."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # no-referrer would send Origin: null and fail CSRF
    response["X-Robots-Tag"] = "noindex"
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
