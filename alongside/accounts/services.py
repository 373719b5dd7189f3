"""Writing sign-in events into the audit log: one event per active membership of the account.

An account is a Django user; the audit log is kept per organisation, so a sign-in is recorded in
every organisation the user works in (subject: their membership there). A user with no
membership (a staff-only account, or a mistyped username) has no organisation to record it in:
that is written to the `alongside.accounts` log instead, naming the address only — never what was
typed, which may be a password put in the wrong box.
"""

import logging
from typing import Any

from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest

from alongside.access.models import Membership, Role
from alongside.access.services import end_sessions_of
from alongside.audit import actions
from alongside.audit.actions import Action
from alongside.audit.services import record

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
