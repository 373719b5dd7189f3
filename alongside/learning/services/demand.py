"""Marking value and failure demand on a contact, and the person's words about it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from alongside.access import words as local_words
from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record
from alongside.learning.models import (
    ContactDemand,
    DemandKind,
    DemandWords,
)
from alongside.learning.services.checks import require_worker
from alongside.relationships.summaries import ContactDay, keep_contact_day


def register_contact_days() -> None:
    """Demand marks copy their contact's local day and removal (`ContactDemand.contact_day`,
    decision 0110); every write that changes a contact keeps them in step through
    `relationships.summaries.refresh_people`."""
    keep_contact_day(ContactDay(ContactDemand))


def _failure_kinds_allowed(contact: Any) -> set[str]:
    """The organisation's words in use (decision 0088), and the contact's own word, retired or
    not, so marking it again does not lose it."""
    allowed = local_words.codes_in_use(contact.organisation_id, "failure_kind")
    allowed.update(
        ContactDemand.objects.filter(contact=contact).values_list("failure_kind", flat=True)
    )
    return allowed - {""}


def mark_demand(
    contact: Any,
    *,
    by: Membership,
    kind: str,
    failure_kind: str = "",
    in_their_words: str | None = "",
) -> ContactDemand:
    """Mark a contact as value or failure demand (with its kind and, optionally, the person's
    words; None leaves stored words as they are). Marking again changes it. Marking value demand
    removes any words. Side effects: ContactDemand (and DemandWords) rows; one audit event
    (codes, never the words)."""
    require_worker(by, contact.organisation_id)
    keep_words = in_their_words is None
    words = (in_their_words or "").strip()
    errors: dict[str, str] = {}
    if kind not in DemandKind.values:
        errors["kind"] = "Choose value demand or failure demand."
    elif kind == DemandKind.FAILURE and failure_kind not in _failure_kinds_allowed(contact):
        errors["failure_kind"] = "Choose what went wrong."
    elif kind == DemandKind.VALUE and words:
        errors["in_their_words"] = "Their words about what went wrong are for failure demand only."
    if errors:
        raise ValidationError(errors)
    if kind == DemandKind.VALUE:
        failure_kind = ""
    with transaction.atomic():
        demand = ContactDemand.objects.filter(contact=contact).first()
        created = demand is None
        before = None if demand is None else (demand.kind, demand.failure_kind)
        if demand is None:
            demand = ContactDemand(
                organisation_id=contact.organisation_id,
                contact=contact,
                person_id=contact.person_id,
                team_id=contact.person.team_id,
            )
        demand.contact = contact  # its local day and removal are copied on save
        demand.kind, demand.failure_kind, demand.marked_by = kind, failure_kind, by.user
        demand.save()
        stored = (
            DemandWords.objects.for_system("the service writing a demand's own words")
            .filter(demand=demand)
            .first()
        )
        if keep_words and kind == DemandKind.FAILURE:
            words = stored.text if stored else ""
        words_changed = (stored.text if stored else "") != words
        if words and stored is None:
            DemandWords.objects.create(
                organisation_id=demand.organisation_id,
                demand=demand,
                person_id=demand.person_id,
                text=words,
                author=by.user,
            )
        elif words and stored is not None and words_changed:
            stored.text, stored.author = words, by.user
            stored.save()
        elif not words and stored is not None:
            DemandWords.objects.for_system("removing a demand's words").filter(
                pk=stored.pk
            ).delete()
        if created or before != (kind, failure_kind) or words_changed:
            record(
                demand,
                action=actions.LEARNING_DEMAND_MARKED
                if created
                else actions.LEARNING_DEMAND_CHANGED,
                by=by,
                summary={
                    "contact": contact.pk,
                    "kind": kind,
                    "failure_kind": failure_kind,
                    "words_changed": words_changed,
                },
            )
    return demand
