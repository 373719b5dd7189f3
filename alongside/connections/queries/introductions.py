"""Reads of introductions: who sees which, what each side may see of the other, one-time links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from alongside.access.models import Membership
from alongside.common.links import hash_token
from alongside.common.spheres import SphereQuerySet
from alongside.connections.models import (
    Answer,
    Introduction,
    IntroductionSide,
    LivedExperience,
    Status,
    VolunteerProfile,
)
from alongside.connections.queries.matches import may_manage_volunteer
from alongside.connections.queries.profiles import support_readable_among
from alongside.people.models import Person
from alongside.people.queries import people_visible_to, sees_person
from alongside.visibility.roles import WORKER_ROLES

# A link still shows the outcome (never more than each side shared) for this long after the
# invitation ran out or the introduction happened.
LINK_READABLE_DAYS = 30


def effective_status(introduction: Introduction, now: datetime | None = None) -> str:
    """The status, with expiry worked out on read (nothing has to run for an invitation to lapse)."""
    now = now or timezone.now()
    if (
        introduction.status == Status.ASKING
        and introduction.expires_at is not None
        and introduction.expires_at <= now
    ):
        return Status.EXPIRED
    return str(introduction.status)


def _introductions() -> SphereQuerySet:
    intros: SphereQuerySet = Introduction.objects.scoped()
    return intros


def introductions_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Introductions a worker may open: they may see a person on one side, are its volunteer, or
    proposed it. What they see of each side is decided by `IntroductionView`."""
    if membership is None or not membership.is_active or membership.role not in WORKER_ROLES:
        return _introductions().none()
    # `sees_person`, not `person_id__in=<the people they see>`: that IN list is the whole
    # organisation for most roles (0.25 s on 100,000 people for a person page with no
    # introductions; issue 17).
    seen = sees_person(membership)
    sides = IntroductionSide.objects.scoped().filter(
        Q(volunteer_id=membership.user_id) | seen, introduction_id=OuterRef("pk")
    )
    return _introductions().filter(
        Exists(sides) | Q(proposed_by_id=membership.user_id),
        organisation_id=membership.organisation_id,
    )


def introduction_for_worker(
    membership: Membership | None, introduction_id: int
) -> Introduction | None:
    found: Introduction | None = (
        introductions_visible_to(membership)
        .filter(pk=introduction_id)
        .select_related("space", "proposed_by")
        .first()
    )
    return found


def sides_of(introduction: Introduction) -> list[IntroductionSide]:
    """The sides of an introduction the caller has already been allowed to open."""
    sides: SphereQuerySet = IntroductionSide.objects.scoped()
    return list(
        sides.filter(introduction_id=introduction.pk)
        .select_related("person", "volunteer")
        .order_by("position")
    )


@dataclass
class SideView:
    side: IntroductionSide
    name: str  # what this viewer may call them
    mine: bool  # the viewer may read this side's records
    answer: str  # "" when the viewer may not know it
    shared_name: str
    shared_contact: str


def first_name_of(side: IntroductionSide) -> str:
    if side.person is not None:
        return side.person.preferred_name or side.person.given_name
    if side.volunteer is not None:
        return side.volunteer.first_name or side.volunteer.get_username()
    return ""


def public_status(status: str) -> str:
    """What anyone not on a side that said no may read: a "no" and a lapse look the same."""
    if status in (Status.DECLINED, Status.EXPIRED):
        return "not going ahead"
    words: dict[str, str] = {
        Status.PROPOSED: "suggested, not asked yet",
        Status.ASKING: "waiting for answers",
        Status.INTRODUCED: "introduced",
        Status.FOLLOWED_UP: "introduced",
        Status.WITHDRAWN: "withdrawn",
    }
    return words.get(status, "not going ahead")


@dataclass
class IntroductionView:
    introduction: Introduction
    status: str  # effective status (internal; never rendered as such)
    shown_status: str  # the words this viewer may read
    sides: list[SideView]
    in_common: list[str]
    may_answer_for: list[IntroductionSide]
    may_follow_up: list[IntroductionSide]
    may_change: bool  # may ask, withdraw (while open)
    may_manage: bool  # may_change and still open


@dataclass(frozen=True)
class _Reach:
    """What one viewer may see of the people and volunteers on some introductions' sides, read
    once for all of them."""

    visible_people: set[int]  # shared sphere: may see who they are
    readable_people: set[int]  # support sphere: may read their records
    managed_volunteers: set[int]  # user ids of volunteers this viewer manages (or is)


def _reach(membership: Membership, sides: list[IntroductionSide]) -> _Reach:
    people = [side.person for side in sides if side.person is not None]
    person_ids = {person.pk for person in people}
    visible = (
        set(people_visible_to(membership).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    volunteer_ids = {side.volunteer_id for side in sides if side.volunteer_id is not None}
    volunteers = (
        Membership.objects.filter(
            user_id__in=volunteer_ids, organisation_id=membership.organisation_id
        )
        if volunteer_ids
        else Membership.objects.none()
    )
    managed = {v.user_id for v in volunteers if may_manage_volunteer(membership, v)}
    return _Reach(
        visible_people=visible,
        readable_people=support_readable_among(membership, people),
        managed_volunteers=managed,
    )


def _may_read_side(reach: _Reach, side: IntroductionSide) -> bool:
    if side.volunteer_id is not None:
        return side.volunteer_id in reach.managed_volunteers
    assert side.person is not None
    return side.person_id in reach.readable_people


def view_for(
    membership: Membership, introduction: Introduction, *, now: datetime | None = None
) -> IntroductionView:
    """What this worker may see of an introduction they may open."""
    sides = sides_of(introduction)
    return _view(membership, introduction, sides, _reach(membership, sides), now=now)


def _view(
    membership: Membership,
    introduction: Introduction,
    sides: list[IntroductionSide],
    reach: _Reach,
    *,
    now: datetime | None = None,
) -> IntroductionView:
    status = effective_status(introduction, now)
    visible_people = reach.visible_people
    introduced = status in (Status.INTRODUCED, Status.FOLLOWED_UP)
    views = []
    readable_sides = []
    for side in sides:
        mine = _may_read_side(reach, side)
        if mine:
            readable_sides.append(side)
        other = [s for s in sides if s.pk != side.pk]
        if mine or introduction.proposed_by_id == membership.user_id:
            name = (
                side.person.display_name
                if side.person is not None and side.person_id in visible_people
                else first_name_of(side)
            )
        elif introduced and side.share_first_name:
            name = first_name_of(side)
        else:
            name = "someone else we support"
        views.append(
            SideView(
                side=side,
                name=name,
                mine=mine,
                answer=str(side.answer) if mine else "",
                shared_name=first_name_of(side) if introduced and side.share_first_name else "",
                shared_contact=side.contact_way if introduced and side.share_contact else "",
            )
        )
        del other
    declined_mine = any(v.mine and v.side.answer == Answer.DECLINED for v in views)
    shown = public_status(status)
    if declined_mine:
        shown = "they said no"
    # What they have in common is shown to those who may read every person side's records.
    everyone_readable = all(v.mine for v in views)
    in_common_words = list(introduction.in_common) if everyone_readable else []
    open_ = status in (Status.PROPOSED, Status.ASKING)
    may_change = introduction.proposed_by_id == membership.user_id or bool(readable_sides)
    return IntroductionView(
        introduction=introduction,
        status=status,
        shown_status=shown,
        sides=views,
        in_common=in_common_words,
        may_answer_for=[
            s
            for s in readable_sides
            if status == Status.ASKING and s.answer == Answer.WAITING and s.token_hash
        ],
        may_follow_up=[s for s in readable_sides if introduced and s.person_id is not None],
        may_change=may_change,
        may_manage=open_ and may_change,
    )


def introductions_for_person(
    membership: Membership | None, person: Person
) -> list[IntroductionView]:
    """Introductions involving a person, as this worker may see them."""
    if membership is None:
        return []
    intros: list[Introduction] = list(
        introductions_visible_to(membership)
        .filter(
            pk__in=IntroductionSide.objects.scoped()
            .filter(person_id=person.pk)
            .values("introduction_id")
        )
        .select_related("space", "proposed_by")
        .order_by("-created_at", "-id")[:20]
    )
    if not intros:
        return []
    every_side: SphereQuerySet = IntroductionSide.objects.scoped()
    sides: dict[int, list[IntroductionSide]] = {intro.pk: [] for intro in intros}
    for side in (
        every_side.filter(introduction_id__in=list(sides))
        .select_related("person", "volunteer")
        .order_by("position")
    ):
        sides[side.introduction_id].append(side)
    reach = _reach(membership, [side for found in sides.values() for side in found])
    return [_view(membership, intro, sides[intro.pk], reach) for intro in intros]


# The one-time link ----------------------------------------------------------------------------


def side_for_token(token: str) -> IntroductionSide | None:
    """The side a one-time link opens, whatever its state (the view decides what to show)."""
    if not token or len(token) > 100:
        return None
    found: IntroductionSide | None = (
        IntroductionSide.objects.for_system("a one-time link was opened")
        .filter(token_hash=hash_token(token))
        .select_related(
            "introduction",
            "introduction__organisation",
            "introduction__space",
            "introduction__proposed_by",
            "person",
            "volunteer",
        )
        .first()
    )
    return found


def other_sides(side: IntroductionSide) -> list[IntroductionSide]:
    """The other side(s), for the link page: the view shows only what each side shared, and only
    once the introduction happened."""
    return list(
        IntroductionSide.objects.for_system("the other side, for what they chose to share")
        .filter(introduction_id=side.introduction_id)
        .exclude(pk=side.pk)
        .select_related("person", "volunteer")
    )


def told_lived_experience(side: IntroductionSide, organisation_id: int) -> tuple[list[str], str]:
    """What a volunteer side agreed may be told to the person they are introduced to: their lived
    experience (labels) and their own words about it. Nothing without that agreement, whatever
    was agreed for matching (issue 15 §2)."""
    if side.volunteer_id is None:
        return [], ""
    profile = VolunteerProfile.objects.filter(
        membership__user_id=side.volunteer_id,
        organisation_id=organisation_id,
        lived_experience_tell=True,
    ).first()
    if profile is None:
        return [], ""
    labels = dict(LivedExperience.choices)
    return (
        [str(labels.get(code, code)) for code in profile.tellable_lived_experience],
        profile.tellable_words,
    )


def link_readable(side: IntroductionSide, now: datetime | None = None) -> bool:
    """A used link still shows the outcome for a while; then it stops working altogether."""
    now = now or timezone.now()
    intro = side.introduction
    last = intro.introduced_at or intro.closed_at or intro.expires_at or intro.created_at
    return last + timedelta(days=LINK_READABLE_DAYS) > now


# Matching -------------------------------------------------------------------------------------
