"""Writes to support-sphere records."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alongside.access.models import Membership
from alongside.audit import actions
from alongside.audit.services import record, record_read
from alongside.support.models import SupportNote, SupportNoteRevision
from alongside.support.queries import notes_for_contacts

if TYPE_CHECKING:
    from alongside.relationships.models import Contact


def save_contact_note(
    contact: "Contact", *, by: Membership, asked_for: str | None, text: str | None
) -> SupportNote | None:
    """Create or change the support note of a contact; None arguments leave that part unchanged.

    Keeps the previous words as a revision. Side effects: SupportNote (and revision) rows;
    one audit event naming what changed, never the words.
    """
    with transaction.atomic():
        note: SupportNote | None = (
            SupportNote.objects.for_system("the service writing a contact's own note")
            .filter(contact=contact)
            .first()
        )
        new_asked = (
            asked_for if asked_for is not None else (note.asked_for if note else "")
        ).strip()
        new_text = (text if text is not None else (note.text if note else "")).strip()
        if note is None:
            if not new_asked and not new_text:
                return None
            note = SupportNote.objects.create(
                organisation_id=contact.organisation_id,
                person_id=contact.person_id,
                contact=contact,
                asked_for=new_asked,
                text=new_text,
                author=by.user,
            )
            record(
                note, action=actions.SUPPORT_NOTE_CREATED, by=by, summary={"contact": contact.pk}
            )
            return note
        changed = [
            name
            for name, value in (("asked_for", new_asked), ("text", new_text))
            if getattr(note, name) != value
        ]
        if not changed:
            return note
        SupportNoteRevision.objects.create(
            note=note,
            version=note.version,
            asked_for=note.asked_for,
            text=note.text,
            replaced_by=by.user,
            replaced_at=timezone.now(),
        )
        note.asked_for, note.text, note.version = new_asked, new_text, note.version + 1
        note.save()
        record(
            note,
            action=actions.SUPPORT_NOTE_CHANGED,
            by=by,
            summary={"fields": changed, "version": note.version},
        )
        return note


def read_contact_notes(
    membership: Membership,
    contact_ids: Iterable[int],
    *,
    person_id: int,
    organisation_id: int,
    request_id: str = "",
) -> dict[int, SupportNote]:
    """The support notes of these contacts that the membership may read, by contact id, with the
    read written to the audit log (pages, exports and the API all read notes this way).

    The request id is the current request's unless one is given. Side effects: one
    `support.supportnote.viewed` event when any note is returned.
    """
    notes = notes_for_contacts(membership, contact_ids)
    record_read(
        SupportNote,
        [note.pk for note in notes.values()],
        by=membership,
        organisation_id=organisation_id,
        person_id=person_id,
        request_id=request_id,
    )
    return notes
