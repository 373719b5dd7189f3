"""One-time link tokens and their rate limit: a small equivalent of the measures link.

The token is random and shown once; only its SHA-256 is stored. Requests are counted per client
IP and per token (hashed) in the cache. Responses carrying a token in their path are marked as
logged so Django's request logging never writes the token.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache
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
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _hit(key: str, limit: int) -> bool:
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > limit


def rate_limited(request: HttpRequest, token: str) -> bool:
    over_ip = _hit(f"connections:rate:ip:{client_ip(request)}", RATE_PER_IP)
    over_token = _hit(f"connections:rate:token:{hash_token(token)}", RATE_PER_TOKEN)
    return over_ip or over_token


def private(response: HttpResponse) -> HttpResponse:
    """No caching, no referrer beyond this site, no indexing, and the path (holding the token)
    kept out of the logs."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
