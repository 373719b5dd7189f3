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
    "eligibility.voucher.recorded": _("recorded a foodbank voucher"),
    "eligibility.voucher.redeemed": _("gave out a foodbank parcel"),
    "eligibility.voucher.viewed": _("looked at your foodbank vouchers"),
    "eligibility.support_offer.accepted": _("noted that you would like to talk to someone"),
    "safeguarding.concern.raised": _("raised a safeguarding concern"),
    "safeguarding.concern.action_added": _("recorded what was done about a safeguarding concern"),
    "safeguarding.concern.viewed": _("looked at safeguarding concerns"),
    "safeguarding.override.started": _(
        "opened your notes without your consent, to keep someone safe"
    ),
    "safeguarding.override.ended": _("closed your notes again after a safeguarding check"),
    "safeguarding.override.reviewed": _("reviewed why your notes were opened"),
}
ACCESS_LOG_LIMIT = 300


@dataclass(frozen=True, slots=True)
class AccessLine:
    at: datetime
    who: str
    role: str
    did: str


def access_log(person_id: int, organisation_id: int, *, viewer: Membership) -> list[AccessLine]:
    """Who looked at or changed a person's record, newest first (two queries).

    Only events in spheres the viewer may read: a supporter must not learn from this page that
    someone checked the person's eligibility or raised a safeguarding concern. The data lead,
    who answers subject access requests for the person, sees every event.
    """
    from alongside.access.models import Role
    from alongside.access.roles import SPHERES_BY_ROLE

    events_qs = AuditEvent.objects.filter(person_id=person_id, organisation_id=organisation_id)
    if viewer.role != Role.DATA_LEAD:
        events_qs = events_qs.filter(
            sphere__in=sorted(SPHERES_BY_ROLE.get(viewer.role, frozenset()))
        )
    events = list(events_qs.select_related("actor").order_by("-id")[:ACCESS_LOG_LIMIT])
    roles = dict(
        Membership.objects.filter(
            organisation_id=organisation_id, user_id__in={e.actor_id for e in events if e.actor_id}
        ).values_list("user_id", "role")
    )
    lines = []
    for event in events:
        actor = event.actor
        who = (actor.get_full_name() or actor.get_username()) if actor else str(_("Alongside"))
        role = str(Role(roles[event.actor_id]).label) if event.actor_id in roles else ""
        did = ACTION_WORDS.get(event.action)
        lines.append(AccessLine(event.at, who, role, str(did) if did else event.action))
    return lines
