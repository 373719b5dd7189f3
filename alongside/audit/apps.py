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
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from alongside.audit.tasks import queue_checkpoint

    if int(getattr(settings, "ALONGSIDE_AUDIT_CHECKPOINT_MINUTES", 0) or 0) <= 0:
        return
    # `alongside migrate contenttypes` (one app at a time) may leave the task queue's table to a
    # later migrate, which then queues the checkpoint.
    if DBTaskResult._meta.db_table in connections[using].introspection.table_names():
        queue_checkpoint()
