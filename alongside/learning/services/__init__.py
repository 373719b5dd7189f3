"""Writes for learning: demand on a contact, needs, discretionary spends, the settings.

Every function validates before it writes, runs in one transaction and records an audit event
in it. Errors are `ValidationError`s keyed by form field; nothing is half-saved. Audit summaries
hold codes and ids, never the person's words.

A package: `demand` (marking a contact), `needs` (opened, goal, closed), `spends` (recorded,
decided), `team` (settings, admin time), `reads` (audited reads of the person's words) and
`checks` (what every write checks first). Everything callers use is imported here.
"""

from alongside.learning.services.checks import MAX_AMOUNT, MIN_WORDS
from alongside.learning.services.demand import mark_demand
from alongside.learning.services.needs import close_need, open_need, set_goal
from alongside.learning.services.reads import (
    read_demand_words,
    read_need,
    read_needs_of_person,
    read_spend,
    read_spends,
)
from alongside.learning.services.spends import decide_spend, may_decide, record_spend
from alongside.learning.services.team import record_admin_time, set_learning_settings

__all__ = [
    "MAX_AMOUNT",
    "MIN_WORDS",
    "close_need",
    "decide_spend",
    "mark_demand",
    "may_decide",
    "open_need",
    "read_demand_words",
    "read_need",
    "read_needs_of_person",
    "read_spend",
    "read_spends",
    "record_admin_time",
    "record_spend",
    "set_goal",
    "set_learning_settings",
]
