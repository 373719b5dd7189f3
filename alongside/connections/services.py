"""Writes for connections: profiles, introductions (with permission on both sides), follow-ups,
volunteer profiles and confirmed matches.

Every function validates first, writes in one transaction and records an audit event in it.
Errors are `ValidationError`s keyed by form field. Audit summaries hold ids, codes and counts,
never anyone's words, never lived experience, never who said no.

The introduction's life: proposed -> asking (each side asked privately, a one-time link each)
-> introduced (the moment the last side agrees: only then may each see what the other shared)
-> followed up; or declined (someone said no) / expired (not answered in time) / withdrawn.
When it settles, those who helped (who proposed it, each person's named worker, a volunteer side's
volunteer) are told it is going ahead, or that it is not: the same words for a "no", a lapse and a
withdrawal. Invitations lapse on time through a queued task (`tasks.expire_introduction`) as well
as on read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership, Notification, Role
from alongside.access.roles import WORKER_ROLES
from alongside.audit.services import record
from alongside.common.links import hash_token, new_token
from alongside.connections import queries
from alongside.connections.models import (
    SLOTS,
    Answer,
    FollowUp,
    HowItWent,
    Interest,
    Introduction,
    IntroductionSide,
    Kind,
    LivedExperience,
    Locality,
    Match,
    Met,
    PersonProfile,
    SpaceProfile,
    Status,
    VolunteerGender,
    VolunteerPreference,
    VolunteerProfile,
)
from alongside.people.models import Person
from alongside.people.queries import people_visible_to

INVITATION_DAYS = 14
MAX_INVITATION_DAYS = 30
SLOT_CODES = frozenset(code for code, _ in SLOTS)
LIVED_CODES = frozenset(str(c.value) for c in LivedExperience)
MAX_WORDS = 2000
# What the people who suggested or asked about an introduction are told when it settles. The
# "not going ahead" words are the same for a "no", a lapse and a withdrawal, so nobody can tell
# them apart; neither names anyone nor says anything about their support.
GOING_AHEAD_TEXT = (
    "An introduction you helped with is going ahead. You can help arrange the meeting."
)
NOT_GOING_AHEAD_TEXT = "An introduction you helped with is not going ahead."
# Said when someone is on a safeguarding hold: never the reason, never the word safeguarding.
HELD_TEXT = "They are not available for introductions at the moment."


class Closed(Exception):
    """The introduction cannot take this answer: it expired, closed, or was already answered."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check_slots(slots: Iterable[str], field: str) -> list[str]:
    chosen = sorted(set(slots))
    if any(slot not in SLOT_CODES for slot in chosen):
        raise ValidationError({field: "Choose times from the list."})
    return chosen


def _org_items(model: type[Any], organisation_id: int, ids: Iterable[int], field: str) -> list[Any]:
    wanted = set(ids)
    found = list(model.objects.filter(organisation_id=organisation_id, pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({field: "Choose from your organisation's list."})
    return found


# Profiles -------------------------------------------------------------------------------------


def save_person_profile(
    person: Person,
    *,
    by: Membership,
    interest_ids: Iterable[int] = (),
    locality_id: int | None = None,
    availability: Iterable[str] = (),
    lived_experience: Iterable[str] = (),
    lived_experience_consent: bool = False,
    open_to_introductions: bool = True,
    wants_volunteer: bool = False,
    volunteer_preference: str = "",
    not_from_my_area: bool = False,
    excluded_people_ids: Iterable[int] = (),
    excluded_volunteer_ids: Iterable[int] = (),
    in_their_words: str = "",
    request_id: str = "",
) -> PersonProfile:
    """Record what the person is happy to share for connections (all of it replaced).

    Lived experience needs the person's agreement: without it, none may be recorded.
    Side effects: the profile, one `connections.profile.saved` audit event (field names only).
    """
    if not queries.may_edit_profile(by, person):
        raise ValidationError("You cannot change this person's connections profile.")
    lived = sorted(set(lived_experience))
    errors: dict[str, str] = {}
    if any(code not in LIVED_CODES for code in lived):
        errors["lived_experience"] = "Choose from the list."
    elif lived and not lived_experience_consent:
        errors["lived_experience_consent"] = (
            "Only record lived experience when they agree to it being used to find people "
            "they have something in common with."
        )
    if volunteer_preference not in VolunteerPreference.values:
        errors["volunteer_preference"] = "Choose from the list."
    if len(in_their_words) > MAX_WORDS:
        errors["in_their_words"] = f"At most {MAX_WORDS} characters."
    if errors:
        raise ValidationError(errors)
    slots = _check_slots(availability, "availability")
    interests = _org_items(Interest, person.organisation_id, interest_ids, "interests")
    locality = (
        _org_items(Locality, person.organisation_id, [locality_id], "locality")[0]
        if locality_id
        else None
    )
    excluded_people = list(
        Person.objects.filter(
            organisation_id=person.organisation_id, pk__in=set(excluded_people_ids)
        ).exclude(pk=person.pk)
    )
    if len(excluded_people) != len(set(excluded_people_ids) - {person.pk}):
        raise ValidationError({"excluded_people": "Choose people from your organisation."})
    excluded_volunteers = list(
        User.objects.filter(
            memberships__organisation_id=person.organisation_id,
            pk__in=set(excluded_volunteer_ids),
        ).distinct()
    )
    if len(excluded_volunteers) != len(set(excluded_volunteer_ids)):
        raise ValidationError({"excluded_volunteers": "Choose workers from your organisation."})
    with transaction.atomic():
        profile: PersonProfile | None = (
            PersonProfile.objects.for_system("saving a profile the writer may change")
            .select_for_update()
            .filter(person_id=person.pk)
            .first()
        )
        created = profile is None
        if profile is None:
            profile = PersonProfile(
                organisation_id=person.organisation_id, person=person, author_id=by.user_id
            )
        profile.locality = locality
        profile.availability = slots
        profile.lived_experience = lived if lived_experience_consent else []
        profile.lived_experience_consent = lived_experience_consent
        profile.open_to_introductions = open_to_introductions
        profile.wants_volunteer = wants_volunteer
        profile.volunteer_preference = volunteer_preference
        profile.not_from_my_area = not_from_my_area
        profile.in_their_words = in_their_words.strip()
        profile.save()
        profile.interests.set(interests)
        profile.excluded_people.set(excluded_people)
        profile.excluded_volunteers.set(excluded_volunteers)
        record(
            profile,
            action="connections.profile.saved",
            actor=by.user,
            organisation_id=person.organisation_id,
            person_id=person.pk,
            summary={
                "created": created,
                "interests": len(interests),
                "slots": len(slots),
                "lived_experience_consent": lived_experience_consent,
                "exclusions": len(excluded_people) + len(excluded_volunteers),
            },
            request_id=request_id,
        )
    return profile


def save_volunteer_profile(
    volunteer: Membership,
    *,
    by: Membership,
    capacity: int,
    available_for_matching: bool = True,
    interest_ids: Iterable[int] = (),
    locality_id: int | None = None,
    availability: Iterable[str] = (),
    lived_experience: Iterable[str] = (),
    lived_experience_consent: bool = False,
    gender: str = "",
    request_id: str = "",
) -> VolunteerProfile:
    """The volunteer (or their coordinator) records capacity and what they share.

    Only a coordinator may mark a volunteer not available for matching against their wish; the
    volunteer may always step back themselves. Side effects: one `connections.volunteer.saved`."""
    if not queries.may_manage_volunteer(by, volunteer):
        raise ValidationError("You cannot change this volunteer's details.")
    lived = sorted(set(lived_experience))
    errors: dict[str, str] = {}
    if not 0 <= capacity <= 20:
        errors["capacity"] = "Between 0 and 20 people."
    if any(code not in LIVED_CODES for code in lived):
        errors["lived_experience"] = "Choose from the list."
    elif lived and not lived_experience_consent:
        errors["lived_experience_consent"] = "Only with their agreement."
    if gender not in VolunteerGender.values:
        errors["gender"] = "Choose from the list."
    if errors:
        raise ValidationError(errors)
    slots = _check_slots(availability, "availability")
    interests = _org_items(Interest, volunteer.organisation_id, interest_ids, "interests")
    locality = (
        _org_items(Locality, volunteer.organisation_id, [locality_id], "locality")[0]
        if locality_id
        else None
    )
    with transaction.atomic():
        profile, created = VolunteerProfile.objects.select_for_update().get_or_create(
            membership=volunteer, defaults={"organisation_id": volunteer.organisation_id}
        )
        profile.capacity = capacity
        profile.available_for_matching = available_for_matching
        profile.locality = locality
        profile.availability = slots
        profile.lived_experience = lived if lived_experience_consent else []
        profile.lived_experience_consent = lived_experience_consent
        profile.gender = gender
        profile.save()
        profile.interests.set(interests)
        record(
            profile,
            action="connections.volunteer.saved",
            actor=by.user,
            organisation_id=volunteer.organisation_id,
            summary={
                "membership": volunteer.pk,
                "created": created,
                "capacity": capacity,
                "available_for_matching": available_for_matching,
            },
            request_id=request_id,
        )
    return profile


def save_space_profile(
    space: Any,
    *,
    by: Membership,
    interest_ids: Iterable[int] = (),
    locality_id: int | None = None,
    times: Iterable[str] = (),
    lived_experience: Iterable[str] = (),
    request_id: str = "",
) -> SpaceProfile:
    """What a group is about, where and when (for suggesting it). Coordinators or its host."""
    if not may_describe_space(by, space):
        raise ValidationError("You cannot describe this group.")
    lived = sorted(set(lived_experience))
    if any(code not in LIVED_CODES for code in lived):
        raise ValidationError({"lived_experience": "Choose from the list."})
    slots = _check_slots(times, "times")
    interests = _org_items(Interest, space.organisation_id, interest_ids, "interests")
    locality = (
        _org_items(Locality, space.organisation_id, [locality_id], "locality")[0]
        if locality_id
        else None
    )
    with transaction.atomic():
        profile, _ = SpaceProfile.objects.select_for_update().get_or_create(space=space)
        profile.locality = locality
        profile.times = slots
        profile.lived_experience = lived
        profile.save()
        profile.interests.set(interests)
        record(
            profile,
            action="connections.space.described",
            actor=by.user,
            organisation_id=space.organisation_id,
            summary={"space": space.pk, "interests": len(interests), "times": len(slots)},
            request_id=request_id,
        )
    return profile


def may_describe_space(membership: Membership | None, space: Any) -> bool:
    if membership is None or not membership.is_active:
        return False
    if space.organisation_id != membership.organisation_id:
        return False
    return membership.role == Role.COORDINATOR or (
        membership.role in WORKER_ROLES and space.host_id == membership.user_id
    )


def add_to_list(*, by: Membership, kind: str, name: str, request_id: str = "") -> Any:
    """A coordinator adds an interest or a neighbourhood to the organisation's list."""
    if by.role != Role.COORDINATOR:
        raise ValidationError("Only a coordinator can change the lists.")
    model: Any = {"interest": Interest, "locality": Locality}.get(kind)
    name = " ".join(name.split())
    if model is None:
        raise ValidationError({"kind": "Choose interests or neighbourhoods."})
    if not 2 <= len(name) <= 60:
        raise ValidationError({"name": "Between 2 and 60 characters."})
    if model.objects.filter(organisation_id=by.organisation_id, name__iexact=name).exists():
        raise ValidationError({"name": "That is already on the list."})
    with transaction.atomic():
        item = model.objects.create(organisation_id=by.organisation_id, name=name)
        record(
            item,
            action="connections.list.added",
            actor=by.user,
            organisation_id=by.organisation_id,
            summary={"kind": kind, "id": item.pk},
            request_id=request_id,
        )
    return item


# Introductions --------------------------------------------------------------------------------


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
        raise ValidationError("Only workers in the person's organisation can suggest this.")
    if sum(x is not None for x in (other, space, volunteer)) != 1:
        raise ValidationError({"other": "Choose one person or one group."})
    visible = people_visible_to(by)
    if not visible.filter(pk=person.pk).exists():
        raise ValidationError("You cannot suggest introductions for this person.")
    if queries.is_person_held(person):
        raise ValidationError(HELD_TEXT)
    mine = queries.traits_for_person(person, queries.profile_for(by, person))
    if other is not None:
        if not visible.filter(pk=other.pk).exists():
            raise ValidationError({"other": "Choose someone you can see."})
        if queries.is_person_held(other):
            raise ValidationError({"other": HELD_TEXT})
        if other.pk in queries.left_out_people(person):
            raise ValidationError({"other": "They cannot be introduced: choose someone else."})
        kind = Kind.PEOPLE
        shared = queries.in_common(
            mine, queries.traits_for_person(other, queries.profile_for(by, other))
        )
    elif space is not None:
        if space.organisation_id != person.organisation_id or not space.is_active:
            raise ValidationError({"space": "Choose one of your organisation's groups."})
        if space.pk in queries.left_out_spaces(person):
            raise ValidationError({"space": "They have already been asked about this group."})
        kind = Kind.GROUP
        group = queries.group_with_times(space)
        shared = queries.in_common(mine, queries.traits_for_group(group), group=True)
    else:
        assert volunteer is not None
        volunteer_membership = Membership.objects.filter(
            user=volunteer, organisation_id=person.organisation_id, left_on__isnull=True
        ).first()
        if volunteer_membership is None or volunteer_membership.role not in WORKER_ROLES:
            raise ValidationError({"volunteer": "Choose a volunteer in your organisation."})
        if queries.is_volunteer_held(person.organisation_id, volunteer.pk):
            raise ValidationError({"volunteer": HELD_TEXT})
        if volunteer.pk in queries.excluded_volunteer_ids(person):
            raise ValidationError({"volunteer": "They cannot be matched: choose someone else."})
        kind = Kind.VOLUNTEER
        vprofile = VolunteerProfile.objects.filter(membership=volunteer_membership).first()
        shared = queries.in_common(
            mine, queries.traits_for_volunteer(volunteer_membership, vprofile)
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
            action="connections.introduction.proposed",
            actor=by.user,
            organisation_id=person.organisation_id,
            person_id=person.pk,
            summary={
                "kind": kind,
                "people": [p.pk for p in (person, other) if p is not None],
                "space": getattr(space, "pk", None),
                "volunteer": getattr(volunteer, "pk", None),
                "match": getattr(match, "pk", None),
            },
            request_id=request_id,
        )
    return introduction


def _locked(introduction: Introduction | int) -> Introduction:
    pk = introduction if isinstance(introduction, int) else introduction.pk
    locked: Introduction = (
        Introduction.objects.for_system("a change the caller was allowed to make")
        .select_for_update()
        .get(pk=pk)
    )
    return locked


def _lapse_if_due(locked: Introduction, now: datetime) -> bool:
    """Mark an unanswered invitation expired when its time is up. True if it lapsed.

    Called inside the caller's transaction with the introduction locked, so it lapses once.
    Side effects when it lapses: one `connections.introduction.expired`, the "not going ahead"
    notification to those who helped."""
    if locked.status == Status.ASKING and locked.expires_at and locked.expires_at <= now:
        locked.status = Status.EXPIRED
        locked.closed_at = locked.expires_at
        locked.save(update_fields=["status", "closed_at"])
        record(
            locked,
            action="connections.introduction.expired",
            actor=None,
            organisation_id=locked.organisation_id,
            summary={},
        )
        _tell_helpers(locked, going_ahead=False)
        return True
    return False


def _helpers(introduction: Introduction, *, leave_out: Iterable[int] = ()) -> list[User]:
    """Who suggested the introduction and who is there to ask each side: the worker who proposed
    it, each person's named worker, a volunteer side's volunteer. Each once, only workers still
    active in the organisation."""
    from alongside.relationships.models import NamedWorkerSpell

    sides = list(
        IntroductionSide.objects.for_system("who to tell that an introduction settled")
        .filter(introduction_id=introduction.pk)
        .values_list("person_id", "volunteer_id")
    )
    wanted = {introduction.proposed_by_id} | {v for _, v in sides if v is not None}
    wanted |= set(
        NamedWorkerSpell.objects.filter(
            person_id__in=[p for p, _ in sides if p is not None], ended_on__isnull=True
        ).values_list("worker_id", flat=True)
    )
    wanted -= set(leave_out)
    active = Membership.objects.filter(
        organisation_id=introduction.organisation_id,
        left_on__isnull=True,
        role__in=WORKER_ROLES,
        user_id__in=wanted,
    )
    return list(User.objects.filter(pk__in=active.values("user_id")).order_by("pk"))


def _tell_helpers(
    introduction: Introduction, *, going_ahead: bool, leave_out: Iterable[int] = ()
) -> None:
    """Tell those who helped (`_helpers`) that it is, or is not, going ahead. The same words
    whether someone said no, the time ran out or it was withdrawn."""
    from alongside.access.services import notify

    helpers = _helpers(introduction, leave_out=leave_out)
    if not helpers:
        return
    notify(
        helpers,
        organisation_id=introduction.organisation_id,
        text=GOING_AHEAD_TEXT if going_ahead else NOT_GOING_AHEAD_TEXT,
        url=reverse("connections_introduction", args=[introduction.pk]),
    )


def _expire_on_time(introduction_id: int, expires_at: datetime) -> None:
    """Queue the expiry task for when the invitation runs out, once the transaction commits."""
    from alongside.connections.tasks import expire_introduction

    transaction.on_commit(
        lambda: expire_introduction.using(run_after=expires_at).enqueue(introduction_id)
    )


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
        raise ValidationError({"days": f"Between 1 and {MAX_INVITATION_DAYS} days."})
    tokens: dict[int, str] = {}
    with transaction.atomic():
        locked = _locked(introduction)
        view = queries.view_for(by, locked, now=now)
        if not view.may_change:
            raise ValidationError("You cannot ask about this introduction.")
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
            action="connections.introduction.asked",
            actor=by.user,
            organisation_id=locked.organisation_id,
            summary={"sides": len(sides), "expires_at": locked.expires_at.isoformat()},
            request_id=request_id,
        )
        _expire_on_time(locked.pk, locked.expires_at)
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
        raise ValidationError({"contact_way": "Say how they would like to be contacted."})
    if len(contact_way) > 200:
        raise ValidationError({"contact_way": "At most 200 characters."})
    if by is not None:
        intro = queries.introduction_for_worker(by, side.introduction_id)
        if intro is None or side.pk not in {
            s.pk for s in queries.view_for(by, intro, now=now).may_answer_for
        }:
            raise ValidationError("You cannot record this answer.")
    with transaction.atomic():
        locked = _locked(side.introduction_id)
        lapsed = _lapse_if_due(locked, now)
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
                    action="connections.introduction.answered",
                    actor=by.user if by is not None else None,
                    organisation_id=locked.organisation_id,
                    person_id=this.person_id,
                    summary={"side": this.position, "how": "worker" if by else "link"},
                    request_id=request_id,
                )
                _settle(locked, now, request_id)
                side.answer = this.answer
    if closed is not None:
        raise closed
    if IntroductionSide.introduction.is_cached(side):
        side.introduction.status = locked.status
    return str(locked.status)


def _settle(locked: Introduction, now: datetime, request_id: str) -> None:
    """After an answer: a "no" closes it for everyone; all yeses introduce them. Either way
    those who helped are told (`_tell_helpers`), in words that never say who said no."""
    answers = list(
        IntroductionSide.objects.for_system("settling after an answer")
        .filter(introduction=locked)
        .values_list("answer", flat=True)
    )
    if Answer.DECLINED in answers:
        locked.status = Status.DECLINED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        record(
            locked,
            action="connections.introduction.closed",
            actor=None,
            organisation_id=locked.organisation_id,
            summary={},  # never says who said no
            request_id=request_id,
        )
        _tell_helpers(locked, going_ahead=False)
    elif all(a == Answer.AGREED for a in answers):
        locked.status = Status.INTRODUCED
        locked.introduced_at = now
        locked.save(update_fields=["status", "introduced_at"])
        record(
            locked,
            action="connections.introduction.introduced",
            actor=None,
            organisation_id=locked.organisation_id,
            summary={"kind": locked.kind},
            request_id=request_id,
        )
        host_id = _tell_host(locked) if locked.kind == Kind.GROUP else None
        # The host has their own words; everyone else who helped hears it is going ahead.
        _tell_helpers(locked, going_ahead=True, leave_out=[host_id] if host_id else [])


def _tell_host(introduction: Introduction) -> int | None:
    """For a group, the host is told once the person agreed (no words about the person).
    Returns the host's user id when they were told."""
    from alongside.spaces.models import Space

    if introduction.space_id is None:
        return None
    space = Space.objects.filter(pk=introduction.space_id).first()
    if space is None or space.host_id is None:
        return None
    Notification.objects.create(
        organisation_id=introduction.organisation_id,
        user_id=space.host_id,
        text=f"Someone would like to come to {space.name}: see the introduction.",
        url=reverse("connections_introduction", args=[introduction.pk]),
    )
    return int(space.host_id)


def withdraw(
    introduction: Introduction, *, by: Membership, now: datetime | None = None, request_id: str = ""
) -> None:
    """A worker takes back a suggestion that has not happened yet. Links stop working at once.
    Side effects: one `connections.introduction.withdrawn`; the others who helped are told it is
    not going ahead."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(introduction)
        if not queries.view_for(by, locked, now=now).may_change:
            raise ValidationError("You cannot withdraw this introduction.")
        if _lapse_if_due(locked, now) or locked.status not in (Status.PROPOSED, Status.ASKING):
            raise Closed("closed")
        locked.status = Status.WITHDRAWN
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        record(
            locked,
            action="connections.introduction.withdrawn",
            actor=by.user,
            organisation_id=locked.organisation_id,
            summary={},
            request_id=request_id,
        )
        _tell_helpers(locked, going_ahead=False, leave_out=[by.user_id])


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
            locked = _locked(pk)
            if _lapse_if_due(locked, now) or locked.status not in (Status.PROPOSED, Status.ASKING):
                continue
            locked.status = Status.WITHDRAWN
            locked.closed_at = now
            locked.save(update_fields=["status", "closed_at"])
            record(
                locked,
                action="connections.introduction.withdrawn",
                actor=actor,
                organisation_id=locked.organisation_id,
                summary={},
                request_id=request_id,
            )
            _tell_helpers(locked, going_ahead=False)
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
    `_lapse_if_due`."""
    now = now or timezone.now()
    with transaction.atomic():
        locked: Introduction | None = (
            Introduction.objects.for_system("expiring one invitation")
            .select_for_update()
            .filter(pk=introduction_id)
            .first()
        )
        return locked is not None and _lapse_if_due(locked, now)


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
        raise ValidationError({"met": "Choose an answer."})
    if how not in HowItWent.values:
        raise ValidationError({"how": "Choose an answer."})
    if met != Met.YES and how:
        raise ValidationError({"how": "Only say how it went if they met."})
    if len(in_their_words) > MAX_WORDS:
        raise ValidationError({"in_their_words": f"At most {MAX_WORDS} characters."})
    intro = queries.introduction_for_worker(by, side.introduction_id)
    if intro is None or side.pk not in {
        s.pk for s in queries.view_for(by, intro, now=now).may_follow_up
    }:
        raise ValidationError("You cannot record a follow-up here.")
    with transaction.atomic():
        locked = _locked(intro)
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
            action="connections.follow_up.recorded",
            actor=by.user,
            organisation_id=locked.organisation_id,
            person_id=side.person_id,
            summary={"introduction": locked.pk, "met": met, "how": how},
            request_id=request_id,
        )
    return row


# Matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedPair:
    person_id: int
    volunteer_id: int  # user id
    score: float
    why: tuple[str, ...]


def confirm_matches(
    *,
    by: Membership,
    chosen: Sequence[tuple[int, int]],
    weights: Mapping[str, float],
    now: datetime | None = None,
    request_id: str = "",
) -> list[Match]:
    """The coordinator confirms some of the proposed pairs (person id, volunteer user id).

    The proposal is worked out again here with the same weights: only pairs it proposes are
    accepted, so nothing posted can pair people the matcher would not (exclusions, capacity).
    All or nothing: one Match per pair, each starting an introduction (proposed: each side is
    then asked with the same permission on both sides), capacity reduced, one
    `connections.match.confirmed` event per pair.
    """
    from alongside.connections import matching

    now = now or timezone.now()
    if by.role != Role.COORDINATOR:
        raise ValidationError("Only a coordinator can confirm matches.")
    if not chosen:
        raise ValidationError({"pairs": "Choose at least one pair."})
    if len(set(chosen)) != len(chosen):
        raise ValidationError({"pairs": "Choose each pair once."})
    proposal = matching.propose(by, weights)
    offered = {(p.person_id, p.volunteer_id): p for p in proposal.pairs}
    unknown = [pair for pair in chosen if pair not in offered]
    if unknown:
        raise ValidationError(
            {"pairs": "Some pairs are no longer proposed: look at the proposal again."}
        )
    matches = []
    with transaction.atomic():
        for key in chosen:
            pair = offered[key]
            person = Person.objects.get(pk=pair.person_id)
            volunteer = User.objects.get(pk=pair.volunteer_id)
            match = Match.objects.create(
                organisation_id=by.organisation_id,
                person=person,
                volunteer=volunteer,
                score=pair.score,
                why=list(pair.why),
                weights=dict(weights),
                confirmed_by_id=by.user_id,
                confirmed_at=now,
            )
            vprofile = (
                VolunteerProfile.objects.select_for_update()
                .filter(membership__user=volunteer, organisation_id=by.organisation_id)
                .first()
            )
            if vprofile is not None:
                if vprofile.capacity < 1:
                    raise ValidationError({"pairs": "A volunteer has no room left."})
                vprofile.capacity -= 1
                vprofile.save(update_fields=["capacity"])
            record(
                match,
                action="connections.match.confirmed",
                actor=by.user,
                organisation_id=by.organisation_id,
                person_id=person.pk,
                summary={"volunteer": volunteer.pk, "score": pair.score},
                request_id=request_id,
            )
            match.introduction = propose(
                person, by=by, volunteer=volunteer, match=match, now=now, request_id=request_id
            )
            matches.append(match)
    return matches
