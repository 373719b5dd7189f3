"""Reads of support-sphere records. Every read names the viewer; unscoped reads raise."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from alongside.access.models import Membership, Role
from alongside.access.roles import may_read_sphere
from alongside.common.spheres import SphereQuerySet
from alongside.people.queries import works_with_q
from alongside.support.models import SupportNote


def own_role_q(membership: Membership) -> Q | None:
    """What the role itself may read, before any consent or override. None: nothing."""
    if not may_read_sphere(membership.role, "support"):
        return None
    if membership.role == Role.SUPPORTER:
        from alongside.people.models import Person

        people = Person.objects.filter(works_with_q(membership.user_id)).values("pk")
        return Q(person_id__in=people) | Q(author_id=membership.user_id)
    if membership.role == Role.VOLUNTEER:
        return Q(author_id=membership.user_id)
    if membership.role == Role.COORDINATOR:
        return Q(person__team_id=membership.team_id) if membership.team_id else Q()
    return None


def support_records_q(membership: Membership | None, *, now: datetime | None = None) -> Q | None:
    """Whose support-sphere records (rows with `person` and `author`) this membership reads.

    The role's own reach (`own_role_q`), the person's consent to share all their support
    records with this role or user, and a safeguarding lead's own override in force. None means
    nothing. Other apps' support-sphere records (needs, spends, profiles) use this, so they are
    read exactly as support notes are.
    """
    from alongside.people.consent import GRANTEE_ROLES, consents_for
    from alongside.safeguarding.queries import overridden_person_ids

    if membership is None or not membership.is_active or membership.role not in GRANTEE_ROLES:
        return None
    allowed = Q(
        person_id__in=consents_for(membership, now=now)
        .filter(scope="all_support_notes")
        .values("person_id")
    )
    own = own_role_q(membership)
    if own is not None:
        allowed |= own
    if membership.role == Role.SAFEGUARDING_LEAD:
        allowed |= Q(person_id__in=overridden_person_ids(membership))
    return allowed


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
    from alongside.people.consent import consents_for

    notes: SphereQuerySet = SupportNote.objects.scoped()
    allowed = support_records_q(membership, now=now)
    if membership is None or allowed is None:
        return notes.none()
    one_note = consents_for(membership, now=now).filter(scope="one_note").values("note_id")
    allowed |= Q(pk__in=one_note)
    return notes.filter(allowed, organisation_id=membership.organisation_id)


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
