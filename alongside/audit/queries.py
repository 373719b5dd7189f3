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
    "safeguarding.matching_hold.placed": _("paused introductions and matching for you"),
    "safeguarding.matching_hold.lifted": _("started introductions and matching for you again"),
    "safeguarding.matchinghold.viewed": _("looked at why introductions were paused"),
    "safeguarding.override.viewed": _("looked at why your notes were opened"),
    "scheduling.appointment.booked": _("booked a time to meet you"),
    "scheduling.appointment.cancelled": _("cancelled a time to meet you"),
    "scheduling.appointment.did_not_attend": _("noted that a meeting did not happen"),
    "scheduling.appointment.attended": _("noted that you met"),
    "scheduling.reminder.sent": _("reminded you of a time to meet"),
    "scheduling.plan.accepted": _("booked a time to meet you, in a plan"),
    "reports.story.recorded": _("wrote down your story, with your agreement to share it"),
    "reports.story.withdrawn": _("took your story out of reports, as you asked"),
    "measures.sitting.created": _("asked you some questions about how things are"),
    "measures.sitting.answered": _("kept your answers to the questions"),
    "measures.response.viewed": _("looked at your answers to the questions"),
    "learning.demand.marked": _("noted whether something had gone wrong for you"),
    "learning.demand.changed": _("changed the note of whether something had gone wrong"),
    "learning.demandwords.viewed": _("looked at what you said had gone wrong"),
    "learning.need.opened": _("wrote down what you came for"),
    "learning.need.goal_set": _("wrote down what you want to happen"),
    "learning.need.closed": _("noted that what you came for is sorted, or closed"),
    "learning.need.viewed": _("looked at what you came for"),
    "learning.spend.recorded": _("spent from the team's fund for you"),
    "learning.spend.approved": _("agreed a spend from the team's fund for you"),
    "learning.spend.declined": _("turned down a spend from the team's fund for you"),
    "learning.spend.viewed": _("looked at a spend for you"),
    "spaces.attendance.marked": _("noted that you came to a group"),
    "spaces.attendance.unmarked": _("corrected a group's register"),
    "spaces.invitation.created": _("invited you to a group"),
    "spaces.lapse.prompted": _("was asked to check in, as you had not come to a group lately"),
    "spaces.stopping_reason.recorded": _("noted why you stopped coming to a group"),
    "spaces.ties.recorded": _("wrote down the people and groups you can turn to"),
    "spaces.tie.viewed": _("looked at the people and groups you can turn to"),
    "spaces.stoppingreason.viewed": _("looked at why you stopped coming to a group"),
    "connections.profile.saved": _("wrote down what you like and would share with others"),
    "connections.personprofile.viewed": _("looked at what you like and would share"),
    "connections.introduction.proposed": _("suggested an introduction for you"),
    "connections.introduction.asked": _("asked you about an introduction"),
    "connections.introduction.answered": _("kept your answer about an introduction"),
    "connections.introduction.introduced": _("introduced you, as everyone agreed"),
    "connections.introduction.closed": _("closed an introduction"),
    "connections.introduction.expired": _("closed an introduction that was not answered in time"),
    "connections.introduction.withdrawn": _("took back a suggested introduction"),
    "connections.introduction.viewed": _("looked at an introduction for you"),
    "connections.follow_up.recorded": _("asked how an introduction went"),
    "connections.match.confirmed": _("matched you with a volunteer"),
}
# Actions that never concern one person (settings, a worker's own diary or time, team figures):
# they have no words above because they never appear on a person's page.
NOT_ABOUT_ONE_PERSON = frozenset(
    {
        "access.membership.leaving_date_set",
        "access.organisation.role_separation_changed",
        "demo.built",
        "eligibility.partner.added",
        "eligibility.partner.deactivated",
        "eligibility.partner.reactivated",
        "scheduling.availability.added",
        "scheduling.availability.removed",
        "scheduling.exception.added",
        "scheduling.exception.removed",
        "scheduling.worker_details.changed",
        "scheduling.plan.created",
        "scheduling.plan.set_aside",
        "reports.learning.written",
        "reports.settings.changed",
        "measures.aggregates.viewed",
        "measures.instrument.added",
        "measures.instrument.versioned",
        "measures.schedule.changed",
        "learning.admin_time.recorded",
        "learning.settings.changed",
        "spaces.space.created",
        "spaces.space.changed",
        "spaces.pattern.created",
        "spaces.session.added",
        "spaces.session.cancelled",
        "spaces.session.register_closed",
        "spaces.person.welcomed_at_door",
        "connections.volunteer.saved",
        "connections.space.described",
        "connections.list.added",
    }
)
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
    from alongside.access.models import Role
    from alongside.visibility.roles import SPHERES_BY_ROLE

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
        lines.append(AccessLine(event.at, who, role, str(did or UNKNOWN_ACTION)))
    return lines
