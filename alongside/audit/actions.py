"""Every audit action, in one registry: its stored name, its plain words for "who saw my record"
and whether it is about one person.

`record()` and `record_read()` refuse an action that is not registered here, so a new action
is named, worded (or marked as never about one person) and documented in
`docs/access-and-audit.md` before it can be written. The names are stored in every event and
hashed into the chain: never change one.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Action:
    """One kind of audit event. `words` finish "<who> ..." on the person's "who saw my record"."""

    name: str
    words: Promise | None
    about_person: bool

    def __str__(self) -> str:
        return self.name


class UnregisteredAction(LookupError):
    """An audit action that is not in the registry: name it in `audit/actions.py` first."""


REGISTRY: dict[str, Action] = {}


def _register(name: str, words: Promise | None, *, about_person: bool) -> Action:
    if name in REGISTRY:
        raise ValueError(f"audit action {name!r} is registered twice")
    action = Action(name=name, words=words, about_person=about_person)
    REGISTRY[name] = action
    return action


def _about_person(name: str, words: Promise) -> Action:
    return _register(name, words, about_person=True)


def _not_about_one_person(name: str) -> Action:
    return _register(name, None, about_person=False)


def get(name: str | Action) -> Action:
    """The registered action for a name (or the action itself); raises `UnregisteredAction`."""
    key = name.name if isinstance(name, Action) else name
    try:
        action = REGISTRY[key]
    except KeyError:
        raise UnregisteredAction(
            f"audit action {key!r} is not registered in alongside/audit/actions.py"
        ) from None
    if isinstance(name, Action) and name != action:
        raise UnregisteredAction(f"audit action {key!r} differs from the registered one")
    return action


def words_for(name: str) -> Promise | None:
    """The plain words for a stored action name, or None when it has none (or is unknown)."""
    action = REGISTRY.get(name)
    return action.words if action else None


def viewed(label: str) -> Action:
    """The read action for a model label (`support.supportnote` -> `support.supportnote.viewed`)."""
    return get(f"{label}.viewed")


# people ---------------------------------------------------------------------------------------
PEOPLE_PERSON_CREATED = _about_person("people.person.created", _("added you to Alongside"))
PEOPLE_PERSON_CHANGED = _about_person("people.person.changed", _("changed your details"))
PEOPLE_CONSENT_GRANTED = _about_person(
    "people.consent.granted", _("recorded your agreement to share notes")
)
PEOPLE_CONSENT_REVOKED = _about_person(
    "people.consent.revoked", _("recorded that you took back your agreement to share")
)
PEOPLE_INVOLVEMENT_CLOSED = _about_person(
    "people.involvement.closed", _("recorded that your need is met and closed your record")
)
PEOPLE_INVOLVEMENT_REOPENED = _about_person(
    "people.involvement.reopened", _("opened your record again when you came back")
)
PEOPLE_EQUALITY_RECORDED = _about_person(
    "people.equality.recorded", _("recorded your answers to the equality questions")
)
PEOPLE_PERSON_MERGED = _about_person(
    "people.person.merged", _("joined a second record of you into this one")
)
PEOPLE_PERSON_MERGED_AWAY = _about_person(
    "people.person.merged_away", _("joined this record of you into your main one")
)
PEOPLE_PERSON_UNMERGED = _about_person(
    "people.person.unmerged", _("separated two records that had been joined by mistake")
)
PEOPLE_MERGE_PROPOSED = _about_person(
    "people.merge.proposed",
    _("asked a colleague to check that two records are both you, before joining them"),
)
PEOPLE_MERGE_APPROVED = _about_person(
    "people.merge.approved", _("checked that two records are both you, before joining them")
)
PEOPLE_MERGE_DECLINED = _about_person(
    "people.merge.declined", _("decided not to join two records of you")
)

# relationships --------------------------------------------------------------------------------
RELATIONSHIPS_NAMED_WORKER_ASSIGNED = _about_person(
    "relationships.named_worker.assigned", _("chose your named worker")
)
RELATIONSHIPS_WORKER_REQUEST_RECORDED = _about_person(
    "relationships.worker_request.recorded", _("wrote down that you asked for a worker")
)
RELATIONSHIPS_WORKER_REQUEST_NOT_POSSIBLE = _about_person(
    "relationships.worker_request.not_possible",
    _("answered your request for a worker: not possible, and why"),
)
RELATIONSHIPS_HANDOVER_PLANNED = _about_person(
    "relationships.handover.planned", _("planned a change of your named worker")
)
RELATIONSHIPS_HANDOVER_COMPLETED_WARM = _about_person(
    "relationships.handover.completed_warm", _("introduced your new named worker")
)
RELATIONSHIPS_HANDOVER_COMPLETED_COLD = _about_person(
    "relationships.handover.completed_cold", _("changed your named worker without an introduction")
)
RELATIONSHIPS_HANDOVER_CANCELLED = _about_person(
    "relationships.handover.cancelled", _("cancelled a change of your named worker")
)
RELATIONSHIPS_CONTACT_RECORDED = _about_person(
    "relationships.contact.recorded", _("recorded a conversation with you")
)
RELATIONSHIPS_CONTACT_CHANGED = _about_person(
    "relationships.contact.changed", _("changed the record of a conversation with you")
)
RELATIONSHIPS_CONTACT_MOVED_AWAY = _about_person(
    "relationships.contact.moved_away",
    _("moved a conversation recorded on you by mistake to the right person"),
)
RELATIONSHIPS_CONTACT_MOVED_IN = _about_person(
    "relationships.contact.moved_in",
    _("moved a conversation with you, recorded on someone else by mistake, to your record"),
)
RELATIONSHIPS_CONTACT_REMOVED = _about_person(
    "relationships.contact.removed",
    _("removed a conversation recorded on you by mistake"),
)
RELATIONSHIPS_CONTACT_RESTORED = _about_person(
    "relationships.contact.restored",
    _("put back a conversation with you that had been removed by mistake"),
)
RELATIONSHIPS_ALLOCATION_MADE = _about_person(
    "relationships.allocation.made", _("added a worker to the people who support you")
)
RELATIONSHIPS_ALLOCATION_ENDED = _about_person(
    "relationships.allocation.ended", _("took a worker off the people who support you")
)
RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_STARTED = _about_person(
    "relationships.legitimate_relationship.started",
    _("asked to read your history for a few days, and said why"),
)
RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_ENDED = _about_person(
    "relationships.legitimate_relationship.ended", _("closed a worker's access to your history")
)
RELATIONSHIPS_LEGITIMATE_RELATIONSHIP_REVIEWED = _about_person(
    "relationships.legitimate_relationship.reviewed",
    _("checked why a worker asked to read your history"),
)

# support --------------------------------------------------------------------------------------
SUPPORT_NOTE_CREATED = _about_person("support.note.created", _("wrote down what you said"))
SUPPORT_NOTE_CHANGED = _about_person("support.note.changed", _("changed the note of what you said"))
SUPPORT_SUPPORTNOTE_VIEWED = _about_person("support.supportnote.viewed", _("looked at your notes"))

# eligibility ----------------------------------------------------------------------------------
ELIGIBILITY_VOUCHER_RECORDED = _about_person(
    "eligibility.voucher.recorded", _("recorded a foodbank voucher")
)
ELIGIBILITY_VOUCHER_REDEEMED = _about_person(
    "eligibility.voucher.redeemed", _("gave out a foodbank parcel")
)
ELIGIBILITY_VOUCHER_REDEMPTION_UNDONE = _about_person(
    "eligibility.voucher.redemption_undone",
    _("undid a foodbank parcel recorded for you by mistake, saying why"),
)
ELIGIBILITY_VOUCHER_VIEWED = _about_person(
    "eligibility.voucher.viewed", _("looked at your foodbank vouchers")
)
ELIGIBILITY_SUPPORT_OFFER_ACCEPTED = _about_person(
    "eligibility.support_offer.accepted", _("noted that you would like to talk to someone")
)

# safeguarding ---------------------------------------------------------------------------------
SAFEGUARDING_CONCERN_RAISED = _about_person(
    "safeguarding.concern.raised", _("raised a safeguarding concern")
)
SAFEGUARDING_CONCERN_ACTION_ADDED = _about_person(
    "safeguarding.concern.action_added", _("recorded what was done about a safeguarding concern")
)
SAFEGUARDING_CONCERN_VIEWED = _about_person(
    "safeguarding.concern.viewed", _("looked at safeguarding concerns")
)
SAFEGUARDING_OVERRIDE_STARTED = _about_person(
    "safeguarding.override.started",
    _("opened your notes without your consent, to keep someone safe"),
)
SAFEGUARDING_OVERRIDE_ENDED = _about_person(
    "safeguarding.override.ended", _("closed your notes again after a safeguarding check")
)
SAFEGUARDING_OVERRIDE_REVIEWED = _about_person(
    "safeguarding.override.reviewed", _("reviewed why your notes were opened")
)
SAFEGUARDING_MATCHING_HOLD_PLACED = _about_person(
    "safeguarding.matching_hold.placed", _("paused introductions and matching for you")
)
SAFEGUARDING_MATCHING_HOLD_LIFTED = _about_person(
    "safeguarding.matching_hold.lifted", _("started introductions and matching for you again")
)
SAFEGUARDING_MATCHINGHOLD_VIEWED = _about_person(
    "safeguarding.matchinghold.viewed", _("looked at why introductions were paused")
)
SAFEGUARDING_OVERRIDE_VIEWED = _about_person(
    "safeguarding.override.viewed", _("looked at why your notes were opened")
)

# scheduling -----------------------------------------------------------------------------------
SCHEDULING_APPOINTMENT_BOOKED = _about_person(
    "scheduling.appointment.booked", _("booked a time to meet you")
)
SCHEDULING_APPOINTMENT_CANCELLED = _about_person(
    "scheduling.appointment.cancelled", _("cancelled a time to meet you")
)
SCHEDULING_APPOINTMENT_DID_NOT_ATTEND = _about_person(
    "scheduling.appointment.did_not_attend", _("noted that a meeting did not happen")
)
SCHEDULING_APPOINTMENT_ATTENDED = _about_person(
    "scheduling.appointment.attended", _("noted that you met")
)
SCHEDULING_REMINDER_SENT = _about_person(
    "scheduling.reminder.sent", _("reminded you of a time to meet")
)
SCHEDULING_PLAN_ACCEPTED = _about_person(
    "scheduling.plan.accepted", _("booked a time to meet you, in a plan")
)

# reports --------------------------------------------------------------------------------------
REPORTS_STORY_RECORDED = _about_person(
    "reports.story.recorded", _("wrote down your story, with your agreement to share it")
)
REPORTS_STORY_WITHDRAWN = _about_person(
    "reports.story.withdrawn", _("took your story out of reports, as you asked")
)

# measures -------------------------------------------------------------------------------------
MEASURES_SITTING_CREATED = _about_person(
    "measures.sitting.created", _("asked you some questions about how things are")
)
MEASURES_SITTING_ANSWERED = _about_person(
    "measures.sitting.answered", _("kept your answers to the questions")
)
MEASURES_RESPONSE_VIEWED = _about_person(
    "measures.response.viewed", _("looked at your answers to the questions")
)

# learning -------------------------------------------------------------------------------------
LEARNING_DEMAND_MARKED = _about_person(
    "learning.demand.marked", _("noted whether something had gone wrong for you")
)
LEARNING_DEMAND_CHANGED = _about_person(
    "learning.demand.changed", _("changed the note of whether something had gone wrong")
)
LEARNING_DEMANDWORDS_VIEWED = _about_person(
    "learning.demandwords.viewed", _("looked at what you said had gone wrong")
)
LEARNING_NEED_OPENED = _about_person("learning.need.opened", _("wrote down what you came for"))
LEARNING_NEED_GOAL_SET = _about_person(
    "learning.need.goal_set", _("wrote down what you want to happen")
)
LEARNING_NEED_CLOSED = _about_person(
    "learning.need.closed", _("noted that what you came for is sorted, or closed")
)
LEARNING_NEED_VIEWED = _about_person("learning.need.viewed", _("looked at what you came for"))
LEARNING_SPEND_RECORDED = _about_person(
    "learning.spend.recorded", _("spent from the team's fund for you")
)
LEARNING_SPEND_APPROVED = _about_person(
    "learning.spend.approved", _("agreed a spend from the team's fund for you")
)
LEARNING_SPEND_DECLINED = _about_person(
    "learning.spend.declined", _("turned down a spend from the team's fund for you")
)
LEARNING_SPEND_VIEWED = _about_person("learning.spend.viewed", _("looked at a spend for you"))

# spaces ---------------------------------------------------------------------------------------
SPACES_ATTENDANCE_MARKED = _about_person(
    "spaces.attendance.marked", _("noted that you came to a group")
)
SPACES_ATTENDANCE_UNMARKED = _about_person(
    "spaces.attendance.unmarked", _("corrected a group's register")
)
SPACES_INVITATION_CREATED = _about_person("spaces.invitation.created", _("invited you to a group"))
SPACES_LAPSE_PROMPTED = _about_person(
    "spaces.lapse.prompted", _("was asked to check in, as you had not come to a group lately")
)
SPACES_STOPPING_REASON_RECORDED = _about_person(
    "spaces.stopping_reason.recorded", _("noted why you stopped coming to a group")
)
SPACES_TIES_RECORDED = _about_person(
    "spaces.ties.recorded", _("wrote down the people and groups you can turn to")
)
SPACES_TIE_VIEWED = _about_person(
    "spaces.tie.viewed", _("looked at the people and groups you can turn to")
)
SPACES_STOPPINGREASON_VIEWED = _about_person(
    "spaces.stoppingreason.viewed", _("looked at why you stopped coming to a group")
)

# connections ----------------------------------------------------------------------------------
CONNECTIONS_PROFILE_SAVED = _about_person(
    "connections.profile.saved", _("wrote down what you like and would share with others")
)
CONNECTIONS_PERSONPROFILE_VIEWED = _about_person(
    "connections.personprofile.viewed", _("looked at what you like and would share")
)
CONNECTIONS_INTRODUCTION_PROPOSED = _about_person(
    "connections.introduction.proposed", _("suggested an introduction for you")
)
CONNECTIONS_INTRODUCTION_ASKED = _about_person(
    "connections.introduction.asked", _("asked you about an introduction")
)
CONNECTIONS_INTRODUCTION_ANSWERED = _about_person(
    "connections.introduction.answered", _("kept your answer about an introduction")
)
CONNECTIONS_INTRODUCTION_INTRODUCED = _about_person(
    "connections.introduction.introduced", _("introduced you, as everyone agreed")
)
CONNECTIONS_INTRODUCTION_CLOSED = _about_person(
    "connections.introduction.closed", _("closed an introduction")
)
CONNECTIONS_INTRODUCTION_EXPIRED = _about_person(
    "connections.introduction.expired", _("closed an introduction that was not answered in time")
)
CONNECTIONS_INTRODUCTION_WITHDRAWN = _about_person(
    "connections.introduction.withdrawn", _("took back a suggested introduction")
)
CONNECTIONS_INTRODUCTION_VIEWED = _about_person(
    "connections.introduction.viewed", _("looked at an introduction for you")
)
CONNECTIONS_FOLLOW_UP_RECORDED = _about_person(
    "connections.follow_up.recorded", _("asked how an introduction went")
)
CONNECTIONS_MATCH_CONFIRMED = _about_person(
    "connections.match.confirmed", _("matched you with a volunteer")
)
INBOX_NAMED_WORKER_TOLD = _about_person(
    "inbox.named_worker_told", _("asked your named worker to get in touch with you")
)
# A person's rights (alongside/rights/): subject access, erasure, retention, legal holds.
RIGHTS_SUBJECT_ACCESS_OPENED = _about_person(
    "rights.subject_access.opened", _("opened your request to see your record")
)
RIGHTS_RECORD_VIEWED = _about_person(
    "rights.record.viewed", _("read your whole record to answer your request for it")
)
RIGHTS_SUBJECT_ACCESS_WITHHELD = _about_person(
    "rights.subject_access.withheld",
    _("decided to leave something out of the answer to your request, and recorded why"),
)
RIGHTS_SUBJECT_ACCESS_ANSWERED = _about_person(
    "rights.subject_access.answered", _("answered your request with a copy of your record")
)
RIGHTS_SUBJECT_ACCESS_DOWNLOADED = _about_person(
    "rights.subject_access.downloaded", _("downloaded the answer to your request")
)
RIGHTS_PERSON_ERASED = _about_person(
    "rights.person.erased", _("erased your name, contact details and words, as you asked")
)
RIGHTS_RETENTION_ANONYMISED = _about_person(
    "rights.retention.anonymised",
    _("took your name and words out of records older than we keep them"),
)
RIGHTS_LEGAL_HOLD_SET = _about_person(
    "rights.legal_hold.set", _("marked your records to be kept for now, and said why")
)
RIGHTS_LEGAL_HOLD_LIFTED = _about_person(
    "rights.legal_hold.lifted", _("ended the mark that kept your records, and said why")
)

# referrals ------------------------------------------------------------------------------------
REFERRALS_OUT_SENT = _about_person(
    "referrals.out.sent", _("referred you to another service, with your agreement")
)
REFERRALS_OUT_OPENED = _about_person(
    "referrals.out.opened",
    _("showed the service you were referred to what you agreed to share with them"),
)
REFERRALS_OUT_ANSWERED = _about_person(
    "referrals.out.answered", _("recorded what the service you were referred to said happened")
)
REFERRALS_OUT_WITHDRAWN = _about_person(
    "referrals.out.withdrawn", _("took back a referral to another service")
)
REFERRALS_REFERRALOUT_VIEWED = _about_person(
    "referrals.referralout.viewed", _("read a referral's note and the service's answer")
)
REFERRALS_IN_ACCEPTED = _about_person(
    "referrals.in.accepted", _("accepted the referral another organisation made for you")
)
REFERRALS_REFERRALIN_VIEWED = _about_person(
    "referrals.referralin.viewed", _("read why another organisation referred you")
)

# Never about one person ------------------------------------------------------------------------
# imports (alongside/imports/): "%(source)s" is filled from the event's summary.
IMPORTS_RECORD_IMPORTED = _about_person(
    "imports.record.imported", _("imported your record from %(source)s")
)
IMPORTS_RECORD_UPDATED = _about_person(
    "imports.record.updated", _("updated your record from %(source)s")
)

# Settings, a worker's own diary or time, team figures: they never appear on a person's page.
ACCESS_MEMBERSHIP_LEAVING_DATE_SET = _not_about_one_person("access.membership.leaving_date_set")
ACCESS_ORGANISATION_ROLE_SEPARATION_CHANGED = _not_about_one_person(
    "access.organisation.role_separation_changed"
)
ACCESS_ORGANISATION_LATE_RECORD_DAYS_CHANGED = _not_about_one_person(
    "access.organisation.late_record_days_changed"
)
ACCESS_ORGANISATION_TWO_STEP_CHANGED = _not_about_one_person("access.organisation.two_step_changed")
ACCESS_ORGANISATION_ROLE_NAMES_CHANGED = _not_about_one_person(
    "access.organisation.role_names_changed"
)
ACCESS_ORGANISATION_WORDS_CHANGED = _not_about_one_person("access.organisation.words_changed")
ACCESS_ORGANISATION_SERVICES_CHANGED = _not_about_one_person("access.organisation.services_changed")
# Sign-in (alongside/accounts): one event per active membership of the account, so each
# organisation the worker works in sees it. Summaries hold the address and the method, never a
# password or a code.
ACCOUNT_SIGNED_IN = _not_about_one_person("account.signed_in")
ACCOUNT_SIGN_IN_FAILED = _not_about_one_person("account.sign_in_failed")
ACCOUNT_LOCKED_OUT = _not_about_one_person("account.locked_out")
ACCOUNT_TWO_STEP_FAILED = _not_about_one_person("account.two_step_failed")
ACCOUNT_TWO_STEP_ADDED = _not_about_one_person("account.two_step_added")
ACCOUNT_TWO_STEP_REMOVED = _not_about_one_person("account.two_step_removed")
ACCOUNT_RECOVERY_CODES_RENEWED = _not_about_one_person("account.recovery_codes_renewed")
ACCOUNT_PASSWORD_CHANGED = _not_about_one_person("account.password_changed")
ACCOUNT_PASSWORD_RESET = _not_about_one_person("account.password_reset")
ACCOUNT_SESSION_ENDED = _not_about_one_person("account.session_ended")
ACCOUNT_OTHER_SESSIONS_ENDED = _not_about_one_person("account.other_sessions_ended")
AUDIT_LOG_SEARCHED = _not_about_one_person("audit.log.searched")
RIGHTS_RETENTION_CHECKED = _not_about_one_person("rights.retention.checked")
RIGHTS_RETENTION_CONFIRMED = _not_about_one_person("rights.retention.confirmed")
RIGHTS_RETENTION_SETTINGS_CHANGED = _not_about_one_person("rights.retention.settings_changed")
AUDIT_LOG_EXPORTED = _not_about_one_person("audit.log.exported")
# The whole organisation's archive (alongside/archive/, decision 0055): every person's records,
# so never on one person's page; summaries hold the format and row counts only.
ARCHIVE_REQUESTED = _not_about_one_person("archive.requested")
ARCHIVE_EXPORTED = _not_about_one_person("archive.exported")
ARCHIVE_DOWNLOADED = _not_about_one_person("archive.downloaded")
ARCHIVE_RESTORED = _not_about_one_person("archive.restored")
# People management (alongside/workers/): every membership, role and account change.
ACCESS_WORKER_INVITED = _not_about_one_person("access.worker.invited")
ACCESS_INVITATION_RESENT = _not_about_one_person("access.invitation.resent")
ACCESS_INVITATION_WITHDRAWN = _not_about_one_person("access.invitation.withdrawn")
ACCESS_INVITATION_ACCEPTED = _not_about_one_person("access.invitation.accepted")
ACCESS_MEMBERSHIP_ROLE_CHANGED = _not_about_one_person("access.membership.role_changed")
ACCESS_MEMBERSHIP_SWITCHED_OFF = _not_about_one_person("access.membership.switched_off")
ACCESS_MEMBERSHIP_SWITCHED_ON = _not_about_one_person("access.membership.switched_on")
ACCESS_ORGANISATION_CHANGED_IN_ADMIN = _not_about_one_person("access.organisation.changed_in_admin")
DEMO_BUILT = _not_about_one_person("demo.built")
IMPORTS_FILE_IMPORTED = _not_about_one_person("imports.file.imported")
# Workers and spaces an import brings in or updates (imports/workers_kind.py, spaces_kind.py).
IMPORTS_WORKER_IMPORTED = _not_about_one_person("imports.worker.imported")
IMPORTS_WORKER_UPDATED = _not_about_one_person("imports.worker.updated")
IMPORTS_SPACE_IMPORTED = _not_about_one_person("imports.space.imported")
IMPORTS_SPACE_UPDATED = _not_about_one_person("imports.space.updated")
ELIGIBILITY_PARTNER_ADDED = _not_about_one_person("eligibility.partner.added")
ELIGIBILITY_PARTNER_DEACTIVATED = _not_about_one_person("eligibility.partner.deactivated")
ELIGIBILITY_PARTNER_REACTIVATED = _not_about_one_person("eligibility.partner.reactivated")
SCHEDULING_AVAILABILITY_ADDED = _not_about_one_person("scheduling.availability.added")
SCHEDULING_AVAILABILITY_REMOVED = _not_about_one_person("scheduling.availability.removed")
SCHEDULING_EXCEPTION_ADDED = _not_about_one_person("scheduling.exception.added")
SCHEDULING_EXCEPTION_REMOVED = _not_about_one_person("scheduling.exception.removed")
SCHEDULING_WORKER_DETAILS_CHANGED = _not_about_one_person("scheduling.worker_details.changed")
SCHEDULING_PLAN_CREATED = _not_about_one_person("scheduling.plan.created")
SCHEDULING_PLAN_SET_ASIDE = _not_about_one_person("scheduling.plan.set_aside")
REPORTS_LEARNING_WRITTEN = _not_about_one_person("reports.learning.written")
REPORTS_SETTINGS_CHANGED = _not_about_one_person("reports.settings.changed")
MEASURES_AGGREGATES_VIEWED = _not_about_one_person("measures.aggregates.viewed")
MEASURES_INSTRUMENT_ADDED = _not_about_one_person("measures.instrument.added")
MEASURES_INSTRUMENT_VERSIONED = _not_about_one_person("measures.instrument.versioned")
MEASURES_SCHEDULE_CHANGED = _not_about_one_person("measures.schedule.changed")
LEARNING_ADMIN_TIME_RECORDED = _not_about_one_person("learning.admin_time.recorded")
LEARNING_SETTINGS_CHANGED = _not_about_one_person("learning.settings.changed")
SPACES_SPACE_CREATED = _not_about_one_person("spaces.space.created")
SPACES_SPACE_CHANGED = _not_about_one_person("spaces.space.changed")
SPACES_PATTERN_CREATED = _not_about_one_person("spaces.pattern.created")
SPACES_SESSION_ADDED = _not_about_one_person("spaces.session.added")
SPACES_SESSION_CANCELLED = _not_about_one_person("spaces.session.cancelled")
SPACES_SESSION_REGISTER_CLOSED = _not_about_one_person("spaces.session.register_closed")
SPACES_PERSON_WELCOMED_AT_DOOR = _not_about_one_person("spaces.person.welcomed_at_door")
CONNECTIONS_VOLUNTEER_SAVED = _not_about_one_person("connections.volunteer.saved")
CONNECTIONS_SPACE_DESCRIBED = _not_about_one_person("connections.space.described")
CONNECTIONS_LIST_ADDED = _not_about_one_person("connections.list.added")
# A referral in before it is on anyone's record: who it names is not yet a person here.
REFERRALS_IN_RECEIVED = _not_about_one_person("referrals.in.received")
REFERRALS_IN_NOT_SUITABLE = _not_about_one_person("referrals.in.not_suitable")
REFERRALS_PARTNER_ADDED = _not_about_one_person("referrals.partner.added")
REFERRALS_PARTNER_KEY_ROTATED = _not_about_one_person("referrals.partner.key_rotated")
REFERRALS_PARTNER_SWITCHED_OFF = _not_about_one_person("referrals.partner.switched_off")
REFERRALS_PARTNER_SWITCHED_ON = _not_about_one_person("referrals.partner.switched_on")
# The volunteer journey (alongside/volunteers/): a volunteer is not a person with a record here.
VOLUNTEERS_VOLUNTEER_ENQUIRED = _not_about_one_person("volunteers.volunteer.enquired")
VOLUNTEERS_VOLUNTEER_MOVED = _not_about_one_person("volunteers.volunteer.moved")
VOLUNTEERS_REFERENCE_RECORDED = _not_about_one_person("volunteers.reference.recorded")
VOLUNTEERS_CHECK_RECORDED = _not_about_one_person("volunteers.check.recorded")
VOLUNTEERS_REQUIREMENTS_CHANGED = _not_about_one_person("volunteers.requirements.changed")
# A volunteer's own lived experience and their two agreements (matching, telling).
CONNECTIONS_VOLUNTEER_LIVED_EXPERIENCE = _not_about_one_person(
    "connections.volunteer.lived_experience"
)
# The directory of local services (alongside/directory/): nothing in it is about a person.
DIRECTORY_IMPORTED = _not_about_one_person("directory.imported")
DIRECTORY_SERVICE_ADDED = _not_about_one_person("directory.service.added")
DIRECTORY_SERVICE_CHANGED = _not_about_one_person("directory.service.changed")
DIRECTORY_SERVICE_CHECKED = _not_about_one_person("directory.service.checked")
DIRECTORY_FEED_ADDED = _not_about_one_person("directory.feed.added")
DIRECTORY_FEED_CHANGED = _not_about_one_person("directory.feed.changed")
DIRECTORY_TERM_ADDED = _not_about_one_person("directory.term.added")
# The rota and what volunteers give (alongside/rota/): about members and the organisation.
ROTA_PATTERN_CREATED = _not_about_one_person("rota.pattern.created")
ROTA_SHIFTS_GENERATED = _not_about_one_person("rota.shifts.generated")
ROTA_SIGNUP_MADE = _not_about_one_person("rota.signup.made")
ROTA_SIGNUP_ASKED = _not_about_one_person("rota.signup.asked")
ROTA_SIGNUP_ANSWERED = _not_about_one_person("rota.signup.answered")
ROTA_SIGNUP_WITHDRAWN = _not_about_one_person("rota.signup.withdrawn")
ROTA_SWAP_OFFERED = _not_about_one_person("rota.swap.offered")
ROTA_SWAP_TAKEN = _not_about_one_person("rota.swap.taken")
ROTA_HOURS_ADDED = _not_about_one_person("rota.hours.added")
ROTA_GIFT_RECORDED = _not_about_one_person("rota.gift.recorded")
ROTA_MILESTONE_SHARED = _not_about_one_person("rota.milestone.shared")
ROTA_SHIFT_CANCELLED = _not_about_one_person("rota.shift.cancelled")
ROTA_PATTERN_CHANGED = _not_about_one_person("rota.pattern.changed")
ROTA_SIGNUP_ATTENDANCE = _not_about_one_person("rota.signup.attendance")
# Training and supervision (alongside/training/): about workers and volunteers, never a person
# supported; a supervision note's words are never in a summary.
TRAINING_COURSE_ADDED = _not_about_one_person("training.course.added")
TRAINING_COMPLETION_RECORDED = _not_about_one_person("training.completion.recorded")
TRAINING_COURSE_CHANGED = _not_about_one_person("training.course.changed")
TRAINING_COURSE_REMOVED = _not_about_one_person("training.course.removed")
TRAINING_COMPLETION_CHANGED = _not_about_one_person("training.completion.changed")
TRAINING_COMPLETION_REMOVED = _not_about_one_person("training.completion.removed")
TRAINING_SUPERVISION_ARRANGED = _not_about_one_person("training.supervision.arranged")
TRAINING_SUPERVISION_ENDED = _not_about_one_person("training.supervision.ended")
TRAINING_SUPERVISION_SESSION_PLANNED = _not_about_one_person("training.supervision_session.planned")
TRAINING_SUPERVISION_SESSION_RECORDED = _not_about_one_person(
    "training.supervision_session.recorded"
)
TRAINING_SUPERVISIONNOTE_VIEWED = _not_about_one_person("training.supervisionnote.viewed")

ABOUT_ONE_PERSON = frozenset(name for name, action in REGISTRY.items() if action.about_person)
NOT_ABOUT_ONE_PERSON = frozenset(
    name for name, action in REGISTRY.items() if not action.about_person
)
