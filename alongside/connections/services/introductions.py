"""Writes for introductions: propose, ask each side privately, answer, withdraw and follow up.
How they end, and who is told, is in `endings`. See the package docstring for the life of an
introduction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.links import hash_token, new_token
from alongside.connections import queries
from alongside.connections.models import (
    Answer,
    FollowUp,
    HowItWent,
    Introduction,
    IntroductionSide,
    Kind,
    Match,
    Met,
    Status,
    VolunteerProfile,
)
from alongside.connections.services.endings import (
    GOING_AHEAD_TEXT,
    HELD_TEXT,
    NOT_GOING_AHEAD_TEXT,
    Closed,
    end_introduction,
    expire_due,
    expire_if_due,
    expire_on_time,
    lapse_if_due,
    lock_introduction,
    settle,
    withdraw_open_introductions,
)
from alongside.people.models import Person
from alongside.people.queries import people_visible_to
from alongside.visibility.roles import WORKER_ROLES

INVITATION_DAYS = 14
MAX_INVITATION_DAYS = 30
MAX_WORDS = 2000

__all__ = [
    "GOING_AHEAD_TEXT",
    "HELD_TEXT",
    "INVITATION_DAYS",
    "MAX_INVITATION_DAYS",
    "NOT_GOING_AHEAD_TEXT",
    "Closed",
    "answer",
    "ask",
    "expire_due",
    "expire_if_due",
    "follow_up",
    "propose",
    "withdraw",
    "withdraw_open_introductions",
]


def propose(
    person: Person,
    *,
    by: Membership,
    other: Person | None = None,
    space: Any = None,
    volunteer: User | None = None,
    match: Match | None = None,
    now: datetime | None = None,
    request_id: str = "",
) -> Introduction:
    """Suggest introducing `person` to another person, a group, or a volunteer.

    Refused for anyone the person excluded, who excluded them, who said no before or is already
    being introduced, and when either side is on a safeguarding hold (`HELD_TEXT`, no reason);
    both people must be visible to the worker suggesting it.
    Side effects: one Introduction (proposed) and its sides, one `connections.introduction.proposed`.
    """
    now = now or timezone.now()
    if by.role not in WORKER_ROLES or by.organisation_id != person.organisation_id:
        raise ValidationError(_("Only workers in the person's organisation can suggest this."))
    if sum(x is not None for x in (other, space, volunteer)) != 1:
        raise ValidationError({"other": _("Choose one person or one group.")})
    visible = people_visible_to(by)
    if not visible.filter(pk=person.pk).exists():
        raise ValidationError(_("You cannot suggest introductions for this person."))
    if queries.is_person_held(person):
        raise ValidationError(HELD_TEXT)
    mine = queries.traits_for_person(person, queries.profile_for(by, person))
    if other is not None:
        if not visible.filter(pk=other.pk).exists():
            raise ValidationError({"other": _("Choose someone you can see.")})
        if queries.is_person_held(other):
            raise ValidationError({"other": HELD_TEXT})
        if other.pk in queries.left_out_people(person):
            raise ValidationError({"other": _("They cannot be introduced: choose someone else.")})
        kind = Kind.PEOPLE
        shared = queries.in_common(
            mine, queries.traits_for_person(other, queries.profile_for(by, other))
        )
    elif space is not None:
        if space.organisation_id != person.organisation_id or not space.is_active:
            raise ValidationError({"space": _("Choose one of your organisation's groups.")})
        if space.pk in queries.left_out_spaces(person):
            raise ValidationError({"space": _("They have already been asked about this group.")})
        kind = Kind.GROUP
        group = queries.group_with_times(space)
        shared = queries.in_common(mine, queries.traits_for_group(group), group=True)
    else:
        assert volunteer is not None
        volunteer_membership = (
            Membership.objects.active()
            .filter(
                user=volunteer,
                organisation_id=person.organisation_id,
            )
            .first()
        )
        if volunteer_membership is None or volunteer_membership.role not in WORKER_ROLES:
            raise ValidationError({"volunteer": _("Choose a volunteer in your organisation.")})
        if queries.is_volunteer_held(person.organisation_id, volunteer.pk):
            raise ValidationError({"volunteer": HELD_TEXT})
        if volunteer.pk in queries.excluded_volunteer_ids(person):
            raise ValidationError({"volunteer": _("They cannot be matched: choose someone else.")})
        kind = Kind.VOLUNTEER
        vprofile = VolunteerProfile.objects.filter(membership=volunteer_membership).first()
        # Both sides read these words: the volunteer's lived experience only if they agreed to
        # it being told to the person they meet (not merely used for matching).
        shared = queries.in_common(
            mine, queries.traits_for_volunteer(volunteer_membership, vprofile, telling=True)
        )
    with transaction.atomic():
        introduction: Introduction = Introduction.objects.create(
            organisation_id=person.organisation_id,
            kind=kind,
            space=space,
            status=Status.PROPOSED,
            in_common=list(shared.phrases),
            proposed_by_id=by.user_id,
            created_at=now,
        )
        IntroductionSide.objects.create(introduction=introduction, position=0, person=person)
        if other is not None:
            IntroductionSide.objects.create(introduction=introduction, position=1, person=other)
        elif volunteer is not None:
            IntroductionSide.objects.create(
                introduction=introduction, position=1, volunteer=volunteer
            )
        if match is not None:
            Match.objects.for_system("link a match to its introduction").filter(pk=match.pk).update(
                introduction=introduction
            )
        record(
            introduction,
            action=actions.CONNECTIONS_INTRODUCTION_PROPOSED,
            by=by,
            summary={
                "kind": kind,
                "people": [p.pk for p in (person, other) if p is not None],
                "space": getattr(space, "pk", None),
                "volunteer": getattr(volunteer, "pk", None),
                "match": getattr(match, "pk", None),
            },
            person_id=person.pk,
            request_id=request_id,
        )
    return introduction


def ask(
    introduction: Introduction,
    *,
    by: Membership,
    days: int = INVITATION_DAYS,
    now: datetime | None = None,
    request_id: str = "",
) -> dict[int, str]:
    """Ask each side privately: a one-time link per side (for a group, only the person).

    Returns side id -> token (shown once; only hashes are kept).
    Side effects: status asking, expiry set, one `connections.introduction.asked`, and (on
    commit) a task queued to run at the expiry time."""
    now = now or timezone.now()
    if not 1 <= days <= MAX_INVITATION_DAYS:
        raise ValidationError(
            {"days": _("Between 1 and %(days)s days.") % {"days": MAX_INVITATION_DAYS}}
        )
    tokens: dict[int, str] = {}
    with transaction.atomic():
        locked = lock_introduction(introduction)
        view = queries.view_for(by, locked, now=now)
        if not view.may_change:
            raise ValidationError(_("You cannot ask about this introduction."))
        if locked.status != Status.PROPOSED:
            raise Closed("not_proposed")
        sides = list(
            IntroductionSide.objects.for_system("asking each side").filter(introduction=locked)
        )
        for side in sides:
            token = new_token()
            side.token_hash = hash_token(token)
            side.save(update_fields=["token_hash"])
            tokens[side.pk] = token
        locked.status = Status.ASKING
        locked.asked_at = now
        locked.expires_at = now + timedelta(days=days)
        locked.save(update_fields=["status", "asked_at", "expires_at"])
        record(
            locked,
            action=actions.CONNECTIONS_INTRODUCTION_ASKED,
            by=by,
            summary={"sides": len(sides), "expires_at": locked.expires_at.isoformat()},
            request_id=request_id,
        )
        expire_on_time(locked.pk, locked.expires_at)
    introduction.status = Status.ASKING
    introduction.expires_at = now + timedelta(days=days)
    return tokens


def answer(
    side: IntroductionSide,
    *,
    agree: bool,
    share_first_name: bool = True,
    share_in_common: bool = True,
    share_contact: bool = False,
    contact_way: str = "",
    by: Membership | None = None,
    now: datetime | None = None,
    request_id: str = "",
) -> str:
    """One side answers: through their one-time link (`by` None) or with their worker.

    Raises Closed when the invitation expired, closed, a side is on a safeguarding hold, or this
    side already answered (nothing is saved); ValidationError for bad input. When the last side agrees the introduction happens.
    Returns the introduction's new status. Side effects: one `connections.introduction.answered`
    (never which answer, to keep a "no" private), plus `.introduced` or `.closed` when it ends.
    """
    now = now or timezone.now()
    contact_way = contact_way.strip()
    if agree and share_contact and not contact_way:
        raise ValidationError({"contact_way": _("Say how they would like to be contacted.")})
    if len(contact_way) > 200:
        raise ValidationError({"contact_way": _("At most 200 characters.")})
    if by is not None:
        intro = queries.introduction_for_worker(by, side.introduction_id)
        if intro is None or side.pk not in {
            s.pk for s in queries.view_for(by, intro, now=now).may_answer_for
        }:
            raise ValidationError(_("You cannot record this answer."))
    with transaction.atomic():
        locked = lock_introduction(side.introduction_id)
        lapsed = lapse_if_due(locked, now)
        if lapsed:
            closed: Closed | None = Closed("expired")
        elif locked.status != Status.ASKING or queries.introduction_is_held(locked):
            # A side on a safeguarding hold reads the same closed page as a withdrawal.
            closed = Closed("closed")
        else:
            closed = None
        # A lapse is kept (it is true whatever this request does); the answer is refused.
        if closed is None:
            this = (
                IntroductionSide.objects.for_system("the side answering")
                .select_for_update()
                .get(pk=side.pk)
            )
            if this.answer != Answer.WAITING or this.token_hash is None:
                closed = Closed("used")
            else:
                this.answer = Answer.AGREED if agree else Answer.DECLINED
                this.answered_at = now
                this.answered_by_id = by.user_id if by is not None else None
                this.share_first_name = agree and share_first_name
                this.share_in_common = agree and share_in_common
                this.share_contact = agree and share_contact
                this.contact_way = contact_way if agree and share_contact else ""
                this.token_used_at = now
                this.save()
                record(
                    locked,
                    action=actions.CONNECTIONS_INTRODUCTION_ANSWERED,
                    by=by,
                    summary={"side": this.position, "how": "worker" if by else "link"},
                    person_id=this.person_id,
                    request_id=request_id,
                )
                settle(locked, now, request_id)
                side.answer = this.answer
    if closed is not None:
        raise closed
    if IntroductionSide.introduction.is_cached(side):
        side.introduction.status = locked.status
    return str(locked.status)


def withdraw(
    introduction: Introduction, *, by: Membership, now: datetime | None = None, request_id: str = ""
) -> None:
    """A worker takes back a suggestion that has not happened yet. Links stop working at once.
    Side effects: one `connections.introduction.withdrawn`; the others who helped are told it is
    not going ahead."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_introduction(introduction)
        if not queries.view_for(by, locked, now=now).may_change:
            raise ValidationError(_("You cannot withdraw this introduction."))
        if lapse_if_due(locked, now) or locked.status not in (Status.PROPOSED, Status.ASKING):
            raise Closed("closed")
        end_introduction(
            locked,
            status=Status.WITHDRAWN,
            at=now,
            action=actions.CONNECTIONS_INTRODUCTION_WITHDRAWN,
            actor=by.user,
            request_id=request_id,
            leave_out=[by.user_id],
        )


def follow_up(
    side: IntroductionSide,
    *,
    by: Membership,
    met: str,
    how: str = "",
    in_their_words: str = "",
    now: datetime | None = None,
    request_id: str = "",
) -> FollowUp:
    """Did you meet? How was it? Recorded with one side, by a worker who may read their records."""
    now = now or timezone.now()
    if met not in Met.values:
        raise ValidationError({"met": _("Choose an answer.")})
    if how not in HowItWent.values:
        raise ValidationError({"how": _("Choose an answer.")})
    if met != Met.YES and how:
        raise ValidationError({"how": _("Only say how it went if they met.")})
    if len(in_their_words) > MAX_WORDS:
        raise ValidationError(
            {"in_their_words": _("At most %(count)s characters.") % {"count": MAX_WORDS}}
        )
    intro = queries.introduction_for_worker(by, side.introduction_id)
    if intro is None or side.pk not in {
        s.pk for s in queries.view_for(by, intro, now=now).may_follow_up
    }:
        raise ValidationError(_("You cannot record a follow-up here."))
    with transaction.atomic():
        locked = lock_introduction(intro)
        if locked.status not in (Status.INTRODUCED, Status.FOLLOWED_UP):
            raise Closed("closed")
        assert side.person_id is not None
        row: FollowUp = FollowUp.objects.create(
            organisation_id=locked.organisation_id,
            side=side,
            person_id=side.person_id,
            met=met,
            how=how,
            in_their_words=in_their_words.strip(),
            author_id=by.user_id,
            recorded_at=now,
        )
        locked.status = Status.FOLLOWED_UP
        locked.save(update_fields=["status"])
        record(
            row,
            action=actions.CONNECTIONS_FOLLOW_UP_RECORDED,
            by=by,
            summary={"introduction": locked.pk, "met": met, "how": how},
            request_id=request_id,
        )
    return row
