"""`alongside check --deploy`: the key for the two-step secrets (decision 0029)."""

from typing import Any

from django.core import checks

from alongside.accounts.keys import MFAKeyError, mfa_keys, uses_derived_keys


@checks.register(checks.Tags.security, deploy=True)
def mfa_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        mfa_keys()
    except MFAKeyError as problem:
        return [
            checks.Error(
                f"Two-step sign-in secrets cannot be encrypted: {problem}",
                hint="Set ALONGSIDE_MFA_KEY, or ALONGSIDE_MFA_KEY_FILE to a file holding it, kept "
                "outside the database (docs/security/crypto.md).",
                id="alongside.accounts.E001",
            )
        ]
    if uses_derived_keys():
        return [
            checks.Warning(
                "Two-step sign-in secrets are encrypted with a key derived from DJANGO_SECRET_KEY.",
                hint="Set ALONGSIDE_MFA_KEY (or ALONGSIDE_MFA_KEY_FILE), kept outside the database, "
                "so that rotating the secret key does not touch them (docs/security/crypto.md).",
                id="alongside.accounts.W001",
            )
        ]
    return []
