"""The person page as one value: `person_page(membership, person)` reads everything the page
shows, and each app's panel through the panel registry (people.panels).

Reading the page writes the audit event for the support notes shown on its timeline
(`support.services.read_contact_notes`), as the page did before it was a selector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import rules
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alongside.access.models import Membership
from alongside.people.consent import describe, grantee_name
from alongside.people.models import ConsentToShare, Person
from alongside.people.panels import person_panels, timeline_sources
from alongside.relationships.forms import ContactForm
from alongside.relationships.models import Handover, NamedWorkerSpell, WorkerRequest
from alongside.relationships.queries import (
    CONTINUITY_WINDOW_DAYS,
    TIMELINE_ALL,
    TIMELINE_CONTACTS,
    TimelineEntry,
    continuity_of,
    spell_history_of,
    timeline,
)
from alongside.support.services import read_contact_notes
from alongside.visibility.consent import consents_in_force

# What the viewer may do here: name on the page -> rule.
ACTIONS = (
    ("change_person", "people.change_person"),
    ("record_worker_request", "relationships.record_worker_request"),
    ("plan_handover", "relationships.plan_handover"),
    ("assign_named_worker", "relationships.assign_named_worker"),
    ("merge", "people.merge"),
    ("record_equality", "people.record_equality"),
)


@dataclass(frozen=True)
class PanelOnPage:
    """A registered panel, ready to draw: its template and the context its function gave."""

    name: str
    template: str
    context: Mapping[str, Any] | None


@dataclass(frozen=True)
class PersonPage:
    person: Person
    spell: NamedWorkerSpell | None
    days_with_worker: int | None
    handover: Handover | None
    continuity: Any
    entries: list[TimelineEntry]
    timeline_complete: bool
    open_requests: list[WorkerRequest]
    form: ContactForm | None  # None when the viewer may not record a contact
    consents: list[tuple[ConsentToShare, str, bool]] | None  # None when they may not record one
    may: dict[str, bool]
    can_see_access_log: bool
    panels: list[PanelOnPage]


def person_page(
    membership: Membership, person: Person, *, show_all: bool = False, request_id: str = ""
) -> PersonPage:
    """Everything the person page shows to `membership` (who may see `person`).

    `show_all`: every contact on the timeline, not only the recent ones. Side effect: an audit
    event for the support notes shown (see the module docstring).
    """
    history = timeline(person, contacts_shown=TIMELINE_ALL if show_all else TIMELINE_CONTACTS)
    # The timeline read every spell, handover and request: the current ones come from there.
    spell = history.current_spell
    handover = history.planned_handover
    since = timezone.now() - timedelta(days=CONTINUITY_WINDOW_DAYS)
    # The timeline read every spell, and the window's contacts too when it reaches back so far.
    continuity = continuity_of(
        history.points_since(person.pk, since),
        spell_history_of(history.spells, since=since.date()),
    )
    entries = history.entries
    contacts = [entry.item for entry in entries if entry.kind == "contact"]
    notes = read_contact_notes(
        membership,
        [contact.pk for contact in contacts],
        person_id=person.pk,
        organisation_id=person.organisation_id,
        request_id=request_id,
    )
    for contact in contacts:
        contact.support_note_visible = notes.get(contact.pk)
        # The rules each contact's links ask (a coordinator's: `contact.person.team_id`) read
        # the person already here, not once per contact.
        contact.person = person
    entries = _with_other_apps(membership, person, entries, complete=history.complete)
    open_requests = history.open_requests
    can_record = rules.test_rule("relationships.record_contact", membership, person)
    form = (
        ContactForm(
            initial=ContactForm.initial_for(membership),
            membership=membership,
            handover=handover,
            circle_of=person,
        )
        if can_record
        else None
    )
    can_consent = rules.test_rule("people.record_consent", membership, person)
    panels = [
        PanelOnPage(
            panel.name,
            panel.template,
            None if panel.context is None else panel.context(membership, person),
        )
        for panel in person_panels()
    ]
    return PersonPage(
        person=person,
        spell=spell,
        days_with_worker=(timezone.localdate() - spell.started_on).days if spell else None,
        handover=handover,
        continuity=continuity,
        entries=entries,
        timeline_complete=history.complete,
        open_requests=open_requests,
        form=form,
        consents=_consent_lines(person) if can_consent else None,
        may={name: rules.test_rule(rule, membership, person) for name, rule in ACTIONS},
        can_see_access_log=rules.test_rule("people.see_access_log", membership, person),
        panels=panels,
    )


def _with_other_apps(
    membership: Membership, person: Person, entries: list[TimelineEntry], *, complete: bool
) -> list[TimelineEntry]:
    """The timeline with the entries other apps add (`people.panels.register_timeline_source`),
    newest first; when older contacts are left out, so is what other apps had then."""
    oldest = min((entry.on for entry in entries if entry.kind == "contact"), default=None)
    added = [entry for source in timeline_sources() for entry in source(membership, person)]
    if not complete and oldest is not None:
        added = [entry for entry in added if entry.on >= oldest]
    if not added:
        return entries
    return sorted([*entries, *added], key=lambda entry: entry.on, reverse=True)


def _consent_lines(person: Person) -> list[tuple[ConsentToShare, str, bool]]:
    """Each consent with its plain words and whether it is in force (one query)."""
    consents = (
        ConsentToShare.objects.filter(person=person)
        .annotate(in_force=Exists(consents_in_force().filter(pk=OuterRef("pk"))))
        .select_related("grantee_user", "note")[:20]
    )
    return [
        (
            consent,
            describe(
                consent,
                person=person,
                grantee_name=grantee_name(
                    role=consent.grantee_role,
                    user=consent.grantee_user,
                    organisation=person.organisation,
                ),
            ),
            consent.in_force,
        )
        for consent in consents
    ]
