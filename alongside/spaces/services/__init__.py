"""Writes for spaces: each in one transaction with its audit event (ids and field names only).

Access is decided by the views (`permissions.py`); these functions check what must hold for the
data to make sense (same organisation, a venue or a link, a session that has happened).

A package: `spaces` (spaces and their sessions), `register` (attendance, the door welcome,
invitations), `engagement` (the lapse check, why someone stopped, ties) and `reads` (audited
reads of the support sphere). Everything callers use is imported here.
"""

from alongside.spaces.services.engagement import (
    LAPSE_TEXT,
    check_lapses,
    record_stopping_reason,
    record_ties,
)
from alongside.spaces.services.reads import read_stopping_reasons, read_ties
from alongside.spaces.services.register import (
    close_register,
    invite,
    mark_absent,
    mark_present,
    mark_present_many,
    welcome_at_door,
)
from alongside.spaces.services.spaces import (
    SPACE_FIELDS,
    Reschedule,
    add_pattern,
    add_session,
    cancel_session,
    change_space,
    create_space,
    plan_reschedule,
    reschedule,
)

__all__ = [
    "LAPSE_TEXT",
    "SPACE_FIELDS",
    "Reschedule",
    "add_pattern",
    "add_session",
    "cancel_session",
    "change_space",
    "check_lapses",
    "close_register",
    "create_space",
    "invite",
    "mark_absent",
    "mark_present",
    "mark_present_many",
    "plan_reschedule",
    "read_stopping_reasons",
    "read_ties",
    "record_stopping_reason",
    "record_ties",
    "reschedule",
    "welcome_at_door",
]
