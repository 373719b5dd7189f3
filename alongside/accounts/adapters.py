"""allauth adapters: sign-up closed, failed and refused sign-ins audited, leads keep their app."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from alongside.access.queries import active_memberships
from alongside.accounts import keys
from alongside.accounts.policy import two_step_required
from alongside.accounts.services import record_account_event
from alongside.audit import actions
from alongside.common.links import client_ip

# A lock-out is recorded once per account per this many seconds, however many refused tries
# follow: a flood of guesses must not become a flood of audit rows.
LOCK_RECORDED_FOR_SECONDS = 300


def user_named(username: str) -> AbstractBaseUser | None:
    """The account a sign-in attempt names, if any (usernames compare without case)."""
    if not username:
        return None
    user: AbstractBaseUser | None = (
        get_user_model().objects.filter(username__iexact=username).order_by("pk").first()
    )
    return user


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped here
    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as the rest of the app reads it: behind our trusted proxies, the
        address they saw (`common.links.client_ip`); the per-address limits count it."""
        return client_ip(request)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """No public sign-up: an organisation adds the people who work in it."""
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against the limits; when refused, audit the lock-out (once a window)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            user = user_named(credentials.get("username", ""))
            key = f"alongside.lock-recorded:{user.pk if user else ''}"
            if user is not None and cache.add(key, True, timeout=LOCK_RECORDED_FOR_SECONDS):
                record_account_event(
                    user, actions.ACCOUNT_LOCKED_OUT, request=request, by_user=False
                )
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A wrong username or password: audited against the named account, if there is one."""
        record_account_event(
            user_named(credentials.get("username", "")),
            actions.ACCOUNT_SIGN_IN_FAILED,
            request=request,
            by_user=False,
        )


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth is untyped here
    def get_totp_issuer(self) -> str:
        return "Alongside"

    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are stored as Fernet tokens (`keys.py`)."""
        return keys.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return keys.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A user who must use two-step sign-in cannot remove their authenticator app."""
        if authenticator.type != Authenticator.Type.TOTP:
            return True
        return not any(two_step_required(m) for m in active_memberships(authenticator.user))
