from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "alongside.audit"

    def ready(self) -> None:
        from alongside.audit import checks, permissions  # noqa: F401 - registers rules and checks

        post_migrate.connect(_start_periodic_checkpoints, sender=self)


def _start_periodic_checkpoints(using: str = "default", **kwargs: Any) -> None:
    """After `alongside migrate`: queue a checkpoint (unless one is queued), which then requeues
    itself every ALONGSIDE_AUDIT_CHECKPOINT_MINUTES, so a deployment's periodic checkpoints start
    with its first migrate and a worker (docs/access-and-audit.md, Checkpoints)."""
    from django.conf import settings

    from alongside.audit.tasks import queue_checkpoint
    from alongside.common.tasks import queue_is_ready

    if int(getattr(settings, "ALONGSIDE_AUDIT_CHECKPOINT_MINUTES", 0) or 0) <= 0:
        return
    if queue_is_ready(using):
        queue_checkpoint()
