"""Reads of support-sphere records. Every read names the viewer; unscoped reads raise."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from alongside.access.models import Membership
from alongside.common.spheres import SphereQuerySet
from alongside.support.models import SupportNote, SupportNoteRevision
from alongside.visibility.consent import consents_for
from alongside.visibility.support import support_records_q


def support_notes_visible_to(
    membership: Membership | None, *, now: datetime | None = None
) -> SphereQuerySet:
    """Notes this membership may read, now.

    - By role: supporters read notes about people they work with and notes they wrote;
      volunteers only notes they wrote; coordinators notes about people in their team (the
      whole organisation when they have no team); other roles none.
    - By consent: any note covered by the person's consent in force naming this role or user.
    - By override: a safeguarding lead reads the notes of people under their override in force.
    Data leads and funder viewers read none, whatever a consent says.
    """
    notes: SphereQuerySet = SupportNote.objects.scoped()
    allowed = support_records_q(membership, now=now)
    if membership is None or allowed is None:
        return notes.none()
    one_note = consents_for(membership, now=now).filter(scope="one_note").values("note_id")
    allowed |= Q(pk__in=one_note)
    # A removed contact's note was about someone else (decision 0049): nobody reads it here.
    stands = Q(contact__isnull=True) | Q(contact__removed_at__isnull=True)
    return notes.filter(allowed, stands, organisation_id=membership.organisation_id)


def notes_for_contacts(
    membership: Membership | None, contact_ids: Iterable[int]
) -> dict[int, SupportNote]:
    """The visible support notes of these contacts, by contact id (one query)."""
    ids = list(contact_ids)
    if not ids:
        return {}
    return {
        note.contact_id: note
        for note in support_notes_visible_to(membership).filter(contact_id__in=ids)
    }


def note_revisions_visible_to(membership: Membership | None, note_id: int) -> SphereQuerySet:
    """Earlier versions of a note, only when the membership may read the note itself."""
    visible = support_notes_visible_to(membership).filter(pk=note_id).values("pk")
    revisions: SphereQuerySet = SupportNoteRevision.objects.scoped()
    return revisions.filter(note_id__in=visible).select_related("replaced_by")
