"""Audit every sign-in, two-step change and password change (allauth's signals)."""

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account import signals as account_signals
from allauth.account.adapter import get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.core.internal.ratelimit import clear
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.base_user import AbstractBaseUser
from django.dispatch import receiver
from django.http import HttpRequest

from alongside.accounts.middleware import SESSION_KEY
from alongside.accounts.services import (
    current_session_id,
    end_other_sessions,
    forget_ended_sessions,
    forget_session,
    record_account_event,
)
from alongside.audit import actions


def sign_in_method(request: HttpRequest, user: AbstractBaseUser) -> str:
    """ "password", "password+totp" or "password+recovery_codes": the steps this sign-in took."""
    steps = []
    for step in get_authentication_records(request, user):
        method = str(step.get("method", ""))
        steps.append(str(step.get("type", method)) if method == "mfa" else method)
    return "+".join(dict.fromkeys(steps)) or "password"


def end_others_after_a_change(request: HttpRequest | None, user: AbstractBaseUser) -> None:
    """A changed password or authenticator app signs out every other browser of the user (ASVS
    5.0 7.4.3; decision 0028): whoever held the old one is out. This browser stays signed in."""
    keep = (
        current_session_id(request) if request is not None and hasattr(request, "session") else None
    )
    end_other_sessions(user, keep=keep, request=request, audit=False)


@receiver(account_signals.user_logged_in)
def signed_in(sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    record_account_event(
        user, actions.ACCOUNT_SIGNED_IN, request=request, method=sign_in_method(request, user)
    )


@receiver(mfa_signals.authentication_failed)
def two_step_failed(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
) -> None:
    record_account_event(user, actions.ACCOUNT_TWO_STEP_FAILED, request=request, by_user=False)


@receiver(mfa_signals.authenticator_added)
def two_step_added(
    sender: Any,
    request: HttpRequest,
    user: AbstractBaseUser,
    authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    record_account_event(
        user, actions.ACCOUNT_TWO_STEP_ADDED, request=request, type=authenticator.type
    )
    end_others_after_a_change(request, user)


@receiver(mfa_signals.authenticator_removed)
def two_step_removed(
    sender: Any,
    request: HttpRequest,
    user: AbstractBaseUser,
    authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
    end_others_after_a_change(request, user)
    record_account_event(
        user, actions.ACCOUNT_TWO_STEP_REMOVED, request=request, type=authenticator.type
    )


@receiver(mfa_signals.authenticator_reset)
def recovery_codes_renewed(
    sender: Any,
    request: HttpRequest,
    user: AbstractBaseUser,
    authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    record_account_event(
        user, actions.ACCOUNT_RECOVERY_CODES_RENEWED, request=request, type=authenticator.type
    )


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def password_changed(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """Changing the password signs every other browser out (decision 0028); Django would refuse
    their sessions at their next request anyway (the password's hash is in each), and this takes
    them off the list at once."""
    record_account_event(user, actions.ACCOUNT_PASSWORD_CHANGED, request=request)
    end_others_after_a_change(request, user)


@receiver(account_signals.password_reset)
def password_reset(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """A reset by the emailed link also lifts the account's lock-out (not the address's): the
    person proved they hold the mailbox."""
    record_account_event(user, actions.ACCOUNT_PASSWORD_RESET, request=request)
    end_other_sessions(user, keep=None, request=request, audit=False)  # the reset signs no one in
    per_account = ",".join(
        rate
        for rate in account_settings.RATE_LIMITS.get("login_failed", "").split(",")
        if rate.strip().endswith("/key")
    )
    key = get_adapter()._get_login_attempts_cache_key(request, username=user.get_username())
    clear(
        request,
        app="allauth.account",
        action="login_failed",
        config={"login_failed": per_account},
        key=key,
    )


@receiver(auth_signals.user_logged_in)
def forget_ended(sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    """At each sign-in, drop the rows of this user's sessions that ended by themselves."""
    forget_ended_sessions(user)


@receiver(auth_signals.user_logged_out)
def signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        forget_session(request.session.session_key)
