"""The referrals panel and timeline entries on the person page, registered here: people does
not import referrals."""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.panels import (
    PersonPanel,
    read_once,
    register_person_panel,
    register_timeline_source,
)
from alongside.referrals.models import ANSWERED
from alongside.referrals.queries import referrals_out_for_person
from alongside.relationships.queries import TimelineEntry

TEMPLATE = "referrals/partials/timeline_entry.html"


def _referrals(membership: Membership, person: Person) -> list[Any]:
    """The panel and the timeline show the same referrals: read once per page."""
    return read_once(
        "referrals", membership, person, lambda: referrals_out_for_person(membership, person)
    )


def panel(membership: Membership, person: Person) -> dict[str, Any]:
    may_refer = bool(rules.test_rule("referrals.refer", membership, person))
    referrals = _referrals(membership, person)
    return {
        "show": may_refer or bool(referrals),
        "may_refer": may_refer,
        "referrals": referrals[:10],
        "person": person,
        "today": timezone.localdate(),
    }


def timeline(membership: Membership, person: Person) -> list[TimelineEntry]:
    """A referral sent, and the service's answer when it came, as two entries."""
    entries = []
    for referral in _referrals(membership, person):
        entries.append(TimelineEntry("referral_sent", referral.referred_at, referral, TEMPLATE))
        if referral.status in ANSWERED and referral.answered_at is not None:
            entries.append(
                TimelineEntry("referral_answered", referral.answered_at, referral, TEMPLATE)
            )
    return entries


register_person_panel(PersonPanel("referrals", 60, "referrals/partials/panel.html", panel))
register_timeline_source("referrals", timeline)
