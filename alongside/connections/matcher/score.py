"""A pair's score, whether it may be matched at all, and the plain words for why."""

from __future__ import annotations

import math
from collections.abc import Mapping

from alongside.connections.matcher.problem import Person, Volunteer


def explain(person: Person, volunteer: Volunteer, weights: Mapping[str, float]) -> tuple[str, ...]:
    """What the two share that counts: one "key: value, value" line per weighted key.

    Only keys with a weight above 0 are listed (the others play no part in the score); the
    largest contribution (weight x values shared) comes first, ties by key; values in
    alphabetical order. Empty when they share nothing that counts.
    """
    lines: list[tuple[float, str, str]] = []
    for key, weight in weights.items():
        if weight <= 0:
            continue
        shared = person.attributes.get(key, frozenset()) & volunteer.attributes.get(
            key, frozenset()
        )
        if shared:
            lines.append((-weight * len(shared), key, f"{key}: {', '.join(sorted(shared))}"))
    return tuple(line for _, _, line in sorted(lines))


def pair_score(person: Person, volunteer: Volunteer, weights: Mapping[str, float]) -> float:
    """Sum over weighted keys of weight x number of shared values (math.fsum of the terms)."""
    return math.fsum(
        weight
        * len(person.attributes.get(key, frozenset()) & volunteer.attributes.get(key, frozenset()))
        for key, weight in weights.items()
        if weight > 0
    )


def allowed(person: Person, volunteer: Volunteer) -> bool:
    """Whether the pair may be matched: a shared language and not excluded (capacity aside)."""
    return bool(person.languages & volunteer.languages) and volunteer.id not in person.exclude
