"""Audited reads: each returns the support-sphere records a worker is about to see and writes the
one `<app>.<model>.viewed` event (ids only); nothing when there is nothing to show."""

from __future__ import annotations

from typing import Any

from alongside.access.models import Membership
from alongside.audit.services import record_read
from alongside.learning.models import (
    ContactDemand,
    DemandWords,
    Need,
    Spend,
)
from alongside.learning.queries import (
    demand_words_visible_to,
    needs_of_person,
    own_spends,
    spends_waiting_for,
)


def _read(model: Any, ids: list[int], by: Membership, person_id: int | None) -> None:
    record_read(model, ids, by=by, organisation_id=by.organisation_id, person_id=person_id)


def read_demand_words(membership: Membership, demand: ContactDemand) -> DemandWords | None:
    """What went wrong in the person's words, when this membership may read them."""
    words = demand_words_visible_to(membership).filter(demand=demand).first()
    if words is not None:
        _read(DemandWords, [words.pk], membership, demand.person_id)
    return words


def read_needs_of_person(membership: Membership, person_id: int) -> list[Need]:
    """What the person came for, each need this membership may read."""
    needs = needs_of_person(membership, person_id)
    _read(Need, [need.pk for need in needs], membership, person_id)
    return needs


def read_need(membership: Membership, need: Need) -> Need:
    """One need, already fetched for this membership."""
    _read(Need, [need.pk], membership, need.person_id)
    return need


def read_spends(membership: Membership) -> tuple[list[Spend], list[Spend]]:
    """The spends waiting for this coordinator's decision, and their own (about no one person)."""
    waiting, mine = spends_waiting_for(membership), own_spends(membership)
    _read(Spend, sorted({spend.pk for spend in [*waiting, *mine]}), membership, None)
    return waiting, mine


def read_spend(membership: Membership, spend: Spend) -> Spend:
    """One spend, already fetched for this membership."""
    _read(Spend, [spend.pk], membership, spend.person_id)
    return spend
