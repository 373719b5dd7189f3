"""Writes for a person's rights, by topic: `subject_access`, `erasure` (and legal holds),
`retention`. Each validates, writes in one transaction and records its audit event inside it."""

from alongside.rights.services.erasure import erase_person, lift_hold, set_hold
from alongside.rights.services.retention import change_settings, check_all, confirm_review
from alongside.rights.services.subject_access import (
    answer_request,
    decide,
    download_answer,
    open_request,
    read_record_for_review,
)

__all__ = [
    "answer_request",
    "change_settings",
    "check_all",
    "confirm_review",
    "decide",
    "download_answer",
    "erase_person",
    "lift_hold",
    "open_request",
    "read_record_for_review",
    "set_hold",
]
