"""Sustained engagement at a space: pure (no Django), over plain dates and booleans.

The rule for "came regularly, then stopped" (shown on the space and person pages too):

    Someone *comes regularly* when they came to at least REGULAR_MIN (3) of the last
    REGULAR_OF (4) sessions held. They have *stopped* when they came regularly up to a point
    and then missed the last MISSED (2) sessions held: at least 3 of the 4 sessions held before
    the last two, and neither of the last two.

A session is *held* when it was not cancelled, its date has come, and its register was taken
(closed, or anyone marked present). Cancelled sessions and sessions without a register are
never counted as missed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

REGULAR_OF = 4
REGULAR_MIN = 3
MISSED = 2

RULE_TEXT = (
    f"Someone comes regularly when they came to at least {REGULAR_MIN} of the last {REGULAR_OF} "
    f"sessions held. If they came to at least {REGULAR_MIN} of {REGULAR_OF} and then missed the "
    f"last {MISSED} sessions held, the person they trust (their named worker, or else the host) "
    "is told, once. Cancelled sessions, and sessions with no register, do not count."
)


def is_regular(came: Sequence[bool]) -> bool:
    """`came`: for each session held, oldest first, whether they came."""
    return sum(came[-REGULAR_OF:]) >= REGULAR_MIN


def stopped_after_coming_regularly(came: Sequence[bool]) -> bool:
    """True when they came to >= 3 of the 4 sessions before the last 2, and missed the last 2."""
    if len(came) < REGULAR_OF + MISSED or any(came[-MISSED:]):
        return False
    return sum(came[-(REGULAR_OF + MISSED) : -MISSED]) >= REGULAR_MIN


def last_attended_index(came: Sequence[bool]) -> int | None:
    """Where (in `came`) they last came, or None: names the lapse, so it is prompted once."""
    for index in range(len(came) - 1, -1, -1):
        if came[index]:
            return index
    return None


@dataclass(frozen=True)
class Engagement:
    """How someone has kept coming to one space."""

    first: date
    latest: date
    attended: int  # sessions held that they came to
    held_since_first: int  # sessions held from their first one on (including it)
    missed_since_first: int
    longest_gap: int  # the most sessions held in a row that they missed, after their first
    current_gap: int  # sessions held since they last came
    regular: bool
    stopped: bool

    @property
    def share(self) -> int:
        """Percent of the sessions held since their first that they came to."""
        if not self.held_since_first:
            return 0
        return min(100, round(100 * self.attended / self.held_since_first))

    @property
    def weeks_coming(self) -> int:
        """Weeks from their first session to their latest."""
        return (self.latest - self.first).days // 7


def engagement(held: Sequence[tuple[int, date]], came: Mapping[int, date]) -> Engagement | None:
    """Engagement from the sessions held (id and date, oldest first) and the sessions they came to.

    `came` maps session id to date. A session they came to that is not in `held` (not counted)
    still counts as attendance, but not towards the pattern. None when they never came.
    """
    if not came:
        return None
    first, latest = min(came.values()), max(came.values())
    pattern = [session_id in came for session_id, _ in held]
    since = [c for (_, day), c in zip(held, pattern, strict=True) if day >= first]
    longest = run = 0
    for c in since:
        run = 0 if c else run + 1
        longest = max(longest, run)
    return Engagement(
        first=first,
        latest=latest,
        attended=len(came),
        held_since_first=len(since),
        missed_since_first=sum(1 for c in since if not c),
        longest_gap=longest,
        current_gap=run,
        regular=is_regular(pattern),
        stopped=stopped_after_coming_regularly(pattern),
    )
