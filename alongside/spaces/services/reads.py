"""Audited reads of the support sphere in spaces: why someone stopped coming, and their ties.

Each writes the one `<app>.<model>.viewed` event (ids only) for what the worker is shown.
"""

from collections.abc import Iterable

from alongside.access.models import Membership
from alongside.audit.services import record_read
from alongside.people.models import Person
from alongside.spaces import queries
from alongside.spaces.models import StoppingReason, Tie


def read_stopping_reasons(membership: Membership, person: Person) -> list[StoppingReason]:
    """Why the person stopped coming to each space, as this membership may read it.

    Side effects: one `spaces.stoppingreason.viewed` event when there are any."""
    reasons = list(
        queries.stopping_reasons_visible_to(membership)
        .filter(person=person)
        .select_related("space")
    )
    record_read(
        StoppingReason,
        [reason.pk for reason in reasons],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person.pk,
    )
    return reasons


def read_ties(membership: Membership, person: Person, ties: Iterable[Tie]) -> list[Tie]:
    """The person's ties about to be shown (open and ended), fetched through `ties_visible_to`.

    Side effects: one `spaces.tie.viewed` event when there are any."""
    shown = list(ties)
    record_read(
        Tie,
        [tie.pk for tie in shown],
        by=membership,
        organisation_id=membership.organisation_id,
        person_id=person.pk,
    )
    return shown
