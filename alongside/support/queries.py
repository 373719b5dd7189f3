"""Reads of support-sphere records. Every read names the viewer; unscoped reads raise."""

from collections.abc import Iterable

from django.db.models import Q

from alongside.access.models import Membership, Role
from alongside.access.roles import may_read_sphere
from alongside.common.spheres import SphereQuerySet
from alongside.people.queries import works_with_q
from alongside.support.models import SupportNote


def support_notes_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Notes this membership may read.

    Supporters: notes about people they work with, and notes they wrote. Volunteers: only
    notes they wrote. Coordinators: notes about people in their team (the whole organisation
    when they have no team). Every other role: none.
    """
    notes: SphereQuerySet = SupportNote.objects.scoped()
    if (
        membership is None
        or not membership.is_active
        or not may_read_sphere(membership.role, "support")
    ):
        return notes.none()
    notes = notes.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.SUPPORTER:
        from alongside.people.models import Person

        people = Person.objects.filter(works_with_q(membership.user_id)).values("pk")
        return notes.filter(Q(person_id__in=people) | Q(author_id=membership.user_id))
    if membership.role == Role.VOLUNTEER:
        return notes.filter(author_id=membership.user_id)
    if membership.role == Role.COORDINATOR:
        return notes.filter(person__team_id=membership.team_id) if membership.team_id else notes
    return notes.none()


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
    from alongside.support.models import SupportNoteRevision

    visible = support_notes_visible_to(membership).filter(pk=note_id).values("pk")
    revisions: SphereQuerySet = SupportNoteRevision.objects.scoped()
    return revisions.filter(note_id__in=visible).select_related("replaced_by")
