"""Public one-time links (questionnaires, introductions): tokens, their rate limit and privacy.

A token is random and shown once; only its SHA-256 is stored. Requests are counted in
`RateCount` rows, so the limit holds across every app server and process (a per-process cache
would multiply it by the number of workers): a token that exists counts against its own limit
only, and an unknown token against the client's address. So people guessing tokens behind one
shared connection (a café's Wi-Fi) are slowed down without blocking anyone else's valid link
there (decision 0014). The client's address is REMOTE_ADDR, or, when REMOTE_ADDR is one of
`settings.ALONGSIDE_TRUSTED_PROXIES`, found in X-Forwarded-For by walking from the right past
our own proxies. Responses that carry a token in their path are marked as logged so Django's
request logging never writes the token.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import time
from functools import lru_cache

from django.conf import settings
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


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, unless that is one of our trusted proxies.

    Then X-Forwarded-For is walked from the right (each proxy appends the address it saw) past
    our own proxies; the first address that is not one of them is the client. Anything the client
    wrote into the header itself stands to the left of that and is never reached. With no trusted
    proxies configured the header is ignored entirely.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "ALONGSIDE_TRUSTED_PROXIES", ())))
    if not _trusted(remote, networks):
        return remote or "unknown"
    address = remote
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed([h.strip() for h in hops if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # not written by a proxy of ours: stop at the last one we trust
        address = hop
        if not _trusted(hop, networks):
            return hop
    return address


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


def rate_limited(request: HttpRequest, token: str, *, scope: str, known: bool) -> bool:
    """True when this request is over its limit for the window.

    A token that exists (`known`, whether still open, used or expired) counts against its own
    limit only, so it keeps working however many bad tokens were tried from the same address.
    An unknown token counts against the client's address.
    """
    if known:
        return count_hit(f"{scope}:token:{hash_token(token)}") > RATE_PER_TOKEN
    return count_hit(f"{scope}:ip:{client_ip(request)}") > RATE_PER_IP


def private(response: HttpResponse) -> HttpResponse:
    """No caching, no referrer beyond this site, no indexing, and the path (holding the token)
    kept out of the logs (Django logs every 4xx with its path, and a token is still usable after
    a 400 or 429): `common.middleware.log_refusal` logs a 404 or 429 here without the path."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"  # no-referrer would send Origin: null and fail CSRF
    response["X-Robots-Tag"] = "noindex"
    response._has_been_logged = True  # type: ignore[attr-defined]
    response.alongside_secret_path = True  # type: ignore[attr-defined]
    return response
