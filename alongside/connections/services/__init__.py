"""Writes for connections: profiles, introductions (with permission on both sides), follow-ups,
volunteer profiles and confirmed matches.

Every function validates first, writes in one transaction and records an audit event in it.
Errors are `ValidationError`s keyed by form field. Audit summaries hold ids, codes and counts,
never anyone's words, never lived experience, never who said no.

The introduction's life: proposed -> asking (each side asked privately, a one-time link each)
-> introduced (the moment the last side agrees: only then may each see what the other shared)
-> followed up; or declined (someone said no) / expired (not answered in time) / withdrawn.
When it settles, those who helped (who proposed it, each person's named worker, a volunteer side's
volunteer) are told it is going ahead, or that it is not: the same words for a "no", a lapse and a
withdrawal. Invitations lapse on time through a queued task (`tasks.expire_introduction`) as well
as on read.

A package: `profiles` (what people share), `introductions` (the state machine's steps),
`endings` (how introductions end and who is told), `matches`
(confirming volunteer pairs) and `reads` (audited reads of shared words). Everything callers use is imported here.
"""

from alongside.connections.services.introductions import (
    GOING_AHEAD_TEXT,
    HELD_TEXT,
    INVITATION_DAYS,
    MAX_INVITATION_DAYS,
    NOT_GOING_AHEAD_TEXT,
    Closed,
    answer,
    ask,
    expire_due,
    expire_if_due,
    follow_up,
    propose,
    withdraw,
    withdraw_open_introductions,
)
from alongside.connections.services.matches import ProposedPair, confirm_matches
from alongside.connections.services.profiles import (
    LIVED_CODES,
    MAX_WORDS,
    SLOT_CODES,
    add_to_list,
    may_describe_space,
    save_person_profile,
    save_space_profile,
    save_volunteer_profile,
)
from alongside.connections.services.reads import read_introduction, read_profile

__all__ = [
    "GOING_AHEAD_TEXT",
    "HELD_TEXT",
    "INVITATION_DAYS",
    "LIVED_CODES",
    "MAX_INVITATION_DAYS",
    "MAX_WORDS",
    "NOT_GOING_AHEAD_TEXT",
    "SLOT_CODES",
    "Closed",
    "ProposedPair",
    "add_to_list",
    "answer",
    "ask",
    "confirm_matches",
    "expire_due",
    "expire_if_due",
    "follow_up",
    "may_describe_space",
    "propose",
    "read_introduction",
    "read_profile",
    "save_person_profile",
    "save_space_profile",
    "save_volunteer_profile",
    "withdraw",
    "withdraw_open_introductions",
]
