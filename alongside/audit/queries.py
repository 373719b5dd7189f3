"""Reads of the audit log: "who saw my record", in plain words."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.audit.models import AuditEvent

# Every audit action a person can see about themselves, in plain words ("<who> <did this>").
ACTION_WORDS = {
    "people.person.created": _("added you to Alongside"),
    "people.person.changed": _("changed your details"),
    "people.consent.granted": _("recorded your agreement to share notes"),
    "people.consent.revoked": _("recorded that you took back your agreement to share"),
    "relationships.named_worker.assigned": _("chose your named worker"),
    "relationships.worker_request.recorded": _("wrote down that you asked for a worker"),
    "relationships.handover.planned": _("planned a change of your named worker"),
    "relationships.handover.completed_warm": _("introduced your new named worker"),
    "relationships.handover.completed_cold": _("changed your named worker without an introduction"),
    "relationships.handover.cancelled": _("cancelled a change of your named worker"),
    "relationships.contact.recorded": _("recorded a conversation with you"),
    "relationships.contact.changed": _("changed the record of a conversation with you"),
    "support.note.created": _("wrote down what you said"),
    "support.note.changed": _("changed the note of what you said"),
    "support.supportnote.viewed": _("looked at your notes"),
}
ACCESS_LOG_LIMIT = 300


@dataclass(frozen=True, slots=True)
class AccessLine:
    at: datetime
    who: str
    role: str
    did: str


def access_log(person_id: int, organisation_id: int) -> list[AccessLine]:
    """Who looked at or changed a person's record, newest first (two queries)."""
    events = list(
        AuditEvent.objects.filter(person_id=person_id, organisation_id=organisation_id)
        .select_related("actor")
        .order_by("-id")[:ACCESS_LOG_LIMIT]
    )
    roles = dict(
        Membership.objects.filter(
            organisation_id=organisation_id, user_id__in={e.actor_id for e in events if e.actor_id}
        ).values_list("user_id", "role")
    )
    from alongside.access.models import Role

    lines = []
    for event in events:
        actor = event.actor
        who = (actor.get_full_name() or actor.get_username()) if actor else str(_("Alongside"))
        role = str(Role(roles[event.actor_id]).label) if event.actor_id in roles else ""
        did = ACTION_WORDS.get(event.action)
        lines.append(AccessLine(event.at, who, role, str(did) if did else event.action))
    return lines
