"""Automatic checkpoints, run by Django's task framework (database backend, `alongside db_worker`).

`take_checkpoint` is queued after every `ALONGSIDE_AUDIT_CHECKPOINT_EVERY`-th event (services.py)
and, once it has run, queues itself again `ALONGSIDE_AUDIT_CHECKPOINT_MINUTES` later: a periodic
task that a worker keeps alive. It writes a file only when the log has grown since the latest
checkpoint. `alongside audit checkpoint` (cron, a systemd timer, by hand) takes one at any time.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from alongside.common.request_context import own_request_id
from alongside.common.tasks import queued

logger = logging.getLogger(__name__)


@task
def take_checkpoint() -> str:
    """Write a checkpoint if the log grew; then make sure the next periodic one is queued."""
    from alongside.audit.checkpoints import ChainMovedError, CheckpointError, take

    with own_request_id("task:"):
        try:
            taken = take(only_if_moved=True)
        except (CheckpointError, ChainMovedError) as error:
            logger.error("audit checkpoint not taken: %s", error)
            result = f"not taken: {error}"
        else:
            result = str(taken.path) if taken.path else "unchanged"
        queue_checkpoint(later=True)
        return result


def queue_checkpoint(*, later: bool = False) -> None:
    """Queue a checkpoint now (or, `later`, the next periodic one) unless one is already queued."""
    minutes = int(getattr(settings, "ALONGSIDE_AUDIT_CHECKPOINT_MINUTES", 60))
    if (later and minutes <= 0) or queued(take_checkpoint, later=later):
        return
    if later:
        take_checkpoint.using(run_after=timezone.now() + timedelta(minutes=minutes)).enqueue()
    else:
        take_checkpoint.enqueue()
