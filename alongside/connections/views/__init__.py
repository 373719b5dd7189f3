"""Views: a person's connections, their profile, suggesting and asking about introductions, each
side's private answer (a one-time link with no login, or with their worker), follow-ups, and
volunteer matching for coordinators. Refusals are 404s.
"""

from alongside.connections.views.introductions import (
    ask,
    follow_up,
    introduction,
    record_answer,
    withdraw,
)
from alongside.connections.views.people import person, profile, propose
from alongside.connections.views.public_link import answer
from alongside.connections.views.volunteer_matching import lists, matching_page, space, volunteer

__all__ = [
    "person",
    "profile",
    "propose",
    "introduction",
    "ask",
    "withdraw",
    "record_answer",
    "follow_up",
    "answer",
    "matching_page",
    "volunteer",
    "lists",
    "space",
]
