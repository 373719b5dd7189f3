"""`alongside check --deploy`: production needs an audit key the database does not hold."""

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def audit_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.ALONGSIDE_AUDIT_KEY or settings.ALONGSIDE_AUDIT_KEY_FILE:
        return []
    return [
        checks.Error(
            "No audit key: checkpoints of the audit log cannot be signed or checked.",
            hint="Set ALONGSIDE_AUDIT_KEY, or ALONGSIDE_AUDIT_KEY_FILE to a file holding it, "
            "kept outside the database (docs/access-and-audit.md, Checkpoints).",
            id="alongside.audit.E001",
        )
    ]
