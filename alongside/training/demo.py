"""The demo's training and supervision, for `alongside demo`: the four seed courses, completions
for every worker (most in date, some running out within 60 days, some within 7, a few ran out and
not renewed), and supervision for supporters and volunteers (sessions every six weeks over the
last year, some overdue).

Trusted system code: it writes with `bulk_create` and no audit events (the demo builder records
one `demo.built` event for the whole town). Deterministic for a given seed. Each supervision
note holds `SV<n>-<canary>` when a canary is given, so leak tests can tell whose note reached whom.
The demo logins: `volunteer` is supervised by `supporter` and has safeguarding running out in
40 days; `coordinator` is in no supervision (so a coordinator's pages hold no note at all).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.training.models import (
    Activity,
    Completion,
    Course,
    Requirement,
    Supervision,
    SupervisionNote,
    SupervisionSession,
    add_months,
)
from alongside.visibility.roles import WORKER_ROLES

# name, run by (empty: the organisation's own), months in date, core, activities that need it
COURSES = (
    (
        "Safeguarding",
        "Riverside Safeguarding Partnership",
        36,
        True,
        (Activity.SHIFTS, Activity.MATCHING),
    ),
    ("Trauma-informed practice", "", 24, True, ()),
    ("Mental health first aid", "MHFA England", 36, False, ()),
    ("Food hygiene", "Riverside council", 36, False, ()),
)
NOTES = (
    "Talked through a hard week at the drop-in and what helped",
    "Looked at keeping boundaries with someone who rings every day",
    "Reflected on a handover that went well, and one that did not",
    "Went over workload: taking fewer new people this month",
    "Talked about feeling flat after a difficult conversation",
)


def _completed_for(expires_on: date, months: int) -> date:
    """The completion day that runs out on `expires_on` (months back, same day where it can)."""
    return add_months(expires_on, -months)


def build_training(
    *, organisation: Organisation, seed: int, today: date, canary: str | None = None
) -> dict[str, int]:
    rng = random.Random(f"{seed}:training")
    courses = Course.objects.bulk_create(
        [
            Course(
                organisation=organisation,
                name=name,
                provider=provider,
                valid_for_months=months,
                is_core=core,
            )
            for name, provider, months, core, _ in COURSES
        ]
    )
    Requirement.objects.bulk_create(
        [
            Requirement(organisation=organisation, course=course, activity=activity)
            for course, (*_, activities) in zip(courses, COURSES, strict=True)
            for activity in activities
        ]
    )
    workers = list(
        Membership.objects.filter(
            organisation=organisation, role__in=sorted(WORKER_ROLES), left_on__isnull=True
        )
        .select_related("user", "team")
        .order_by("pk")
    )
    completions = []
    for index, member in enumerate(workers):
        for course, (_, _, months, _, _) in zip(courses, COURSES, strict=True):
            expires_on = _expiry(rng, member, course.name, index, today)
            if expires_on is None:
                continue
            completions.append(
                Completion(
                    organisation=organisation,
                    membership=member,
                    course=course,
                    completed_on=_completed_for(expires_on, months),
                    expires_on=expires_on,
                    evidence=rng.choice(("Certificate seen", "Attended our session", "")),
                )
            )
    Completion.objects.bulk_create(completions, batch_size=500)
    supervisions, sessions, notes = _supervision(organisation, workers, rng, today, canary)
    return {
        "courses": len(courses),
        "completions": len(completions),
        "supervisions": supervisions,
        "supervision_sessions": sessions,
        "supervision_notes": notes,
    }


def _expiry(
    rng: random.Random, member: Membership, course: str, index: int, today: date
) -> date | None:
    """When this member's latest completion of `course` runs out (None: never done it)."""
    login = member.user.username
    if course == "Safeguarding":
        if login == "volunteer":
            # About to run out: inside the first reminder and the to-do's 30 days.
            return today + timedelta(days=20)
        if login in ("supporter", "coordinator"):
            return today + timedelta(days=400)
        if index % 17 == 5:
            return today - timedelta(days=rng.randint(3, 50))  # ran out, not renewed
        if index % 11 == 3:
            return today + timedelta(days=rng.randint(1, 7))  # the 7-day reminder
        if index % 7 == 2:
            return today + timedelta(days=rng.randint(8, 60))
        return today + timedelta(days=rng.randint(90, 1000))
    if course == "Trauma-informed practice":
        return today + timedelta(days=rng.randint(-20, 700)) if rng.random() < 0.75 else None
    if course == "Mental health first aid":
        return today + timedelta(days=rng.randint(30, 1000)) if rng.random() < 0.3 else None
    is_foodbank = member.team is not None and member.team.name == "Foodbank"
    if is_foodbank or member.role == Role.VOLUNTEER or login == "volunteer":
        return today + timedelta(days=rng.randint(60, 1000))
    return None


def _supervision(
    organisation: Organisation,
    workers: list[Membership],
    rng: random.Random,
    today: date,
    canary: str | None,
) -> tuple[int, int, int]:
    by_login = {m.user.username: m for m in workers}
    coordinators = [
        m for m in workers if m.role == Role.COORDINATOR and m.user.username != "coordinator"
    ]
    supporters = [m for m in workers if m.role == Role.SUPPORTER]
    supervisees = [m for m in workers if m.role in (Role.SUPPORTER, Role.VOLUNTEER)][:60]
    pairs: list[tuple[Membership, Membership]] = []
    for index, supervisee in enumerate(supervisees):
        if supervisee.user.username == "volunteer" and "supporter" in by_login:
            supervisor = by_login["supporter"]
        elif supervisee.role == Role.VOLUNTEER and supporters:
            supervisor = supporters[index % len(supporters)]
        elif coordinators:
            supervisor = coordinators[index % len(coordinators)]
        else:
            continue
        if supervisor.pk != supervisee.pk:
            pairs.append((supervisee, supervisor))
    supervisions = Supervision.objects.bulk_create(
        [
            Supervision(
                organisation=organisation,
                supervisee=supervisee,
                supervisor=supervisor,
                every_weeks=6,
                started_on=today - timedelta(days=360),
            )
            for supervisee, supervisor in pairs
        ]
    )
    now = timezone.now()
    sessions = []
    for index, supervision in enumerate(supervisions):
        overdue = index % 6 == 4 and supervision.supervisee.user.username != "volunteer"
        last = today - timedelta(days=rng.randint(50, 90) if overdue else rng.randint(3, 35))
        day = supervision.started_on + timedelta(days=7)
        while day < last - timedelta(weeks=3):
            sessions.append(
                SupervisionSession(
                    supervision=supervision, planned_for=day, held_on=day, recorded_at=now
                )
            )
            day += timedelta(weeks=6)
        sessions.append(
            SupervisionSession(
                supervision=supervision, planned_for=last, held_on=last, recorded_at=now
            )
        )
        if not overdue:
            sessions.append(
                SupervisionSession(supervision=supervision, planned_for=last + timedelta(weeks=6))
            )
    sessions = SupervisionSession.objects.bulk_create(sessions, batch_size=500)
    notes = SupervisionNote.objects.bulk_create(
        [
            SupervisionNote(
                session=session,
                text=NOTES[index % len(NOTES)] + (f" (SV{index}-{canary})" if canary else ""),
                written_by=next(
                    p[1] for p in pairs if p[0].pk == session.supervision.supervisee_id
                ).user,
            )
            for index, session in enumerate(sessions)
            if session.held_on is not None
        ],
        batch_size=500,
    )
    return len(supervisions), len(sessions), len(notes)
