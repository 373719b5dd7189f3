"""Synthetic connections for the demo town: lists, profiles, volunteers, introductions, matches.

Called by the demo builder inside its transaction, after people, workers and contacts exist.
Writes rows directly with bulk_create (no per-row audit events: the builder records one
`demo.built` event). Deterministic per seed. Support-sphere free text (what people would like
from meeting people, follow-up words) carries the canary when one is given, so the canary crawl
proves it never reaches a page it should not. Lived experience is only ever stored with consent.
Introduction links are not usable (no token is stored): workers record answers with people.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
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
    VolunteerProfile,
)
from alongside.people.models import Person
from alongside.relationships.models import NamedWorkerSpell
from alongside.spaces.models import Space

INTERESTS = (
    "Walking",
    "Cooking",
    "Gardening",
    "Football",
    "Knitting",
    "Music",
    "Reading",
    "Board games",
    "Art",
    "Fishing",
)
LOCALITIES = ("Northfield", "Southgate", "Riverside", "Old Town", "Hillcrest")
SHARE_WITH_PROFILE = 0.5
SHARE_LIVED_CONSENT = 0.4
WORDS = (
    "Would like someone to go for a walk with",
    "Misses having people to talk to since moving",
    "Happy to meet someone who gets what caring is like",
    "Wants to practise English over a cup of tea",
)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def build_connections(
    *, organisation: Organisation, seed: int, today: date, canary: str | None
) -> dict[str, int]:
    """Profiles for about half the people and every volunteer, a few introductions in each
    state (one still waiting for an answer), and a few confirmed matches. Returns counts."""

    rng = random.Random(f"connections-{seed}")
    suffix = f" {canary}" if canary else ""
    interests = Interest.objects.bulk_create(
        [Interest(organisation=organisation, name=name) for name in INTERESTS]
    )
    localities = Locality.objects.bulk_create(
        [Locality(organisation=organisation, name=name) for name in LOCALITIES]
    )
    slots = [code for code, _ in SLOTS]
    lived_codes = [str(c.value) for c in LivedExperience]
    named = dict(
        NamedWorkerSpell.objects.filter(organisation=organisation, ended_on__isnull=True)
        .order_by("person_id", "id")
        .values_list("person_id", "worker_id")
    )
    people = list(Person.objects.filter(organisation=organisation).order_by("pk"))
    fallback = (
        Membership.objects.filter(organisation=organisation, role=Role.SUPPORTER)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    profiles: list[PersonProfile] = []
    chosen_interests: dict[int, list[Interest]] = {}
    for person in people:
        author = named.get(person.pk, fallback)
        if author is None or rng.random() >= SHARE_WITH_PROFILE:
            continue
        consent = rng.random() < SHARE_LIVED_CONSENT
        profiles.append(
            PersonProfile(
                organisation=organisation,
                person=person,
                author_id=author,
                locality=rng.choice(localities),
                availability=sorted(rng.sample(slots, rng.randint(1, 4))),
                lived_experience=sorted(rng.sample(lived_codes, rng.randint(1, 2)))
                if consent
                else [],
                lived_experience_consent=consent,
                open_to_introductions=rng.random() < 0.9,
                wants_volunteer=rng.random() < 0.4,
                in_their_words=rng.choice(WORDS) + suffix,
            )
        )
        chosen_interests[person.pk] = rng.sample(interests, rng.randint(1, 3))
    profiles = PersonProfile.objects.bulk_create(profiles)
    through = PersonProfile.interests.through
    through.objects.bulk_create(
        [
            through(personprofile_id=p.pk, interest_id=i.pk)
            for p in profiles
            for i in chosen_interests[p.person_id]
        ]
    )

    volunteers = list(
        Membership.objects.filter(
            organisation=organisation, role=Role.VOLUNTEER, left_on__isnull=True
        ).order_by("pk")
    )
    vprofiles = VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(
                organisation=organisation,
                membership=m,
                capacity=rng.randint(1, 3),
                available_for_matching=rng.random() < 0.9,
                locality=rng.choice(localities),
                availability=sorted(rng.sample(slots, rng.randint(2, 6))),
                lived_experience=[rng.choice(lived_codes)] if rng.random() < 0.5 else [],
                lived_experience_consent=True,
                gender=rng.choice([g.value for g in VolunteerGender]),
            )
            for m in volunteers
        ]
    )
    vthrough = VolunteerProfile.interests.through
    vthrough.objects.bulk_create(
        [
            vthrough(volunteerprofile_id=v.pk, interest_id=i.pk)
            for v in vprofiles
            for i in rng.sample(interests, rng.randint(1, 3))
        ]
    )

    spaces = list(Space.objects.filter(organisation=organisation).order_by("pk"))
    sprofiles = SpaceProfile.objects.bulk_create(
        [
            SpaceProfile(
                space=s,
                locality=rng.choice(localities),
                times=sorted(rng.sample(slots, 1)),
                lived_experience=[rng.choice(lived_codes)] if rng.random() < 0.3 else [],
            )
            for s in spaces
        ]
    )
    sthrough = SpaceProfile.interests.through
    sthrough.objects.bulk_create(
        [
            sthrough(spaceprofile_id=sp.pk, interest_id=i.pk)
            for sp in sprofiles
            for i in rng.sample(interests, rng.randint(1, 2))
        ]
    )

    # Introductions between people with profiles, in every state.
    open_people = [p for p in profiles if p.open_to_introductions]
    rng.shuffle(open_people)
    plan = [
        Status.ASKING,  # one still waiting for an answer
        Status.ASKING,
        Status.INTRODUCED,
        Status.FOLLOWED_UP,
        Status.DECLINED,
        Status.EXPIRED,
        Status.WITHDRAWN,
        Status.PROPOSED,
    ]
    intros: list[Introduction] = []
    pairs: list[tuple[PersonProfile, PersonProfile]] = []
    for number, status in enumerate(plan):
        if 2 * number + 1 >= len(open_people):
            break
        a, b = open_people[2 * number], open_people[2 * number + 1]
        created = _at(today - timedelta(days=rng.randint(3, 40)))
        asked = created + timedelta(hours=2) if status != Status.PROPOSED else None
        if status == Status.ASKING:
            expires: datetime | None = _at(today) + timedelta(days=rng.randint(3, 10))
        else:
            expires = asked + timedelta(days=14) if asked else None
        introduced = (
            created + timedelta(days=2)
            if status in (Status.INTRODUCED, Status.FOLLOWED_UP)
            else None
        )
        closed = (
            created + timedelta(days=3)
            if status in (Status.DECLINED, Status.WITHDRAWN)
            else (expires if status == Status.EXPIRED else None)
        )
        intros.append(
            Introduction(
                organisation=organisation,
                kind=Kind.PEOPLE,
                status=status,
                in_common=["both like walking"],
                proposed_by_id=a.author_id,
                created_at=created,
                asked_at=asked,
                expires_at=expires,
                introduced_at=introduced,
                closed_at=closed,
            )
        )
        pairs.append((a, b))
    intros = Introduction.objects.bulk_create(intros)
    sides: list[IntroductionSide] = []
    for intro, (a, b) in zip(intros, pairs, strict=True):
        answers = {
            Status.INTRODUCED: (Answer.AGREED, Answer.AGREED),
            Status.FOLLOWED_UP: (Answer.AGREED, Answer.AGREED),
            Status.DECLINED: (Answer.AGREED, Answer.DECLINED),
            Status.ASKING: (Answer.AGREED, Answer.WAITING),
        }.get(Status(intro.status), (Answer.WAITING, Answer.WAITING))
        for position, (profile, answer) in enumerate(zip((a, b), answers, strict=True)):
            sides.append(
                IntroductionSide(
                    introduction=intro,
                    position=position,
                    person_id=profile.person_id,
                    answer=answer,
                    answered_at=intro.created_at + timedelta(days=1)
                    if answer != Answer.WAITING
                    else None,
                    answered_by_id=profile.author_id if answer != Answer.WAITING else None,
                    share_first_name=answer == Answer.AGREED,
                    share_in_common=answer == Answer.AGREED,
                )
            )
    sides = IntroductionSide.objects.bulk_create(sides)
    follow_ups = FollowUp.objects.bulk_create(
        [
            FollowUp(
                organisation=organisation,
                side=side,
                person_id=side.person_id,
                met=Met.YES,
                how=HowItWent.GOOD,
                in_their_words="We had a coffee and a laugh" + suffix,
                author_id=pairs[intros.index(side.introduction)][side.position].author_id,
                recorded_at=side.introduction.introduced_at + timedelta(days=7),
            )
            for side in sides
            if side.introduction.status == Status.FOLLOWED_UP
        ]
    )

    # A few confirmed matches of people who would like a volunteer.
    wanting = [p for p in profiles if p.wants_volunteer]
    available = [v for v in vprofiles if v.available_for_matching]
    coordinator = (
        Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    matches: list[Match] = []
    if coordinator is not None:
        for profile, vprofile in zip(wanting[:3], available[:3], strict=False):
            matches.append(
                Match(
                    organisation=organisation,
                    person_id=profile.person_id,
                    volunteer_id=vprofile.membership.user_id,
                    score=float(rng.randint(1, 6)),
                    why=["both free at the same time"],
                    weights={},
                    confirmed_by_id=coordinator,
                    confirmed_at=_at(today - timedelta(days=rng.randint(1, 20))),
                )
            )
    matches = Match.objects.bulk_create(matches)
    return {
        "connections_profiles": len(profiles),
        "connections_volunteer_profiles": len(vprofiles),
        "connections_space_profiles": len(sprofiles),
        "connections_introductions": len(intros),
        "connections_follow_ups": len(follow_ups),
        "connections_matches": len(matches),
    }
