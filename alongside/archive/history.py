"""Shows the old system's audit history (`RestoredAuditEvent`) on the audit pages and a person's
"who saw my record": registered with `audit.restored` when the app is ready (decision 0083)."""

from alongside.archive.models import RestoredAuditEvent
from alongside.audit import restored

restored.register(RestoredAuditEvent)
