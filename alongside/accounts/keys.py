"""Two-step sign-in secrets encrypted at rest (decision 0029).

allauth's MFA module keeps each authenticator app's TOTP secret and each set of recovery codes'
seed in `Authenticator.data`, and passes them through its adapter's `encrypt()` / `decrypt()`
(`adapters.MFAAdapter`), which call this module. They are Fernet tokens (AES-128-CBC with
HMAC-SHA256, from `cryptography`) under a key the database does not hold: `ALONGSIDE_MFA_KEY`,
or the file named by `ALONGSIDE_MFA_KEY_FILE`. Either holds one or more Fernet keys separated by
commas or new lines, newest first: the first encrypts, every one decrypts (MultiFernet), so a
key is rotated by putting a new one first, running `alongside mfa_keys rotate`, then dropping
the old one (docs/security/crypto.md). After any configured keys, keys are derived from Django's secret key
and its fallbacks (HMAC-SHA256 under a fixed label), so that the production settings the contract
names (`DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS`, `DATABASE_URL`) are enough to start, and
moving to a key of one's own is the usual rotation; the database alone still cannot open them. `alongside check --deploy` warns
(`alongside.accounts.W001`) that a separate key is better: rotating the secret key then does not
touch the two-step secrets. A malformed key or unreadable key file refuses to start
(`config/wsgi.py`, `alongside.accounts.E001`).
"""

import base64
import hashlib
import hmac
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DERIVED_KEY_LABEL = b"alongside two-step sign-in secrets (demo and tests only)"
FERNET_VERSION = b"\x80"


class MFAKeyError(ImproperlyConfigured):
    """No key, an unreadable key file, or a value that is not a Fernet key."""


def _configured_value() -> tuple[str, str]:
    """The keys as written, and where they came from (for messages that name the fix)."""
    value: str = getattr(settings, "ALONGSIDE_MFA_KEY", "") or ""
    if value:
        return value, "ALONGSIDE_MFA_KEY"
    key_file: str = getattr(settings, "ALONGSIDE_MFA_KEY_FILE", "") or ""
    if not key_file:
        return "", ""
    source = f"ALONGSIDE_MFA_KEY_FILE={key_file}"
    try:
        value = Path(key_file).read_text(encoding="utf-8")
    except OSError as error:
        raise MFAKeyError(f"{source}: cannot read the two-step key ({error.strerror})") from None
    if not value.strip():
        raise MFAKeyError(f"{source}: the file is empty")
    return value, source


def mfa_keys() -> list[bytes]:
    """The Fernet keys, newest first. Raises `MFAKeyError` when one is not a Fernet key (32 bytes
    in URL-safe base64: `alongside mfa_keys new`) or the key file cannot be read."""
    value, source = _configured_value()
    keys = [part.strip().encode() for part in value.replace(",", "\n").splitlines()]
    keys = [key for key in keys if key]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise MFAKeyError(
                f"{source}: key {number} is not a Fernet key (32 bytes in URL-safe base64); "
                "make one with `alongside mfa_keys new`"
            ) from None
    return keys + derived_keys()  # configured keys encrypt; derived ones still open older secrets


def uses_derived_keys() -> bool:
    return not _configured_value()[0]


def derived_keys() -> list[bytes]:
    """One key per Django secret key, the current one first: rotating the secret key with the old
    one in `SECRET_KEY_FALLBACKS` keeps every secret readable until `mfa_keys rotate` has run."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        base64.urlsafe_b64encode(
            hmac.new(str(secret).encode(), DERIVED_KEY_LABEL, hashlib.sha256).digest()
        )
        for secret in secrets
    ]


def require_mfa_key() -> None:
    """Raise at start-up (gunicorn: the worker fails to boot) rather than at someone's sign-in."""
    mfa_keys()


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in mfa_keys()])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The secret in `token`. A value that is not a token under any key raises (fails closed):
    a plaintext secret left behind is not silently accepted."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise MFAKeyError(
            "a two-step secret cannot be decrypted with the keys in ALONGSIDE_MFA_KEY: a key "
            "still in use was dropped, or `alongside migrate` has not encrypted the old secrets"
        ) from None


def is_token(value: str) -> bool:
    """Whether `value` is a Fernet token rather than a secret in the clear. Unambiguous for what
    allauth stores: a TOTP secret is base32 (capitals), a seed hex, a recovery code digits; a
    token is URL-safe base64 whose first byte is 0x80 (so it starts "gAAAAA")."""
    try:
        return base64.urlsafe_b64decode(value.encode())[:1] == FERNET_VERSION
    except ValueError:
        return False


def _convert(value: str, fernet: MultiFernet) -> str:
    """`value` encrypted under the first key: plaintext encrypted, tokens re-encrypted."""
    if is_token(value):
        return fernet.rotate(value.encode()).decode("ascii")
    return fernet.encrypt(value.encode()).decode("ascii")


def encrypted_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An authenticator's `data` with every secret in it under the newest key (for the migration
    that encrypts what was stored in the clear, and for `alongside mfa_keys rotate`). `kind` is
    allauth's type ("totp", "recovery_codes"); other kinds are returned unchanged."""
    fernet = _fernet()
    data = dict(data)
    if kind == "totp" and "secret" in data:
        data["secret"] = _convert(data["secret"], fernet)
    if kind == "recovery_codes":
        if "seed" in data:
            data["seed"] = _convert(data["seed"], fernet)
        if data.get("migrated_codes") is not None:
            data["migrated_codes"] = [_convert(code, fernet) for code in data["migrated_codes"]]
    return data


def decrypted_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The reverse of `encrypted_data` (the migration's way back)."""
    data = dict(data)
    if kind == "totp" and is_token(data.get("secret", "")):
        data["secret"] = decrypt(data["secret"])
    if kind == "recovery_codes":
        if is_token(data.get("seed", "")):
            data["seed"] = decrypt(data["seed"])
        if data.get("migrated_codes") is not None:
            data["migrated_codes"] = [
                decrypt(code) if is_token(code) else code for code in data["migrated_codes"]
            ]
    return data


def reencrypt_all(authenticator_model: Any) -> int:
    """Put every stored secret under the newest key; returns how many authenticators changed.
    Takes the model so that the data migration can pass its historical one."""
    changed = 0
    for authenticator in authenticator_model.objects.order_by("pk").iterator():
        data = encrypted_data(authenticator.type, authenticator.data)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            changed += 1
    return changed


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
