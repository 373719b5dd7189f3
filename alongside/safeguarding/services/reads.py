"""Audited reads of the safeguarding sphere: concerns, overrides and holds.

Each returns what the lead is about to see and writes the one `<app>.<model>.viewed` event
(ids only). Views and the person page's panel read concerns, overrides and holds only here.
"""

from collections.abc import Iterable

from alongside.access.models import Membership
from alongside.audit.services import record_read
from alongside.safeguarding.models import (
    Concern,
    MatchingHold,
    Override,
)
from alongside.safeguarding.queries import (
    concerns_for_person,
    open_hold_for_person,
    open_hold_list,
)


def read_concerns(
    membership: Membership, concerns: Iterable[Concern], *, person_id: int | None = None
) -> list[Concern]:
    """The concerns on a page of the list (or a person's). Side effects: one audit event."""
    shown = list(concerns)
    record_read(
        Concern,
        [concern.pk for concern in shown],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person_id,
    )
    return shown


def read_concerns_for_person(membership: Membership, person_id: int) -> list[Concern]:
    """A person's concerns, for the person page's safeguarding panel. Side effects: one audit event."""
    return read_concerns(
        membership, concerns_for_person(membership, person_id), person_id=person_id
    )


def read_concern(membership: Membership, concern: Concern) -> Concern:
    """One concern, already fetched for this lead. Side effects: one audit event."""
    read_concerns(membership, [concern], person_id=concern.person_id)
    return concern


def read_override(membership: Membership, override: Override) -> Override:
    """One override, already fetched for this reviewer. Side effects: one audit event."""
    record_read(
        Override,
        [override.pk],
        by=membership,
        organisation_id=override.organisation_id,
        person_id=override.person_id,
    )
    return override


def read_holds(
    membership: Membership, holds: Iterable[MatchingHold], *, person_id: int | None = None
) -> list[MatchingHold]:
    """Holds on matching, already fetched for this lead. Side effects: one audit event."""
    shown = list(holds)
    record_read(
        MatchingHold,
        [hold.pk for hold in shown],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person_id,
    )
    return shown


def read_open_holds(membership: Membership) -> list[MatchingHold]:
    """Every open hold the lead may see. Side effects: one audit event."""
    return read_holds(membership, open_hold_list(membership))


def read_open_hold_for_person(membership: Membership, person_id: int) -> MatchingHold | None:
    """The person's open hold, if any. Side effects: one audit event when there is one."""
    current = open_hold_for_person(membership, person_id)
    if current is not None:
        read_holds(membership, [current], person_id=person_id)
    return current


def read_hold(membership: Membership, hold: MatchingHold) -> MatchingHold:
    """One hold, already fetched for this lead. Side effects: one audit event."""
    read_holds(membership, [hold], person_id=hold.person_id)
    return hold
