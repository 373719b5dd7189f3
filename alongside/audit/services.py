"""Writing audit events. Call `record` inside the same transaction as the change it describes."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Union

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from alongside.audit import actions
from alongside.audit.actions import Action
from alongside.audit.chain import CURRENT, GENESIS, hash_of
from alongside.audit.models import AuditEvent
from alongside.audit.queries import LogFilters, LogPage, export_log, search_log
from alongside.common.request_context import current_facts, current_request_id

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from alongside.access.models import Membership

# The key of the PostgreSQL advisory lock that orders appends (any constant no one else uses).
CHAIN_LOCK = 0x616C6F6E67  # "along"


class _FromSubject(Enum):
    """Marks an argument that `record` reads from the subject unless it is given."""

    FROM_SUBJECT = "from subject"


FROM_SUBJECT: Final = _FromSubject.FROM_SUBJECT

# Who did it: a membership (its user is the actor), a user, or None for the system itself.
By = Union["Membership", "AbstractBaseUser", None]


def record(
    subject: models.Model,
    *,
    action: Action,
    by: By,
    summary: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    person_id: int | None | _FromSubject = FROM_SUBJECT,
    request_id: str = "",
) -> AuditEvent:
    """Append one event about a change to `subject`. Must run inside the caller's transaction.

    The organisation is the subject's (`subject.organisation_id`, or the subject itself when it
    is an organisation); the person is the subject's (`subject.person_id`, or the subject itself
    when it is a person). Pass `organisation_id` / `person_id` only where the subject does not
    hold them (or the event is about someone other than the subject's person; `person_id=None`
    for an event that concerns no one person). The request id is the current request's
    (`common.request_context`) unless one is given, and so is the client's address (decision
    0023). `summary` never holds sensitive free text: field
    names and ids only. Raises `UnregisteredAction` for an action not in `audit/actions.py`.
    Side effects: one AuditEvent row; locks the chain's tail until the transaction ends.
    """
    registered = actions.get(action)
    event = _event(
        action=registered.name,
        actor_id=_actor_id(by),
        organisation_id=organisation_id
        if organisation_id is not None
        else _organisation_id_of(subject),
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        person_id=_person_id_of(subject) if person_id is FROM_SUBJECT else person_id,
        sphere=str(getattr(subject, "SPHERE", "shared")),
        summary=summary or {},
        request_id=request_id or current_request_id(),
    )
    (written,) = _append_all([event])
    return written


def record_many(
    subjects: Sequence[models.Model],
    *,
    action: Action,
    by: By,
    summary: dict[str, Any] | None = None,
) -> int:
    """Append one event per subject, as `record` would, in one locked append: for importers
    that write thousands of records in one transaction. The organisation, person and sphere come
    from each subject; every event has the same actor, summary, time and request id. Returns how
    many were written. Must run inside the caller's transaction."""
    registered = actions.get(action)
    if not subjects:
        return 0
    actor_id = _actor_id(by)
    at = timezone.now()
    request_id = current_request_id()
    address = current_facts().client_address
    return len(
        _append_all(
            [
                AuditEvent(
                    organisation_id=_organisation_id_of(subject),
                    actor_id=actor_id,
                    action=registered.name,
                    subject_type=subject._meta.label_lower,
                    subject_id=str(subject.pk),
                    person_id=_person_id_of(subject),
                    sphere=str(getattr(subject, "SPHERE", "shared")),
                    summary=summary or {},
                    request_id=request_id,
                    source_address=address,
                    at=at,
                )
                for subject in subjects
            ]
        )
    )


def _actor_id(by: By) -> int | None:
    """The id of the user who acted: a membership's user, the user given, or None (the system,
    or a user not saved). Asked of `user_id`, so a membership's user is never read for it."""
    if by is None:
        return None
    if hasattr(by, "user_id"):  # a membership
        return int(by.user_id) if by.user_id is not None else None
    return int(by.pk) if getattr(by, "pk", None) else None


def _organisation_id_of(subject: models.Model) -> int:
    if subject._meta.label_lower == "access.organisation":
        return int(subject.pk)
    organisation_id = getattr(subject, "organisation_id", None)
    if organisation_id is None:
        raise TypeError(
            f"{subject._meta.label} has no organisation_id: pass organisation_id= to record()"
        )
    return int(organisation_id)


def _person_id_of(subject: models.Model) -> int | None:
    if subject._meta.label_lower == "people.person":
        return int(subject.pk)
    person_id = getattr(subject, "person_id", None)
    return int(person_id) if person_id is not None else None


def _event(
    *,
    action: str,
    actor_id: int | None,
    organisation_id: int,
    subject_type: str,
    subject_id: str,
    person_id: int | None,
    sphere: str,
    summary: dict[str, Any],
    request_id: str,
) -> AuditEvent:
    """An event not yet chained or written (`_append_all` does both)."""
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        person_id=person_id,
        sphere=sphere,
        summary=summary,
        request_id=request_id,
        source_address=current_facts().client_address,
        at=timezone.now(),
    )
    return event


def _append_all(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain `events` on to the tail, in order, and write them: one lock, one read of the tail,
    one INSERT. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "audit events must be written inside the transaction that makes the change"
        )
    _lock_the_tail()
    tail = AuditEvent.objects.order_by("-id").only("hash").first()
    previous = tail.hash if tail else GENESIS
    for event in events:
        event.previous_hash = previous
        event.chain_version = CURRENT
        event.hash = previous = hash_of(event)
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events, batch_size=500)
    every = int(getattr(settings, "ALONGSIDE_AUDIT_CHECKPOINT_EVERY", 0) or 0)
    if every > 0 and (
        len(events) >= every or any(event.pk and event.pk % every == 0 for event in events)
    ):
        transaction.on_commit(_checkpoint_soon)
    return events


# The read events `record_read` keeps inside `reads_written_together()`; None outside it.
_pending_reads: ContextVar[list[AuditEvent] | None] = ContextVar(
    "audit_pending_reads", default=None
)


@contextmanager
def reads_written_together() -> Iterator[None]:
    """Inside, the events `record_read` appends are kept, then written together on the way out:
    one transaction, one read of the chain's tail, one INSERT (issue 17: the person page wrote
    two, each in its own transaction). Written also when the block raises: the records were
    read. For a page that reads; a change's own events are never kept back."""
    token = _pending_reads.set([])
    try:
        yield
    finally:
        pending = _pending_reads.get() or []
        _pending_reads.reset(token)
        if pending:
            with transaction.atomic():
                _append_all(pending)


def _lock_the_tail() -> None:
    """Hold appends to the chain one at a time until this transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, which needs no privilege on the table (the
    app's role may only INSERT and SELECT audit events, so it cannot `SELECT ... FOR UPDATE`,
    which needs UPDATE). The tail is read after the lock is held, so it is the committed tail.
    SQLite: writers already take the database's write lock when they begin (IMMEDIATE).
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _checkpoint_soon() -> None:
    """After every ALONGSIDE_AUDIT_CHECKPOINT_EVERY-th event: queue a checkpoint (tasks.py)."""
    from alongside.audit.tasks import queue_checkpoint  # tasks imports services: a cycle

    queue_checkpoint()


def record_read(
    model: type[models.Model],
    ids: list[int],
    *,
    by: By,
    organisation_id: int,
    person_id: int | None,
    request_id: str = "",
) -> AuditEvent | None:
    """Audit that `actor` read these support or safeguarding records: one event per page, not per row.

    Action `<app>.<model>.viewed` (registered in `audit/actions.py`); summary holds the ids,
    never the text. The request id is the current request's unless given. Call it only from a
    `read_*` service. Opens its own transaction (a read has none), unless inside
    `reads_written_together()`, which writes it on the way out. Side effects: one AuditEvent
    when `ids` is not empty.
    """
    label = model._meta.label_lower
    action = actions.viewed(label)
    if not ids:
        return None
    event = _event(
        action=action.name,
        actor_id=_actor_id(by),
        organisation_id=organisation_id,
        subject_type=label,
        subject_id=str(person_id if person_id is not None else ids[0]),
        person_id=person_id,
        sphere=str(getattr(model, "SPHERE", "shared")),
        summary={"ids": sorted(ids)},
        request_id=request_id or current_request_id(),
    )
    pending = _pending_reads.get()
    if pending is not None:
        pending.append(event)
        return event
    with transaction.atomic():
        (written,) = _append_all([event])
        return written


# Reading the log is itself audited --------------------------------------------------------------


def read_audit_log(
    membership: "Membership", filters: LogFilters, *, before: int | None = None
) -> LogPage:
    """One page of the organisation's audit log for its data lead; writes `audit.log.searched`
    (the filters as ids, an action name and dates). Side effects: one AuditEvent."""
    page = search_log(membership.organisation_id, filters, before=before)
    with transaction.atomic():
        record(
            membership.organisation,
            action=actions.AUDIT_LOG_SEARCHED,
            by=membership,
            person_id=None,
            summary={
                **filters.as_summary(),
                **({"before": before} if before else {}),
                "shown": len(page.events),
            },
        )
    return page


def export_audit_log(membership: "Membership", filters: LogFilters) -> Iterator[Any]:
    """Every matching event for the data lead's CSV; writes `audit.log.exported` first (the
    export is streamed, so it is recorded when asked for). Side effects: one AuditEvent."""
    with transaction.atomic():
        record(
            membership.organisation,
            action=actions.AUDIT_LOG_EXPORTED,
            by=membership,
            person_id=None,
            summary=filters.as_summary(),
        )
    return export_log(membership.organisation_id, filters)
