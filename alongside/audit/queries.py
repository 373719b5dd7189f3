"""Reads of the audit log: "who saw my record", in plain words."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Role
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.visibility.roles import SPHERES_BY_ROLE

UNKNOWN_ACTION = _("used your record")
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
        did = actions.words_for(event.action)
        lines.append(AccessLine(event.at, who, role, str(did or UNKNOWN_ACTION)))
    return lines
