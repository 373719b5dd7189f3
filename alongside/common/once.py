"""One submit, one record: a create form sent twice, or an API create retried, makes one record.

Every create form carries a fresh random token (`{% submit_token %}` from `common_tags`, a hidden
field named `submit_token`); every API create may carry an `Idempotency-Key` header. The first
submit stores the token's digest (`SubmitToken`, unique per user) in the same transaction as the
record it makes, so the two commit together or not at all. A repeat (a double-click, the browser's
resend, a retry after a lost answer) fails that uniqueness, waits for the first to finish, and is
answered with the first record instead of a second one (docs/decisions/0015):

- a page: `@submit_once` on the view redirects to where the first submit led, saying so;
- the API: `claim_once(user_id, key)` inside the endpoint's transaction; `None` means a repeat,
  and `replayed_object_id(user_id, key)` names the record to answer with.

A submit without a token (an old page, a test, a script) is handled as before.
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from alongside.common.models import SubmitToken

FIELD = "submit_token"
HEADER = "Idempotency-Key"
KEEP = timedelta(days=1)
"""How long a token is remembered: far longer than any double-click or retry."""

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
KEY = re.compile(r"[\x21-\x7e]{1,255}")
"""An `Idempotency-Key`: 1 to 255 visible ASCII characters (a UUID is usual)."""

REPEATED = _("That was already saved: it was sent twice, so it was saved once.")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def claim_once(user_id: int, token: str) -> SubmitToken | None:
    """Claim `token` for this submit, inside the caller's transaction: the new row, or None when
    the token was already used (a repeat). A repeat sent while the first is still being saved
    waits for it (the unique index holds it on PostgreSQL; SQLite serialises writers)."""
    assert transaction.get_connection().in_atomic_block, "claim inside the create's transaction"
    SubmitToken.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():  # a savepoint: the duplicate fails here, not at commit
            return SubmitToken.objects.create(user_id=user_id, digest=_digest(token))
    except IntegrityError:
        return None


def replayed(user_id: int, token: str) -> SubmitToken | None:
    """The first submit's row for a repeated token (None if it has since been forgotten)."""
    return SubmitToken.objects.filter(user_id=user_id, digest=_digest(token)).first()


def replayed_object_id(user_id: int, key: str) -> int | None:
    row = replayed(user_id, key)
    return row.object_id if row is not None else None


def api_key(request: HttpRequest) -> str | None:
    """The request's `Idempotency-Key` when it is well formed; None when absent.

    Raises ValueError for a malformed key, so the API can answer 422 rather than ignore it."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY.fullmatch(key):
        raise ValueError("Send an Idempotency-Key of 1 to 255 visible ASCII characters.")
    return key


def _where_it_led(request: HttpRequest, response: HttpResponse) -> str:
    """The path in this site that the first submit's answer led to (or came from)."""
    for candidate in (
        response.get("Location"),
        response.get("HX-Redirect"),
        request.headers.get("HX-Current-URL"),
    ):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}
        ):
            parts = urlsplit(candidate)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
            if len(location) <= 500:
                return location
    return request.path


def submit_once[**P](
    view: Callable[P, HttpResponse],
) -> Callable[P, HttpResponse]:
    """Make a create view idempotent on its form's `submit_token` (see the module's docstring).

    The view runs in one transaction with the token's row. An answer that is not a success (an
    invalid form, 400) forgets the token, so the corrected form can be sent with it again."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.fullmatch(token) or not request.user.is_authenticated:
            return view(*args, **kwargs)
        user_id = request.user.pk
        with transaction.atomic():
            first = claim_once(user_id, token)
            if first is None:
                return _answer_repeat(request, replayed(user_id, token))
            response = view(*args, **kwargs)
            if 200 <= response.status_code < 400:
                first.location = _where_it_led(request, response)
                first.save(update_fields=["location"])
            else:
                first.delete()
            return response

    wrapped.submits_once = True  # type: ignore[attr-defined]
    return wrapped


def _answer_repeat(request: HttpRequest, first: SubmitToken | None) -> HttpResponse:
    location = first.location if first is not None and first.location else request.path
    messages.info(request, REPEATED)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(location)
    return HttpResponseRedirect(location, status=303)
