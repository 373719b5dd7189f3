"""Small numbers are never shown outside a worker's own view: counts under 5 read "fewer than 5".

Pure (no Django). Every aggregate a team, a data lead, a funder or a report sees goes through
`shown`, and every statistic computed from fewer than `SMALL` people is withheld (`enough`).
"""

from __future__ import annotations

SMALL = 5
FEWER = f"fewer than {SMALL}"


def enough(n: int) -> bool:
    """True when a count (of people or responses) is large enough to show what is made from it."""
    return n >= SMALL


def shown(n: int) -> str:
    """A count as it may be shown outside a worker's own view: "fewer than 5" under 5."""
    return str(n) if enough(n) else FEWER


def share(part: int, whole: int) -> str:
    """A percentage, or "fewer than 5" when the whole (or the part) is too small to show."""
    if not enough(whole) or (0 < part < SMALL):
        return FEWER
    return f"{round(100 * part / whole)}%"
