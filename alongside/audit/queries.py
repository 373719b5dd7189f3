"""Reads of the audit log: "who saw my record", in plain words; the data lead's search; the
latest checkpoint."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Role
from alongside.audit import actions, restored
from alongside.audit.checkpoints import (
    BadCheckpoint,
    CheckpointError,
    audit_key,
    checkpoint_folder,
    latest,
)
from alongside.audit.models import AuditEvent
from alongside.visibility.roles import SPHERES_BY_ROLE

UNKNOWN_ACTION = _("used your record")
RESTORED = "restored"  # LogFilters.origin: the history restored from the previous system
ACCESS_LOG_LIMIT = 300


@dataclass(frozen=True, slots=True)
class AccessLine:
    at: datetime
    who: str
    role: str
    did: str
    restored: bool = False  # from the system the organisation came from (audit/restored.py)


def access_log(
    person_id: int,
    organisation_id: int,
    *,
    viewer: Membership,
    also_person_ids: Sequence[int] = (),
) -> list[AccessLine]:
    """Who looked at or changed a person's record, newest first (two queries).

    Only events in spheres the viewer may read: a supporter must not learn from this page that
    someone checked the person's eligibility or raised a safeguarding concern. The data lead,
    who answers subject access requests for the person, sees every event. `also_person_ids`:
    records merged into this one, whose events are this person's too.

    Events restored from the system the organisation came from (`audit.restored`) come after
    this system's (they all happened before the restore), newest first by their original date,
    marked `restored`, under the same sphere rule (one more query).
    """

    def about_them(events_qs: QuerySet[Any], *order: str) -> list[Any]:
        events_qs = events_qs.filter(person_id__in=[person_id, *also_person_ids])
        if viewer.role != Role.DATA_LEAD:
            events_qs = events_qs.filter(
                sphere__in=sorted(SPHERES_BY_ROLE.get(viewer.role, frozenset()))
            )
        return list(events_qs.select_related("actor").order_by(*order)[:ACCESS_LOG_LIMIT])

    ours = about_them(AuditEvent.objects.filter(organisation_id=organisation_id), "-id")
    past = restored.events(organisation_id)
    theirs = (
        about_them(past, "-at", "-id") if past is not None and len(ours) < ACCESS_LOG_LIMIT else []
    )
    events = ([(event, False) for event in ours] + [(event, True) for event in theirs])[
        :ACCESS_LOG_LIMIT
    ]
    roles = dict(
        Membership.objects.filter(
            organisation_id=organisation_id,
            user_id__in={e.actor_id for e, _old in events if e.actor_id},
        ).values_list("user_id", "role")
    )
    lines = []
    for event, old in events:
        actor = event.actor
        who = (
            (actor.get_full_name() or actor.get_username())
            if actor
            else str(_("Your previous system") if old else _("Alongside"))
        )
        role = (
            viewer.organisation.role_name(roles[event.actor_id]) if event.actor_id in roles else ""
        )
        did = actions.words_for(event.action)
        lines.append(AccessLine(event.at, who, role, _words(did, event.summary), restored=old))
    return lines


def _words(did: Any, summary: dict[str, Any]) -> str:
    """An action's plain words, with the system an import came from filled in."""
    words = str(did or UNKNOWN_ACTION)
    if "%(source)s" in words:
        words = words % {"source": str(summary.get("source") or _("another system"))[:100]}
    return words


# The data lead's audit page --------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class LogFilters:
    """What the data lead searched for; None means any."""

    person_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None  # inclusive
    origin: str = ""  # "": this system's chain; RESTORED: the history restored from the last one

    def as_summary(self) -> dict[str, Any]:
        """For the audit event of the search itself: ids, an action name and dates only."""
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in (
                ("person", self.person_id),
                ("worker", self.actor_id),
                ("action", self.action),
                ("start", self.start),
                ("end", self.end),
                ("origin", self.origin or None),
            )
            if value is not None
        }


def _all_events(organisation_id: int, filters: LogFilters) -> QuerySet[Any]:
    """This system's events, or (`origin` RESTORED) those restored from the system before."""
    if filters.origin == RESTORED:
        past = restored.events(organisation_id)
        return past if past is not None else AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation_id=organisation_id)


def _filtered(organisation_id: int, filters: LogFilters) -> QuerySet[Any]:
    """The organisation's events matching `filters`. Each filter lands on an index that starts
    with the organisation (or the person) and ends with `at`, the order the page reads in."""
    events = _all_events(organisation_id, filters)
    if filters.person_id is not None:
        events = events.filter(person_id=filters.person_id)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        events = events.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.start is not None:
        events = events.filter(at__gte=datetime.combine(filters.start, time.min, zone))
    if filters.end is not None:
        events = events.filter(
            at__lt=datetime.combine(filters.end + timedelta(days=1), time.min, zone)
        )
    return events


@dataclass(frozen=True, slots=True)
class LogPage:
    events: list[Any]  # AuditEvent, or restored events (the same fields) when origin is RESTORED
    older: int | None  # the `before` cursor of the next (older) page; None on the last page


def search_log(organisation_id: int, filters: LogFilters, *, before: int | None = None) -> LogPage:
    """One page of the organisation's audit log, newest first (keyset paging: at most two
    queries, however long the log; `before` is the id of the last event of the page before)."""
    events = _filtered(organisation_id, filters)
    if before is not None:
        cursor = (
            _all_events(organisation_id, filters)
            .filter(id=before)
            .values_list("at", flat=True)
            .first()
        )
        if cursor is None:
            return LogPage([], None)
        events = events.filter(Q(at__lt=cursor) | Q(at=cursor, id__lt=before))
    rows = list(events.select_related("actor").order_by("-at", "-id")[: PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return LogPage(rows[:PAGE_SIZE], older)


def export_log(organisation_id: int, filters: LogFilters) -> Iterator[Any]:
    """Every matching event, newest first, read in chunks (memory stays flat)."""
    return (
        _filtered(organisation_id, filters)
        .select_related("actor")
        .order_by("-at", "-id")
        .iterator(chunk_size=2000)
    )


def workers_for_search(organisation_id: int) -> QuerySet[User]:
    """Everyone who has worked in the organisation (any role, left or not), for the worker
    filter's picker (`access/pickers.py`): never a list of them all."""
    ever = Membership.objects.filter(organisation_id=organisation_id).values("user_id")
    return User.objects.filter(pk__in=ever).order_by("first_name", "last_name", "username")


# The latest checkpoint, as the audit page shows it ----------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckpointStatus:
    taken_at: datetime | None
    count: int | None
    authentic: bool
    head_in_place: bool
    problem: str  # "" when it verifies


def latest_checkpoint_status() -> CheckpointStatus | None:
    """The newest checkpoint: its signature, and whether the event it names is still there with
    the hash it recorded (one query). `alongside audit verify` checks the whole chain."""
    try:
        key = audit_key()
        found = latest(checkpoint_folder(), key)
    except CheckpointError as error:
        return CheckpointStatus(None, None, False, False, str(error))
    if found is None:
        return None
    if isinstance(found, BadCheckpoint):
        return CheckpointStatus(None, None, False, False, f"{found.path.name}: {found.why}")
    in_place = (
        found.head_id is None
        or AuditEvent.objects.filter(id=found.head_id, hash=found.head_hash).exists()
    )
    problem = "" if in_place else str(_("the event it names is no longer in the log as it was"))
    return CheckpointStatus(found.taken_at, found.count, True, in_place, problem)
