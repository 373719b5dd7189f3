"""One person's contacts, expanded from their plan on demand (pure: no database).

Times fall in working hours (Europe/London, or the configured zone) on working days before
today, so no contact is ever in the future. Each person has their own random stream.
"""

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import accumulate

from alongside.demo import names
from alongside.demo.town import (
    ADVICE,
    FOODBANK,
    HILLSIDE_TEAM,
    LINK,
    RANDOM_FOLLOW_UP,
    Calendar,
    HandoverPlan,
    PersonPlan,
    Town,
    weighted,
)
from alongside.relationships.models import Handover, Initiator, Mode, SpellReason


@dataclass(slots=True)
class ContactPlan:
    at: datetime
    worker: int
    also_present: int | None
    others_present: str
    mode: str
    minutes: int
    initiated_by: str
    follow_up_on: date | None
    handover: int | None  # the handover's index, when this contact is its introduction
    asked_for: str | None  # None: no support note
    text: str


MODES: dict[str, tuple[tuple[str, float], ...]] = {
    FOODBANK: ((Mode.IN_PERSON, 60), (Mode.PHONE, 25), (Mode.MESSAGE, 10), (Mode.HOME_VISIT, 5)),
    ADVICE: ((Mode.PHONE, 40), (Mode.IN_PERSON, 35), (Mode.VIDEO, 10), (Mode.MESSAGE, 10),
             (Mode.HOME_VISIT, 5)),
    LINK: ((Mode.IN_PERSON, 35), (Mode.PHONE, 30), (Mode.HOME_VISIT, 12), (Mode.VIDEO, 8),
           (Mode.MESSAGE, 8), (Mode.GROUP, 7)),
    "befriending": ((Mode.PHONE, 50), (Mode.IN_PERSON, 35), (Mode.HOME_VISIT, 15)),
    HILLSIDE_TEAM: ((Mode.PHONE, 45), (Mode.IN_PERSON, 40), (Mode.MESSAGE, 10), (Mode.VIDEO, 5)),
}  # fmt: skip
MINUTES = {
    Mode.PHONE: (5, 40), Mode.MESSAGE: (5, 15), Mode.IN_PERSON: (20, 75),
    Mode.HOME_VISIT: (30, 90), Mode.VIDEO: (15, 60), Mode.GROUP: (45, 90),
}  # fmt: skip
THEY_GOT_IN_TOUCH = {FOODBANK: 0.6, ADVICE: 0.45, LINK: 0.4, "befriending": 0.3, HILLSIDE_TEAM: 0.5}
INTRODUCTION_MODES = ((Mode.IN_PERSON, 70), (Mode.HOME_VISIT, 20), (Mode.VIDEO, 10))
# Quarter-hour starts from 09:00 to 16:45, busiest mid-morning and mid-afternoon.
_HOUR_WEIGHTS = {9: 1, 10: 3, 11: 3, 12: 1, 13: 2, 14: 3, 15: 2, 16: 1}
SLOTS = [time(hour, minute) for hour in _HOUR_WEIGHTS for minute in (0, 15, 30, 45)]
_SLOT_WEIGHTS = list(accumulate(_HOUR_WEIGHTS[slot.hour] for slot in SLOTS))
QUARTER_DAYS = 91
ASKED_FOR = {**names.ASKED_FOR, HILLSIDE_TEAM: names.ASKED_FOR[ADVICE]}


class ContactMaker:
    def __init__(self, town: Town, zone: tzinfo) -> None:
        self.town = town
        self.zone = zone
        self._times: dict[tuple[date, int], datetime] = {}

    def moment(self, day: date, slot: int) -> datetime:
        key = (day, slot)
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = datetime.combine(day, SLOTS[slot], tzinfo=self.zone)
        return found

    def days_of(self, person: PersonPlan, rng: random.Random) -> list[date]:
        if person.fixed_days is not None:
            days = list(person.fixed_days)
        else:
            days, day = [], person.first_day
            while day <= person.stop_day:
                days.append(day)
                step = max(1, round(person.gap_days * rng.uniform(0.6, 1.4)))
                day = Calendar.forward(day + timedelta(days=step))
        introductions = {
            h.completed_on for h in person.handovers if h.status == Handover.Status.WARM
        }
        if introductions:
            days = sorted({d for d in days if d not in introductions} | introductions)
        return days

    def contacts_of(self, person: PersonPlan) -> list[ContactPlan]:
        town, canary = self.town, self.town.canary
        rng = random.Random(f"{town.seed}:contacts:{person.org}:{person.stream}")
        org = town.org(person.org)
        introductions = {
            h.completed_on: h for h in person.handovers if h.status == Handover.Status.WARM
        }
        days = self.days_of(person, rng)
        quarter_start = town.today - timedelta(days=QUARTER_DAYS)
        rotation: list[int] = []
        covers: dict[int, int] = {}
        turn = 0
        contacts = []
        for number, day in enumerate(days):
            handover = introductions.get(day)
            also: int | None = None
            if handover is not None:
                worker, also = handover.from_worker, handover.to_worker
            else:
                named = person.named_on(day)
                if named is None:
                    chosen = town.choose_named_worker(rng, org, person.team, day)
                    if chosen is None:
                        raise RuntimeError(f"nobody in {person.team} works on {day}")
                    worker = chosen
                elif person.scattered and day >= quarter_start:
                    if not rotation:
                        rotation = [named] + sorted(
                            w for w in org.pods.get(town.workers[named].pod, [])
                            if w != named and town.workers[w].active_on(day)
                        )[:3]  # fmt: skip
                        turn = rng.randrange(len(rotation))
                    worker = rotation[turn % len(rotation)]
                    turn += 1
                    if not town.workers[worker].active_on(day):
                        worker = named
                elif rng.random() < person.p_named:
                    worker = named
                else:  # mostly the colleague who usually covers for their named worker
                    cover = covers.get(named)
                    if (
                        cover is not None
                        and town.workers[cover].active_on(day)
                        and rng.random() < 0.75
                    ):
                        worker = cover
                    else:
                        worker = town.colleague(rng, org, named, day) or named
                        if cover is None or not town.workers[cover].active_on(day):
                            covers[named] = worker
                if rng.random() < 0.04:
                    also = town.colleague(rng, org, worker, day, exclude=(worker,))
            slot = bisect_right(_SLOT_WEIGHTS, rng.random() * _SLOT_WEIGHTS[-1])
            mode = weighted(rng, INTRODUCTION_MODES if handover else MODES[person.style])
            low, high = MINUTES[mode]
            minutes = 5 * rng.randint(low // 5, high // 5)
            person_started = handover is None and rng.random() < THEY_GOT_IN_TOUCH[person.style]
            follow_up = day + timedelta(days=rng.randint(2, 21)) if rng.random() < 0.3 else None
            if number == len(days) - 1:
                if person.last_follow_up is not RANDOM_FOLLOW_UP:
                    follow_up = person.last_follow_up
                elif follow_up is not None and follow_up < town.today and rng.random() < 0.6:
                    follow_up = None
            others = rng.choice(names.OTHERS_PRESENT) if rng.random() < 0.07 else ""
            asked: str | None = rng.choice(ASKED_FOR[person.style])
            text = rng.choice(names.NOTE_TEXTS)
            with_note, with_text = rng.random() < 0.85, rng.random() < 0.4
            if handover is not None:
                asked, text = self._introduction_words(handover)
                others, with_note, with_text = "", True, True
            if not with_note:
                asked = None
            elif canary:  # every support-sphere text carries the token
                asked, text = f"{asked} {canary}", f"{text} {canary}"
            elif not with_text:
                text = ""
            contacts.append(ContactPlan(
                at=self.moment(day, slot), worker=worker, also_present=also, others_present=others,
                mode=mode, minutes=minutes,
                initiated_by=Initiator.PERSON if person_started else Initiator.US,
                follow_up_on=follow_up, handover=handover.index if handover else None,
                asked_for=asked, text=text,
            ))  # fmt: skip
        return contacts

    def _introduction_words(self, handover: HandoverPlan) -> tuple[str, str]:
        old = self.town.workers[handover.from_worker].first_name
        new = self.town.workers[handover.to_worker].first_name
        if handover.reason == SpellReason.WORKER_LEFT:
            asked = f"To meet {new} before {old} leaves"
        elif handover.reason == SpellReason.PERSON_CHOSE:
            asked = f"To start seeing {new}"
        else:
            asked = f"To meet {new}, my new worker"
        return asked, f"Three of us met. {new} will be in touch next week."
