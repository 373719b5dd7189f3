"""What two people (or a person and a group) have in common, in plain words. Pure: no Django.

`Traits` hold only what may be used: lived experience is already filtered by consent by the
caller (`queries.traits_for_person`), so nothing here can use it without agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

# What each kind of thing in common is worth by default; coordinators can change these.
DEFAULT_WEIGHTS: dict[str, float] = {
    "lived_experience": 3.0,
    "languages": 2.0,
    "interests": 1.0,
    "locality": 1.0,
    "availability": 1.0,
}
WEIGHT_LABELS = {
    "lived_experience": "Lived experience (only with agreement)",
    "languages": "Languages",
    "interests": "Interests",
    "locality": "Neighbourhood",
    "availability": "Free at the same times",
}


@dataclass(frozen=True)
class Traits:
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    locality: str = ""
    availability: frozenset[str] = frozenset()  # slot codes
    lived_experience: frozenset[str] = frozenset()  # codes, only with consent


@dataclass(frozen=True)
class InCommon:
    score: float
    phrases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sentence(self) -> str:
        return "; ".join(self.phrases)


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def compare(
    a: Traits,
    b: Traits,
    *,
    weights: Mapping[str, float] | None = None,
    lived_labels: Mapping[str, str] | None = None,
    slot_labels: Mapping[str, str] | None = None,
    group: bool = False,
) -> InCommon:
    """Score and explain what `a` and `b` share. `group`: b is a group ("the group meets on…")."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    lived_labels = lived_labels or {}
    slot_labels = slot_labels or {}
    phrases: list[str] = []
    score = 0.0
    lived = sorted(a.lived_experience & b.lived_experience)
    if lived:
        words = _and([lived_labels.get(code, code.replace("_", " ")) for code in lived])
        phrases.append(f"it is about {words}" if group else f"both know about {words}")
        score += w["lived_experience"] * len(lived)
    # English is what almost everyone here shares: only other languages count.
    languages = sorted((a.languages & b.languages) - {"english"})
    if languages:
        words = _and([lang.title() for lang in languages])
        phrases.append(f"it is in {words}" if group else f"both speak {words}")
        score += w["languages"] * len(languages)
    interests = sorted(a.interests & b.interests)
    if interests:
        words = _and([i.lower() for i in interests])
        phrases.append(f"it is about {words}" if group else f"both like {words}")
        score += w["interests"] * len(interests)
    if a.locality and a.locality == b.locality:
        phrases.append(f"it meets in {a.locality}" if group else f"both live in {a.locality}")
        score += w["locality"]
    slots = [s for s in sorted(a.availability & b.availability, key=slot_order)]
    if slots:
        labels = [slot_labels.get(s, s.replace("_", " ")) for s in slots[:3]]
        if group:
            # "the group meets on Tuesday evenings, when you are free"
            words = _and([f"{label}s" for label in labels])
            phrases.append(f"the group meets on {words}, when you are free")
        else:
            phrases.append(f"both free on {_and(labels)}")
        score += w["availability"] * min(len(slots), 3) / 3
    return InCommon(score=round(score, 3), phrases=tuple(phrases))


DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # weekday 0 is Monday
_DAY_ORDER = {d: i for i, d in enumerate(DAY_CODES)}
_PART_ORDER = {"morning": 0, "afternoon": 1, "evening": 2}
# Parts of the day, in minutes from midnight: morning until noon, afternoon until five.
PART_MINUTES = (
    ("morning", 0, 12 * 60),
    ("afternoon", 12 * 60, 17 * 60),
    ("evening", 17 * 60, 24 * 60),
)


def slots_for_session(weekday: int, starts_at: time, ends_at: time) -> set[str]:
    """The slot codes a session on `weekday` (0 Monday) from `starts_at` to `ends_at` falls in:
    every part of the day it overlaps, so 11:30 to 13:00 on a Tuesday is "tue_morning" and
    "tue_afternoon", and 10:00 to 12:00 only "tue_morning"."""
    if not 0 <= weekday <= 6:
        return set()
    start = starts_at.hour * 60 + starts_at.minute
    end = ends_at.hour * 60 + ends_at.minute
    if end <= start:
        end = 24 * 60  # runs to midnight or past it: count it to the end of the day
    return {
        f"{DAY_CODES[weekday]}_{part}"
        for part, part_start, part_end in PART_MINUTES
        if start < part_end and end > part_start
    }


def slot_order(slot: str) -> tuple[int, int]:
    day, _, part = slot.partition("_")
    return _DAY_ORDER.get(day, 9), _PART_ORDER.get(part, 9)
