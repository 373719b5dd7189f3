"""TOTP codes for tests and scripts (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps).

`totp_code(secret, at)` is what an authenticator app shows for a base32 `secret` at `at` (a
datetime or Unix seconds; now when omitted): tests sign in with it, and a script can complete
the demo data lead's sign-in from the secret `alongside demo` prints. Written from the RFC, not
from allauth, so a test checks allauth rather than agreeing with it by construction.
"""

import base64
import hashlib
import hmac
import struct
import time
from datetime import datetime

# The authenticator app every lead made by the factories has (`MembershipFactory`).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - tests only
PERIOD_SECONDS = 30
DIGITS = 6


def totp_code(secret: str, at: datetime | float | None = None) -> str:
    """The 6-digit code for base32 `secret` at `at` (RFC 6238 with SHA-1 and 30 s steps)."""
    seconds = time.time() if at is None else at.timestamp() if isinstance(at, datetime) else at
    counter = int(seconds) // PERIOD_SECONDS
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"
