"""Writes in the safeguarding sphere: concerns, actions, overrides and their review, and holds
on matching and introductions; and the audited reads of that sphere.

Each service validates first, then writes its rows and the audit event in one transaction.
Audit summaries and notifications never hold what someone wrote (concern text, actions,
justifications, review notes) and notifications never name the person.

A package: `concerns`, `overrides`, `holds` and `reads` (the `read_*` services, each writing one
`<app>.<model>.viewed` event). Everything callers use is imported here.
"""

from alongside.safeguarding.services.concerns import (
    CONCERN_RAISED_SUBJECT,
    CONCERN_RAISED_TEXT,
    OVERRIDE_STARTED_SUBJECT,
    OVERRIDE_STARTED_TEXT,
    add_concern_action,
    raise_concern,
)
from alongside.safeguarding.services.holds import lift_matching_hold, place_matching_hold
from alongside.safeguarding.services.overrides import end_override, review_override, start_override
from alongside.safeguarding.services.reads import (
    read_concern,
    read_concerns,
    read_concerns_for_person,
    read_hold,
    read_holds,
    read_open_hold_for_person,
    read_open_holds,
    read_override,
)

__all__ = [
    "CONCERN_RAISED_SUBJECT",
    "CONCERN_RAISED_TEXT",
    "OVERRIDE_STARTED_SUBJECT",
    "OVERRIDE_STARTED_TEXT",
    "add_concern_action",
    "end_override",
    "lift_matching_hold",
    "place_matching_hold",
    "raise_concern",
    "read_concern",
    "read_concerns",
    "read_concerns_for_person",
    "read_hold",
    "read_holds",
    "read_open_hold_for_person",
    "read_open_holds",
    "read_override",
    "review_override",
    "start_override",
]
