"""The demo's volunteers (issue 15 §1–2), for `alongside demo`: enquiries at every stage of the
journey, some waiting on a reference or a DBS check, the town's volunteer accounts as active
volunteers with lived experience and their two agreements, and one person once supported who
came forward to volunteer (no link between the two: decision 0071).

Trusted system code: it writes with `bulk_create` and no audit events (the demo builder records
one `demo.built` event for the whole town). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.models import User

from alongside.access.models import Membership, Organisation, Role
from alongside.connections.models import VolunteerProfile
from alongside.people.models import Person
from alongside.support.models import SupportNote
from alongside.volunteers.models import (
    ORDER,
    Check,
    CheckKind,
    DbsLevel,
    Reference,
    Stage,
    StageChange,
    Volunteer,
)

# (first name, last name, stage, days at the stage, what is waited on)
JOURNEYS = (
    ("Harriet", "Blake", Stage.ENQUIRY, 2, ""),
    ("Tomasz", "Nowak", Stage.ENQUIRY, 9, ""),
    ("Gwen", "Rees", Stage.CONVERSATION, 5, ""),
    ("Kwame", "Mensah", Stage.REFERENCES, 12, "reference"),
    ("Lucy", "Fairweather", Stage.REFERENCES, 20, "reference"),
    ("Deepa", "Raman", Stage.CHECKS, 18, "dbs"),
    ("Oliver", "Stones", Stage.CHECKS, 33, "dbs"),
    ("Ana", "Costa", Stage.INDUCTION, 6, ""),
    ("Bill", "Hargreaves", Stage.PAUSED, 40, ""),
    ("Maureen", "Tully", Stage.LEAVING, 15, ""),
)
OFFERS = (
    "Helping at the foodbank on Saturdays",
    "Befriending, ideally someone who likes walking",
    "Driving people to appointments on weekday mornings",
    "Anything with the knit and natter group",
)
WORDS = (
    "I was a carer for my mum for six years, so I know how lonely it gets.",
    "I used the foodbank myself a few years ago; I know how hard the first visit is.",
    "I came here as a refugee and had to learn the system from scratch.",
)


def _path(stage: str) -> list[str]:
    """The stages someone passed through to reach `stage` (paused and leaving after active)."""
    return ORDER[: ORDER.index(stage) + 1]


def build_volunteers(
    *, organisation: Organisation, seed: int, today: date, canary: str | None = None
) -> dict[str, int]:
    rng = random.Random(f"{seed}:volunteers")
    coordinator = (
        Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    by: User | None = coordinator.user if coordinator else None
    rows: list[tuple[Volunteer, list[tuple[str, date]]]] = []

    def add(given: str, family: str, stage: str, days: int, membership: Membership | None) -> None:
        path = _path(stage)
        since = today - timedelta(days=days)
        # Earlier stages a week or two apart, back from the current one.
        dates = [since - timedelta(days=10 * (len(path) - 1 - i)) for i in range(len(path))]
        rows.append(
            (
                Volunteer(
                    organisation=organisation,
                    given_name=given,
                    family_name=family,
                    email=f"{given}.{family}@example.org".lower(),
                    phone=f"07700 900{rng.randint(100, 999)}",
                    offer=rng.choice(OFFERS),
                    stage=stage,
                    stage_since=since,
                    enquired_on=dates[0],
                    membership=membership,
                ),
                list(zip(path, dates, strict=True)),
            )
        )

    for given, family, stage, days, _waiting in JOURNEYS:
        add(given, family, stage, days, None)
    # The town's volunteer accounts are its active volunteers.
    volunteers = list(
        Membership.objects.filter(organisation=organisation, role=Role.VOLUNTEER)
        .select_related("user")
        .order_by("pk")
    )
    for index, membership in enumerate(volunteers):
        user = membership.user
        add(
            user.first_name or user.username,
            user.last_name,
            Stage.ACTIVE,
            60 + 30 * index,
            membership,
        )
    # Someone once supported (with support notes) who came forward to volunteer: an enquiry
    # like anyone else's, with no link to their record (decision 0071).
    supported = (
        Person.objects.filter(organisation=organisation)
        .filter(
            pk__in=SupportNote.objects.for_system("demo: someone once supported").values(
                "person_id"
            )
        )
        .order_by("pk")
        .first()
    )
    if supported is not None:
        add(supported.given_name, supported.family_name or "", Stage.INDUCTION, 3, None)
    created = Volunteer.objects.bulk_create([v for v, _ in rows])
    changes, references, checks = [], [], []
    for volunteer, path in zip(created, (p for _, p in rows), strict=True):
        previous = ""
        for stage, on in path:
            changes.append(
                StageChange(
                    volunteer=volunteer,
                    from_stage=previous,
                    to_stage=stage,
                    on=on,
                    by=by if previous else None,
                )
            )
            previous = stage
        reached = {stage: on for stage, on in path}
        if Stage.REFERENCES in reached:
            asked = reached[Stage.REFERENCES]
            waiting = volunteer.stage == Stage.REFERENCES
            for n, who in enumerate(("A former employer", "A neighbour of ten years")):
                back = not waiting or n == 0
                references.append(
                    Reference(
                        volunteer=volunteer,
                        referee=who,
                        asked_on=asked,
                        received_on=asked + timedelta(days=5) if back else None,
                        satisfactory=True if back else None,
                        recorded_by=by,
                    )
                )
        if Stage.CHECKS in reached:
            asked = reached[Stage.CHECKS]
            back = volunteer.stage != Stage.CHECKS
            checks.append(
                Check(
                    volunteer=volunteer,
                    kind=CheckKind.DBS,
                    requested_on=asked,
                    level=DbsLevel.ENHANCED if back else "",
                    certificate_number=f"00{rng.randint(10**9, 10**10 - 1)}" if back else "",
                    issued_on=asked + timedelta(days=14) if back else None,
                    update_service_checked_on=today - timedelta(days=rng.randint(5, 80))
                    if back
                    else None,
                    recorded_by=by,
                )
            )
            checks.append(
                Check(
                    volunteer=volunteer,
                    kind=CheckKind.RIGHT_TO_VOLUNTEER,
                    requested_on=asked,
                    confirmed_on=asked + timedelta(days=1),
                    recorded_by=by,
                )
            )
    StageChange.objects.bulk_create(changes)
    Reference.objects.bulk_create(references)
    Check.objects.bulk_create(checks)
    # Lived experience: the volunteers' own words, with each agreement given (or not) apart.
    profiles = list(VolunteerProfile.objects.filter(organisation=organisation).order_by("pk"))
    for index, profile in enumerate(profiles):
        if not profile.lived_experience:
            continue
        profile.lived_experience_words = WORDS[index % len(WORDS)]
        profile.lived_experience_consent_on = today - timedelta(days=30)
        profile.lived_experience_tell = index % 2 == 0
        profile.lived_experience_tell_on = (
            today - timedelta(days=20) if profile.lived_experience_tell else None
        )
    VolunteerProfile.objects.bulk_update(
        profiles,
        [
            "lived_experience_words",
            "lived_experience_consent_on",
            "lived_experience_tell",
            "lived_experience_tell_on",
        ],
    )
    return {
        "volunteers": len(created),
        "volunteer stage changes": len(changes),
        "volunteer references": len(references),
        "volunteer checks": len(checks),
    }
