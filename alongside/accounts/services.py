"""Writing sign-in events into the audit log: one event per active membership of the account.

An account is a Django user; the audit log is kept per organisation, so a sign-in is recorded in
every organisation the user works in (subject: their membership there). A user with no
membership (a staff-only account, or a mistyped username) has no organisation to record it in:
that is written to the `alongside.accounts` log instead, naming the address only — never what was
typed, which may be a password put in the wrong box.
"""

import logging
import time
from importlib import import_module
from typing import Any

from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.access.services import end_sessions_of
from alongside.accounts.devices import approximate_address, device_summary
from alongside.accounts.models import AccountSession
from alongside.accounts.queries import live_session_keys
from alongside.audit import actions
from alongside.audit.actions import Action
from alongside.audit.services import record
from alongside.common.links import client_ip

logger = logging.getLogger("alongside.accounts")


def client_address(request: HttpRequest | None) -> str:
    """The address allauth counts the per-address limits against (behind the proxy: the client's)."""
    if request is None:
        return ""
    try:
        return str(get_ip(request))
    except Exception:  # noqa: BLE001 - an unreadable address must not stop the audit
        return str(request.META.get("REMOTE_ADDR", ""))


def record_account_event(
    user: AbstractBaseUser | None,
    action: Action,
    *,
    request: HttpRequest | None,
    by_user: bool = True,
    **summary: Any,
) -> int:
    """Append `action` about `user`'s account to the audit log of each organisation they work or
    worked in (a switched-off worker's attempts to sign in are worth the data lead's eye).

    `by_user` says whether the user did it (a sign-in) or it was done to the account (a failed
    guess, a lock-out: the actor is then no one). Returns how many events were written. Side
    effects: AuditEvent rows; a log line when the user has no membership.
    """
    details = {"address": client_address(request), **summary}
    memberships = list(Membership.objects.filter(user_id=user.pk).order_by("pk")) if user else []
    if not memberships:
        logger.info("%s for an account with no organisation from %s", action, details["address"])
        return 0
    with transaction.atomic():
        for membership in memberships:
            record(
                membership,
                action=action,
                by=user if by_user else None,
                person_id=None,
                summary=details,
            )
    return len(memberships)


def add_authenticator_app(user: AbstractBaseUser, secret: str | None = None) -> str:
    """Give `user` a TOTP authenticator (and recovery codes) with `secret`, or a new random one;
    returns the base32 secret. For `alongside demo` and tests: people set theirs up themselves.
    Writes no audit event (nobody did it in the app). Replaces any authenticator app they had."""
    secret = secret or generate_totp_secret()
    with transaction.atomic():
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
    return secret


def authenticator_app_secret(user: AbstractBaseUser) -> str | None:
    """The base32 secret of the user's TOTP authenticator, or None (for `alongside demo`)."""
    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


class TwoStepResetRefused(Exception):
    """The person vouching is not an active data lead of an organisation the user works in."""


def reset_two_step(user: AbstractBaseUser, *, confirmed_by: AbstractBaseUser) -> int:
    """Remove every authenticator (app and recovery codes) of `user`, who lost theirs, once a data
    lead of their organisation has confirmed who they are as at their invitation (ASVS 6.4.4;
    docs/access-and-audit.md, "A lost authenticator app"). Ends the user's sessions, so the next
    sign-in asks them to set up a new app where they must have one. Audited in each organisation
    the user works in, with the data lead as the actor. Returns how many authenticators went.
    Raises TwoStepResetRefused (and changes nothing) when `confirmed_by` is the user, or not an
    active data lead in one of the user's organisations."""
    if confirmed_by.pk == user.pk:
        raise TwoStepResetRefused("nobody may vouch for themselves")
    mine = Membership.objects.active().filter(user_id=user.pk)
    leads = {
        m.organisation_id: m
        for m in Membership.objects.active().filter(
            user_id=confirmed_by.pk,
            role=Role.DATA_LEAD,
            organisation_id__in=mine.values("organisation_id"),
        )
    }
    if not leads:
        raise TwoStepResetRefused(
            "the one confirming must be an active data lead of an organisation this person works in"
        )
    with transaction.atomic():
        removed, _ = Authenticator.objects.filter(user_id=user.pk).delete()
        for membership in mine.order_by("pk"):
            record(
                membership,
                action=actions.ACCOUNT_TWO_STEP_REMOVED,
                by=leads.get(membership.organisation_id, confirmed_by),
                person_id=None,
                summary={"type": "all", "lost": True},
            )
    end_sessions_of(int(user.pk))
    return int(removed)


# --- Your sessions (decision 0028) ---------------------------------------------------------------
# The session remembers its row: {"id": row id, "key": the session key noted, "at": Unix seconds}.
TRACKED = "alongside.account_session"
# `last_seen_at` is written at most this often; a changed session key is noted at once.
NOTE_EVERY_SECONDS = 60


def session_store() -> type[SessionBase]:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    return store


def current_session_id(request: HttpRequest) -> int | None:
    """The row of the browser making this request ("this device"), once it has one."""
    tracked = request.session.get(TRACKED) or {}
    return int(tracked["id"]) if tracked.get("id") else None


def note_session(request: HttpRequest) -> None:
    """Keep the signed-in browser's row up to date: made after sign-in (or for a session from
    before there were rows), its key followed when the key changes (the kiosk's hand-over, a
    password change), its last activity at most once a minute. Side effects: one row written,
    the session's note of it."""
    session = request.session
    key = session.session_key
    if not key or not request.user.is_authenticated:
        return
    tracked = session.get(TRACKED) or {}
    now = time.time()
    if tracked.get("key") == key and now - float(tracked.get("at", 0)) < NOTE_EVERY_SECONDS:
        return
    moment = timezone.now()
    address = approximate_address(client_ip(request))
    with transaction.atomic():
        row_id = tracked.get("id")
        updated = (
            AccountSession.objects.filter(pk=row_id, user_id=request.user.pk).update(
                session_key=key, last_seen_at=moment, approximate_address=address
            )
            if row_id
            else 0
        )
        if not updated:
            AccountSession.objects.filter(session_key=key).delete()
            row_id = AccountSession.objects.create(
                user_id=request.user.pk,
                session_key=key,
                device=device_summary(request.headers.get("User-Agent", "")),
                approximate_address=address,
                signed_in_at=moment,
                last_seen_at=moment,
            ).pk
    session[TRACKED] = {"id": row_id, "key": key, "at": now}


def forget_session(session_key: str | None) -> None:
    """Signing out: the row goes with the session."""
    if session_key:
        AccountSession.objects.filter(session_key=session_key).delete()


def forget_ended_sessions(user: AbstractBaseUser) -> int:
    """Drop the rows of `user`'s sessions that have ended by themselves (the browser closed and
    the session expired, the worker was switched off). Run at each sign-in. Returns how many."""
    rows = AccountSession.objects.filter(user_id=user.pk)
    live = live_session_keys(list(rows.values_list("session_key", flat=True)))
    if live is None:
        return 0
    deleted, _ = rows.exclude(session_key__in=live).delete()
    return deleted


def _end(rows: list[AccountSession]) -> None:
    store = session_store()
    for row in rows:
        store(session_key=row.session_key).delete()
        row.delete()


def end_session(
    user: AbstractBaseUser, row_id: int, *, keep: int | None, request: HttpRequest
) -> bool:
    """End one of `user`'s other sessions: that browser is signed out at its next request.
    False (nothing done) for a row that is not theirs or is `keep` (this browser: sign out
    instead). Side effects: the session and its row deleted; one audit event per membership."""
    with transaction.atomic():
        row = AccountSession.objects.filter(pk=row_id, user_id=user.pk).first()
        if row is None or row.pk == keep:
            return False
        _end([row])
        record_account_event(
            user,
            actions.ACCOUNT_SESSION_ENDED,
            request=request,
            device=row.device,
            approximate_address=row.approximate_address,
        )
    return True


def end_other_sessions(
    user: AbstractBaseUser,
    *,
    keep: int | None,
    request: HttpRequest | None,
    audit: bool = True,
) -> int:
    """End every session of `user` but `keep` (this browser). Returns how many. Side effects:
    sessions and rows deleted; with `audit`, one event per membership (a password change ends
    them as part of its own, already audited, event)."""
    with transaction.atomic():
        rows = [row for row in AccountSession.objects.filter(user_id=user.pk) if row.pk != keep]
        _end(rows)
        if audit:
            record_account_event(
                user, actions.ACCOUNT_OTHER_SESSIONS_ENDED, request=request, sessions=len(rows)
            )
    return len(rows)
