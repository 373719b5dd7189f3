"""Audit history restored from the system an archive came from (decision 0056), shown beside
this system's own chain on a person's "who saw my record" and on the data lead's audit page.

The events are kept by the app that restores them (`archive.RestoredAuditEvent`), outside the hash
chain, so `alongside audit verify` walks this system's chain only and is not changed by them. The
audit app is a foundation and imports no domain app: the archive app registers its model here from
its `AppConfig.ready` (`register`), and the audit reads call `events` (decision 0083).

A registered model has the fields of `AuditEvent` that the pages read (`at`, `actor`, `action`,
`subject_type`, `subject_id`, `person`, `sphere`, `summary`, `request_id`, `source_address`,
`previous_hash`, `hash`) plus `original_id` (the event's id in the old system) and `organisation`.
"""

from __future__ import annotations

from typing import Any

from django.db import models

_MODEL: list[type[models.Model]] = []


def register(model: type[models.Model]) -> None:
    """Name the model that keeps restored audit history (once)."""
    if _MODEL and _MODEL[0] is not model:
        raise ValueError("a restored audit history model is registered already")
    _MODEL[:] = [model]


def events(organisation_id: int) -> models.QuerySet[Any] | None:
    """The organisation's restored audit events (a queryset), or None when no app keeps them."""
    if not _MODEL:
        return None
    return _MODEL[0]._default_manager.filter(organisation_id=organisation_id)
