"""Synthetic answers for the demo town: baselines and follow-ups for a share of its people.

Called by the demo builder inside its transaction, after contacts exist. Writes rows directly
(no per-row audit events: the builder records one `demo.built` event). Deterministic per seed.
People who mostly see their named worker improve a little more, so the outcomes page has
something true-to-life to show. Answers are numbers only: measures store no free text, so there is
nowhere for the canary token to go (the argument is accepted for the builder's uniform call).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from alongside.access.models import Organisation
from alongside.measures.baselines import rebuild as rebuild_baselines
from alongside.measures.builtins import LONELINESS, ONS4, RELATIONSHIP_CHECK
from alongside.measures.models import InstrumentVersion, Response, SittingKind
from alongside.relationships.models import Contact
from alongside.relationships.queries import continuity_for_people

SHARE_ASKED = 0.6
FOLLOW_UP_AFTER = timedelta(weeks=8)
MODES = (SittingKind.LINK, SittingKind.LINK, SittingKind.KIOSK, SittingKind.READ_OUT)


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _ons4(rng: random.Random, level: float) -> dict[str, int | None]:
    """`level` ~ 0..10 wellbeing; anxiety runs the other way."""
    answers: dict[str, int | None] = {
        "life_satisfaction": _clamp(rng.gauss(level, 1.2), 0, 10),
        "worthwhile": _clamp(rng.gauss(level + 0.5, 1.2), 0, 10),
        "happiness": _clamp(rng.gauss(level, 1.5), 0, 10),
        "anxiety": _clamp(rng.gauss(10 - level, 1.8), 0, 10),
    }
    if rng.random() < 0.05:
        answers[rng.choice(list(answers))] = None  # prefer not to say
    return answers


def _loneliness(rng: random.Random, lonely: float) -> dict[str, int | None]:
    """`lonely` ~ 1..3 on the UCLA items."""
    item = lambda: _clamp(rng.gauss(lonely, 0.5), 1, 3)  # noqa: E731
    answers: dict[str, int | None] = {
        "direct": _clamp(6 - (lonely - 1) * 2.5 + rng.gauss(0, 0.6), 1, 5),
        "companionship": item(),
        "left_out": item(),
        "isolated": item(),
    }
    if rng.random() < 0.05:
        answers["isolated"] = None
    return answers


def _relationship(rng: random.Random, warmth: float) -> dict[str, int | None]:
    codes = (
        "listened",
        "not_judged",
        "knew_them",
        "competent",
        "moved_forward",
        "safe_to_say",
        "had_a_say",
    )
    answers: dict[str, int | None] = {code: _clamp(rng.gauss(warmth, 0.7), 1, 5) for code in codes}
    if rng.random() < 0.1:
        answers[rng.choice(codes)] = None
    return answers


def build_measures(
    *, organisation: Organisation, seed: int, today: date, canary: str | None
) -> dict[str, int]:
    """Baselines at first contact and a follow-up at the latest contact (when at least 8 weeks
    later) for about 60% of the organisation's people with contacts. Returns counts."""

    del canary  # numbers only: see the module docstring
    rng = random.Random(f"measures-{seed}")
    versions = {
        v.instrument.key: v
        for v in InstrumentVersion.objects.filter(
            instrument__organisation__isnull=True, number=1
        ).select_related("instrument")
    }
    contacts: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    rows = Contact.objects.filter(organisation=organisation).order_by("person_id", "at", "id")
    for person_id, at, worker_id in rows.values_list("person_id", "at", "worker_id"):
        contacts[person_id].append((at, worker_id))
    people = sorted(contacts)
    zone = timezone.get_current_timezone()
    since = datetime.combine(today - timedelta(days=730), time.min, tzinfo=zone)
    until = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    continuity = continuity_for_people(people, since=since, until=until)
    created: list[Response] = []
    asked = followed = 0
    for person_id in people:
        if rng.random() >= SHARE_ASKED:
            continue
        asked += 1
        first_at, first_worker = contacts[person_id][0]
        last_at, last_worker = contacts[person_id][-1]
        share = continuity[person_id].named_share
        share = 0.5 if share is None else share
        level = rng.uniform(2.5, 6.5)
        lonely = rng.uniform(1.6, 2.8)

        def add(
            key: str,
            answers: dict[str, int | None],
            at: datetime,
            worker: int,
            pid: int = person_id,
        ) -> None:
            created.append(
                Response(
                    organisation=organisation,
                    person_id=pid,
                    version=versions[key],
                    mode=rng.choice(MODES),
                    author_id=worker,
                    about_worker_id=worker,
                    completed_at=at + timedelta(minutes=5),
                    answers=answers,
                )
            )

        add(ONS4, _ons4(rng, level), first_at, first_worker)
        add(LONELINESS, _loneliness(rng, lonely), first_at, first_worker)
        add(RELATIONSHIP_CHECK, _relationship(rng, 3.4 + share), first_at, first_worker)
        if last_at - first_at >= FOLLOW_UP_AFTER:
            followed += 1
            gain = rng.gauss(0.4 + 1.8 * share, 1.0)
            add(ONS4, _ons4(rng, min(10.0, level + gain)), last_at, last_worker)
            add(LONELINESS, _loneliness(rng, max(1.0, lonely - 0.25 * gain)), last_at, last_worker)
            add(RELATIONSHIP_CHECK, _relationship(rng, 3.2 + 1.4 * share), last_at, last_worker)
    Response.objects.bulk_create(created)
    rebuild_baselines()  # written in bulk, past the services
    result: dict[str, Any] = {
        "measure_people_asked": asked,
        "measure_people_followed_up": followed,
        "measure_responses": len(created),
    }
    return result
