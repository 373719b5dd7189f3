"""Synthetic spaces for the demo town: groups with hosts, weekly sessions over the last year (or
the demo's history, if shorter), who came, a few regulars who stopped lately, ties counted twice.

Called by the demo builder inside its transaction. Writes rows in bulk (no per-row audit events:
the builder records one `demo.built` event). Deterministic per seed. Support-sphere words (ties,
reasons for stopping) carry the canary token when one is given; shared texts (space names,
venues) never do. Fast for 100,000 people: a few hundred attendees, bulk inserts.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from alongside.access.models import Membership, Organisation
from alongside.people.models import Person
from alongside.relationships.models import Contact
from alongside.spaces.models import (
    Attendance,
    Invitation,
    Session,
    SessionPattern,
    Space,
    StoppingReason,
    Tie,
    TieCount,
    TieKind,
)
from alongside.spaces.recurrence import pattern_dates
from alongside.visibility.roles import WORKER_ROLES

MAX_WEEKS = 52
AHEAD_WEEKS = 8
SPACES = [
    # name, about, venue, link, access, weekday, start, end
    (
        "Tuesday Lunch Club",
        "Soup, bread and a chat. Come when you like.",
        "St Mark's Hall, Canal Street",
        "",
        Space.Access.DROP_IN,
        1,
        time(12),
        time(14),
    ),
    (
        "Thursday Walking Group",
        "An easy hour along the river, then tea.",
        "Meet at the library steps",
        "",
        Space.Access.DROP_IN,
        3,
        time(10),
        time(11, 30),
    ),
    (
        "Online Coffee Morning",
        "Bring a cuppa and join from home.",
        "",
        "https://meet.example.org/riverside-coffee",
        Space.Access.DROP_IN,
        4,
        time(10, 30),
        time(11, 30),
    ),
    (
        "Craft Circle",
        "Knitting, sewing and mending, in the room or on screen.",
        "Community Centre, Room 2",
        "https://meet.example.org/riverside-craft",
        Space.Access.INVITATION,
        0,
        time(14),
        time(16),
    ),
]
TIE_WORDS = {
    TieKind.BONDING: [
        "My sister, she rings most days",
        "Mates from the lunch club",
        "My neighbour two doors down",
        "My son when he's not working",
    ],
    TieKind.BRIDGING: [
        "The walking group lot",
        "A woman from church I got talking to",
        "People at the allotment",
    ],
    TieKind.LINKING: [
        "The housing officer who actually calls back",
        "My GP, I can ask her things now",
        "The advice worker at the library",
    ],
}
REASON_WORDS = {
    StoppingReason.Reason.MOVED: "Moved across town, too far on the bus",
    StoppingReason.Reason.HEALTH: "My back's been bad, can't sit that long",
    StoppingReason.Reason.FOUND_ELSE: "Started going to the gym with my cousin",
    StoppingReason.Reason.TIMES: "Got shifts on that day now",
}
PER_SPACE = (18, 40)
STOPPED_PER_SPACE = 3


def _words(text: str, canary: str | None) -> str:
    return f"{text} {canary}" if canary else text


def build_spaces(
    *, organisation: Organisation, seed: int, today: date, canary: str | None
) -> dict[str, int]:
    """Spaces, patterns, sessions, attendance, invitations, ties and tie counts, reasons.

    Side effects (bulk, no audit events): the rows above for `organisation`.
    """
    rng = random.Random(f"{seed}:spaces")
    zone = timezone.get_current_timezone()
    teams = list(organisation.teams.order_by("name", "pk"))
    workers = list(
        Membership.objects.filter(
            organisation=organisation, role__in=WORKER_ROLES, left_on__isnull=True
        )
        .order_by("pk")
        .values_list("user_id", "team_id")
    )
    empty = {
        "spaces": 0,
        "space_sessions": 0,
        "space_attendances": 0,
        "space_ties": 0,
        "space_tie_counts": 0,
        "space_stopping_reasons": 0,
    }
    if not teams or not workers:
        return empty

    earliest = Contact.objects.filter(organisation=organisation).aggregate(first=Min("at"))["first"]
    start = today - timedelta(weeks=MAX_WEEKS)
    if earliest is not None:
        start = max(start, earliest.astimezone(zone).date())
    people_by_team: dict[int, list[int]] = {}
    for person_id, team_id in (
        Person.objects.filter(organisation=organisation).order_by("pk").values_list("pk", "team_id")
    ):
        people_by_team.setdefault(team_id, []).append(person_id)
    author = workers[0][0]
    counts = dict(empty)
    attendances: list[Attendance] = []
    ties: list[Tie] = []
    tie_counts: list[TieCount] = []
    reasons: list[StoppingReason] = []
    invitations: list[Invitation] = []
    tied: set[int] = set()
    closed_at = timezone.make_aware(datetime.combine(today, time(18)), zone)
    for index, (name, about, venue, link, access, weekday, starts, ends) in enumerate(SPACES):
        team = teams[index % len(teams)]
        hosts = [user for user, team_id in workers if team_id == team.pk] or [u for u, _ in workers]
        host_id = rng.choice(hosts)
        space = Space.objects.create(
            organisation=organisation,
            team=team,
            name=name,
            about=about,
            access=access,
            venue=venue,
            online_link=link,
            host_id=host_id,
        )
        pattern = SessionPattern.objects.create(
            organisation=organisation,
            space=space,
            weekday=weekday,
            starts_at=starts,
            ends_at=ends,
            every_weeks=1,
            starts_on=start,
            ends_on=today + timedelta(weeks=AHEAD_WEEKS),
            created_by_id=host_id,
        )
        dates = pattern_dates(
            weekday=weekday, every_weeks=1, starts_on=start, ends_on=pattern.ends_on
        )
        cancelled = {day for day in dates if day < today and rng.random() < 0.04}
        sessions = Session.objects.bulk_create(
            [
                Session(
                    organisation=organisation,
                    space=space,
                    pattern=pattern,
                    on=day,
                    starts_at=starts,
                    ends_at=ends,
                    created_by_id=host_id,
                    cancelled_at=closed_at if day in cancelled else None,
                    cancelled_by_id=host_id if day in cancelled else None,
                    register_closed_at=closed_at if day < today and day not in cancelled else None,
                    register_closed_by_id=host_id if day < today and day not in cancelled else None,
                )
                for day in dates
            ]
        )
        counts["spaces"] += 1
        counts["space_sessions"] += len(sessions)
        held = [s for s in sessions if s.on < today and s.cancelled_at is None]
        pool = people_by_team.get(team.pk) or [p for ids in people_by_team.values() for p in ids]
        if not pool or len(held) < 6:
            continue
        chosen = rng.sample(pool, min(len(pool), rng.randint(*PER_SPACE)))
        for n, person_id in enumerate(chosen):
            begin = rng.randrange(0, max(1, len(held) - 6))
            stopped = n < STOPPED_PER_SPACE
            rate = rng.uniform(0.85, 1.0) if stopped else rng.uniform(0.3, 0.95)
            came_to = []
            for position in range(begin, len(held)):
                if stopped and position >= len(held) - 2:
                    break  # a regular who has missed the last two sessions
                if stopped and position >= len(held) - 6 or rng.random() < rate:
                    came_to.append(held[position])
            for session in came_to:
                attendances.append(
                    Attendance(
                        organisation=organisation,
                        session=session,
                        space=space,
                        on=session.on,
                        person_id=person_id,
                        marked_by_id=host_id,
                    )
                )
            if access == Space.Access.INVITATION:
                invitations.append(
                    Invitation(
                        organisation=organisation,
                        space=space,
                        person_id=person_id,
                        invited_by_id=host_id,
                    )
                )
            if stopped and rng.random() < 0.5:
                reason = rng.choice(list(REASON_WORDS))
                reasons.append(
                    StoppingReason(
                        organisation=organisation,
                        person_id=person_id,
                        space=space,
                        reason=reason,
                        in_their_words=_words(REASON_WORDS[reason], canary),
                        author_id=host_id,
                    )
                )
            if came_to and person_id not in tied and rng.random() < 0.35:
                tied.add(person_id)
                first_on, second_on = came_to[0].on, today - timedelta(days=rng.randint(1, 20))
                kinds = [TieKind.BONDING] * rng.randint(0, 2) + [TieKind.LINKING] * rng.randint(
                    0, 1
                )
                later = [TieKind.BRIDGING] * rng.randint(0, 2) + [TieKind.BONDING] * rng.randint(
                    0, 1
                )
                for kind, on in [(k, first_on) for k in kinds] + [(k, second_on) for k in later]:
                    ties.append(
                        Tie(
                            organisation=organisation,
                            person_id=person_id,
                            kind=kind,
                            description=_words(rng.choice(TIE_WORDS[kind]), canary),
                            recorded_on=on,
                            author_id=host_id,
                        )
                    )
                for on, kinds_then in ((first_on, kinds), (second_on, kinds + later)):
                    tie_counts.append(
                        TieCount(
                            organisation=organisation,
                            person_id=person_id,
                            team=team,
                            counted_on=on,
                            bonding=kinds_then.count(TieKind.BONDING),
                            bridging=kinds_then.count(TieKind.BRIDGING),
                            linking=kinds_then.count(TieKind.LINKING),
                            author_id=host_id or author,
                        )
                    )
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    Invitation.objects.bulk_create(invitations, batch_size=2000, ignore_conflicts=True)
    Tie.objects.bulk_create(ties, batch_size=2000)
    TieCount.objects.bulk_create(tie_counts, batch_size=2000)
    StoppingReason.objects.bulk_create(reasons, batch_size=2000)
    counts["space_attendances"] = len(attendances)
    counts["space_ties"] = len(ties)
    counts["space_tie_counts"] = len(tie_counts)
    counts["space_stopping_reasons"] = len(reasons)
    return counts
