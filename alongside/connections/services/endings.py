"""How introductions end and who is told: the lock, closing one, lapsing on time, settling
when the last side answers, telling those who helped, and withdrawing open ones when someone
is put on hold. The person-facing steps are in `introductions`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.models import Membership
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.connections.models import (
    Answer,
    Introduction,
    IntroductionSide,
    Kind,
    Status,
)
from alongside.relationships.models import NamedWorkerSpell
from alongside.spaces.models import Space
from alongside.visibility.roles import WORKER_ROLES

# What the people who suggested or asked about an introduction are told when it settles. The
# "not going ahead" words are the same for a "no", a lapse and a withdrawal, so nobody can tell
# them apart; neither names anyone nor says anything about their support.
GOING_AHEAD_TEXT = gettext_lazy(
    "An introduction you helped with is going ahead. You can help arrange the meeting."
)
NOT_GOING_AHEAD_TEXT = gettext_lazy("An introduction you helped with is not going ahead.")
# Said when someone is on a safeguarding hold: never the reason, never the word safeguarding.
HELD_TEXT = gettext_lazy("They are not available for introductions at the moment.")


class Closed(Exception):
    """The introduction cannot take this answer: it expired, closed, or was already answered."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def lock_introduction(introduction: Introduction | int) -> Introduction:
    pk = introduction if isinstance(introduction, int) else introduction.pk
    locked: Introduction = (
        Introduction.objects.for_system("a change the caller was allowed to make")
        .select_for_update()
        .get(pk=pk)
    )
    return locked


def end_introduction(
    locked: Introduction,
    *,
    status: str,
    at: datetime,
    action: actions.Action,
    actor: User | None,
    request_id: str = "",
    leave_out: Iterable[int] = (),
) -> None:
    """Close a locked introduction that did not happen (declined, expired or withdrawn): links
    stop working, one audit event with an empty summary (never who said no), and those who
    helped hear "not going ahead" in the same words whatever the reason."""
    locked.status = status
    locked.closed_at = at
    locked.save(update_fields=["status", "closed_at"])
    record(locked, action=action, by=actor, summary={}, request_id=request_id)
    tell_helpers(locked, going_ahead=False, leave_out=leave_out)


def lapse_if_due(locked: Introduction, now: datetime) -> bool:
    """Mark an unanswered invitation expired when its time is up. True if it lapsed.

    Called inside the caller's transaction with the introduction locked, so it lapses once.
    Side effects when it lapses: one `connections.introduction.expired`, the "not going ahead"
    notification to those who helped."""
    if locked.status == Status.ASKING and locked.expires_at and locked.expires_at <= now:
        end_introduction(
            locked,
            status=Status.EXPIRED,
            at=locked.expires_at,
            action=actions.CONNECTIONS_INTRODUCTION_EXPIRED,
            actor=None,
        )
        return True
    return False


def helpers_of(introduction: Introduction, *, leave_out: Iterable[int] = ()) -> list[User]:
    """Who suggested the introduction and who is there to ask each side: the worker who proposed
    it, each person's named worker, a volunteer side's volunteer. Each once, only workers still
    active in the organisation."""

    sides = list(
        IntroductionSide.objects.for_system("who to tell that an introduction settled")
        .filter(introduction_id=introduction.pk)
        .values_list("person_id", "volunteer_id")
    )
    wanted = {introduction.proposed_by_id} | {v for _side, v in sides if v is not None}
    wanted |= set(
        NamedWorkerSpell.objects.filter(
            person_id__in=[p for p, _ in sides if p is not None], ended_on__isnull=True
        ).values_list("worker_id", flat=True)
    )
    wanted -= set(leave_out)
    active = Membership.objects.active().filter(
        organisation_id=introduction.organisation_id,
        role__in=WORKER_ROLES,
        user_id__in=wanted,
    )
    return list(User.objects.filter(pk__in=active.values("user_id")).order_by("pk"))


def tell_helpers(
    introduction: Introduction, *, going_ahead: bool, leave_out: Iterable[int] = ()
) -> None:
    """Tell those who helped (`helpers`) that it is, or is not, going ahead. The same words
    whether someone said no, the time ran out or it was withdrawn."""

    helpers = helpers_of(introduction, leave_out=leave_out)
    if not helpers:
        return
    notify(
        helpers,
        organisation_id=introduction.organisation_id,
        text=GOING_AHEAD_TEXT if going_ahead else NOT_GOING_AHEAD_TEXT,
        url=reverse("connections:introduction", args=[introduction.pk]),
    )


def expire_on_time(introduction_id: int, expires_at: datetime) -> None:
    """Queue the expiry task for when the invitation runs out, once the transaction commits."""
    from alongside.connections.tasks import expire_introduction

    transaction.on_commit(
        lambda: expire_introduction.using(run_after=expires_at).enqueue(introduction_id)
    )


def settle(locked: Introduction, now: datetime, request_id: str) -> None:
    """After an answer: a "no" closes it for everyone; all yeses introduce them. Either way
    those who helped are told (`tell_helpers`), in words that never say who said no."""
    answers = list(
        IntroductionSide.objects.for_system("settling after an answer")
        .filter(introduction=locked)
        .values_list("answer", flat=True)
    )
    if Answer.DECLINED in answers:
        end_introduction(
            locked,
            status=Status.DECLINED,
            at=now,
            action=actions.CONNECTIONS_INTRODUCTION_CLOSED,
            actor=None,
            request_id=request_id,
        )
    elif all(a == Answer.AGREED for a in answers):
        locked.status = Status.INTRODUCED
        locked.introduced_at = now
        locked.save(update_fields=["status", "introduced_at"])
        record(
            locked,
            action=actions.CONNECTIONS_INTRODUCTION_INTRODUCED,
            by=None,
            summary={"kind": locked.kind},
            request_id=request_id,
        )
        host_id = tell_host(locked) if locked.kind == Kind.GROUP else None
        # The host has their own words; everyone else who helped hears it is going ahead.
        tell_helpers(locked, going_ahead=True, leave_out=[host_id] if host_id else [])


def tell_host(introduction: Introduction) -> int | None:
    """For a group, the host is told once the person agreed (no words about the person).
    Returns the host's user id when they were told."""

    if introduction.space_id is None:
        return None

    space = Space.objects.filter(pk=introduction.space_id).select_related("host").first()
    if space is None or space.host is None:
        return None
    notify(
        [space.host],
        organisation_id=introduction.organisation_id,
        text=_("Someone would like to come to %(space)s: see the introduction.")
        % {"space": space.name},
        url=reverse("connections:introduction", args=[introduction.pk]),
    )
    return int(space.host.pk)


def withdraw_open_introductions(
    *,
    organisation_id: int,
    actor: User,
    person_id: int | None = None,
    volunteer_id: int | None = None,
    now: datetime | None = None,
    request_id: str = "",
) -> int:
    """Withdraw every introduction still suggested or asking with this person (or volunteer) on a
    side: for a safeguarding hold, whose service has checked who may place it. Run inside the
    caller's transaction. Returns how many were withdrawn.

    Each one ends as an ordinary withdrawal does: links stop working, one
    `connections.introduction.withdrawn` (no reason), and those who helped are told it is not
    going ahead in the same words. One whose time ran out lapses instead (as on any read).
    """
    now = now or timezone.now()
    if (person_id is None) == (volunteer_id is None):
        raise ValueError("one person or one volunteer")
    side = {"person_id": person_id} if person_id is not None else {"volunteer_id": volunteer_id}
    open_ids = list(
        Introduction.objects.for_system("introductions to withdraw for a hold")
        .filter(
            organisation_id=organisation_id,
            status__in=(Status.PROPOSED, Status.ASKING),
            pk__in=IntroductionSide.objects.for_system("sides on hold")
            .filter(**side)
            .values("introduction_id"),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    withdrawn = 0
    with transaction.atomic():
        for pk in open_ids:
            locked = lock_introduction(pk)
            if lapse_if_due(locked, now) or locked.status not in (Status.PROPOSED, Status.ASKING):
                continue
            end_introduction(
                locked,
                status=Status.WITHDRAWN,
                at=now,
                action=actions.CONNECTIONS_INTRODUCTION_WITHDRAWN,
                actor=actor,
                request_id=request_id,
            )
            withdrawn += 1
    return withdrawn


def expire_due(*, now: datetime | None = None) -> int:
    """Mark every unanswered invitation whose time is up as expired (the lazy read already shows
    them so; this keeps the stored status true). Returns how many lapsed."""
    now = now or timezone.now()
    due = list(
        Introduction.objects.for_system("expiring invitations")
        .filter(status=Status.ASKING, expires_at__lte=now)
        .values_list("pk", flat=True)
    )
    return sum(expire_if_due(pk, now=now) for pk in due)


def expire_if_due(introduction_id: int, *, now: datetime | None = None) -> bool:
    """Expire one invitation if it is still unanswered and its time is up; otherwise nothing
    (answered, withdrawn or already expired). True when it lapsed now. Side effects as
    `lapse_if_due`."""
    now = now or timezone.now()
    with transaction.atomic():
        locked: Introduction | None = (
            Introduction.objects.for_system("expiring one invitation")
            .select_for_update()
            .filter(pk=introduction_id)
            .first()
        )
        return locked is not None and lapse_if_due(locked, now)
