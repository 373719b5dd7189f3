"""What the organisation archive holds: one table per kind of record, in restore order.

Each `Table` names a model, how its rows are found for one organisation, which fields are left
out (derived keys, one-time secrets) and plain words for the fields whose own labels say too
little. Columns are worked out from the model, so a field added later is exported (and must be
described: `tests/test_format.py` checks every column has words). A foreign key becomes a
reference to another table's `id`; a key to a user becomes a reference to `workers.id`.

Tables handled by hand (not listed here): `organisation` (its settings, one row), `workers`
(membership and account together) and `audit_events` (the chain and restored history), in
`services.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from alongside.access.models import LocalWord, Membership, Notification, Skill, Team
from alongside.connections.models import (
    FollowUp,
    Interest,
    Introduction,
    IntroductionSide,
    Locality,
    Match,
    PersonProfile,
    SpaceProfile,
    VolunteerProfile,
)
from alongside.directory.models import (
    DirectoryFeed,
    DirectoryOrganisation,
    DirectoryRefresh,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    postcode_district,
)
from alongside.directory.models import Schedule as ServiceSchedule
from alongside.eligibility.models import ReferralPartner, Voucher, voucher_key
from alongside.imports.models import ColumnMapping, ImportedRecord
from alongside.learning.models import (
    AdminTime,
    ContactDemand,
    DemandWords,
    LearningSettings,
    Need,
    Spend,
)
from alongside.measures.models import Instrument, InstrumentVersion, Response, Sitting
from alongside.measures.models import Schedule as ReviewSchedule
from alongside.people.models import ConsentToShare, MergeProposal, Person, PersonMerge
from alongside.referrals.models import Partner, ReferralIn, ReferralOut
from alongside.relationships.models import (
    Allocation,
    Contact,
    ContactRevision,
    Handover,
    LegitimateRelationship,
    NamedWorkerSpell,
    WorkerRequest,
)
from alongside.reports.models import ReportSettings, Story, TeamLearning
from alongside.rights.models import (
    Anonymisation,
    LegalHold,
    RetentionReview,
    RetentionSettings,
    ReviewStatus,
    SubjectAccessRequest,
    Withholding,
)
from alongside.rota.models import (
    Gift,
    HoursEntry,
    MilestoneShare,
    PatternRole,
    Shift,
    ShiftPattern,
    ShiftRole,
    Signup,
)
from alongside.safeguarding.models import Concern, ConcernAction, MatchingHold, Override
from alongside.scheduling.models import (
    Appointment,
    AvailabilityException,
    PlanningRound,
    SeeRequest,
    WeeklyAvailability,
)
from alongside.spaces.models import (
    Attendance,
    DoorWelcome,
    Invitation,
    LapsePrompt,
    Session,
    SessionPattern,
    Space,
    StoppingReason,
    Tie,
    TieCount,
)
from alongside.support.models import SupportNote, SupportNoteRevision
from alongside.training.models import (
    Completion,
    Course,
    Removal,
    Requirement,
    Supervision,
    SupervisionSession,
)
from alongside.volunteers.models import Check, Reference, Requirements, StageChange, Volunteer

# Words for fields that many tables share, used unless a table gives its own.
COMMON_WORDS: dict[str, str] = {
    "person": "The person this is about (people.id).",
    "created_at": "When the record was made (UTC).",
    "updated_at": "When the record was last changed (UTC).",
    "created_by": "The worker who made the record (workers.id).",
    "recorded_by": "The worker who recorded it (workers.id).",
    "author": "The worker who wrote it (workers.id).",
    "worker": "The worker (workers.id).",
    "team": "The service or team (teams.id).",
    "space": "The space (spaces.id).",
    "session": "The session (sessions.id).",
    "version": "How many times it has been edited, counting the first version as 1.",
    "note": "A short note in words.",
    "reason": "Why, as one of the listed reasons.",
    "status": "Where it stands, as one of the listed codes.",
    "ended_on": "The day it ended; empty while it goes on.",
    "ended_at": "When it ended (UTC); empty while it goes on.",
    "ended_by": "The worker who ended it (workers.id).",
    "expires_at": "When it lapses on its own (UTC).",
    "replaced_by": "The worker whose edit replaced this version (workers.id).",
    "replaced_at": "When this version was replaced by an edit (UTC).",
    "about_worker": "The named worker the questions were about, when they were (workers.id).",
    "mode": "How it happened, as one of the listed codes.",
    "given_name": "Their first name, as they give it.",
    "family_name": "Their last name, as they give it.",
    "pronouns": "The pronouns they use.",
    "access_needs": "What they need to take part, in their words.",
    "postcode": "Their postcode.",
    "phone": "Their phone number.",
    "email": "Their email address.",
    "emergency_contact_name": "Who to contact in an emergency.",
    "started_on": "The day it started.",
    "starts_at": "The time it starts (local time).",
    "ends_at": "The time it ends (local time).",
    "starts_on": "The first day it runs.",
    "ends_on": "The last day it runs.",
    "name": "The name it goes by.",
    "allocated_at": "When they were allocated (UTC).",
    "invited_at": "When they were invited (UTC).",
    "welcomed_at": "When they were welcomed (UTC).",
    "sent_at": "When it was sent (UTC).",
    "period_start": "The first day of the period.",
    "period_end": "The last day of the period.",
}


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    title: str
    description: str
    # The rows of one organisation (a Q over the model), by default `organisation=`.
    rows_of: Callable[[int], Q] = lambda organisation_id: Q(organisation_id=organisation_id)
    exclude: tuple[str, ...] = ()
    words: dict[str, str] = field(default_factory=dict)
    # Fills what `save()` would (derived keys) before a restored row is inserted raw.
    prepare: Callable[[Any], None] | None = None

    def field_words(self, model_field: models.Field[Any, Any]) -> str:
        name = model_field.name
        if name in self.words:
            return self.words[name]
        if name in COMMON_WORDS:
            return COMMON_WORDS[name]
        label = str(model_field.verbose_name)
        label = label[:1].upper() + label[1:]
        if model_field.is_relation:
            return f"{label} ({target_table(model_field)}.id)."
        help_text = str(model_field.help_text or "")
        return f"{label}. {help_text}".strip() if help_text else f"{label}."


@dataclass(frozen=True)
class ManyToMany:
    """A many-to-many field exported as a table of pairs (`owner`, `other`)."""

    name: str
    owner: type[models.Model]
    attribute: str
    title: str
    description: str
    owner_column: str
    other_column: str


# Words the directory's tables share (Open Referral UK's fields).
DIRECTORY_WORDS: dict[str, str] = {
    "oruk_id": "The record's id in Open Referral UK (a UUID).",
    "parent_oruk_id": "The ORUK id of the record above it; or empty.",
    "uri": "A web address naming it.",
    "website": "Its website.",
    "logo": "The address of its logo.",
    "extra": "Further ORUK fields, as a JSON object.",
    "description": "What it is, in words.",
    "address_1": "The first line of its address.",
    "postal_code": "Its postcode.",
    "accessibility": "How accessible it is, in words.",
    "valid_from": "The first day these times apply; or empty.",
    "valid_to": "The last day these times apply; or empty.",
    "url": "Its web address.",
}


def _replace_waiting(review: Any) -> None:
    """A retention review still waiting names people by the original system's ids: restored,
    it is marked replaced, so no one confirms it here (the daily check makes a fresh one)."""
    if review.status == ReviewStatus.WAITING:
        review.status = ReviewStatus.REPLACED


# Fields no table exports: the primary key (replaced by `id`) and the organisation (the archive
# is one organisation's).
ALWAYS_LEFT_OUT = ("id", "organisation")

TABLES: tuple[Table, ...] = (
    Table(
        "teams",
        Team,
        "Teams and services",
        "The services or teams the organisation runs.",
        words={"name": "The team's name, unique in the organisation."},
    ),
    Table(
        "local_words",
        LocalWord,
        "The organisation's own words",
        "Its own words for each reason list (decision 0088). Records keep a word's code; pages, "
        "reports and exports show its label. A list with no rows here uses Alongside's starting "
        "words.",
        words={
            "word_list": "Which list: demand_kind, failure_kind, close_reason, spell_reason, "
            "referral_outcome or voucher_reason.",
            "code": "The code records keep (spells.reason, needs.close_reason, ...); never changes.",
            "label": "The organisation's word for it.",
            "position": "Its place in the list, from 0.",
            "active": "False when retired: not offered any more, still shown on old records.",
        },
    ),
    Table(
        "people",
        Person,
        "People",
        "Everyone the organisation supports: the shared record, in their own words.",
        exclude=("name_key", "phone_key", "search_key", "phone_digits", "postcode_key"),
        words={
            "merged_into": "When this record was merged into another record of the same person, "
            "that record (people.id); empty otherwise.",
            "team": "The service that looks after them (teams.id).",
        },
        prepare=Person.fill_keys,
    ),
    Table(
        "spells",
        NamedWorkerSpell,
        "Named-worker spells",
        "Periods during which a worker was a person's named worker.",
        words={"chosen_by_person": "True when the person chose this worker themselves."},
    ),
    Table(
        "handovers",
        Handover,
        "Handovers",
        "Changes of named worker, warm or cold.",
        words={
            "from_worker": "The worker handing over (workers.id).",
            "introduce_by": "The day the new worker should be introduced by.",
            "to_worker": "The worker taking over (workers.id).",
            "completed_on": "The day the handover was completed; empty while planned.",
        },
    ),
    Table(
        "contacts",
        Contact,
        "Contacts",
        "Each conversation or meeting with a person: when, who and how (never what was said: "
        "that is in support_notes).",
        words={
            "worker": "The worker who led the contact (workers.id).",
            "at": "When the contact happened (UTC).",
            "minutes": "How many minutes it took.",
            "handover": "The handover this contact introduced the new worker in (handovers.id).",
            "recorded_at": "When the contact was recorded (UTC).",
        },
    ),
    Table(
        "contact_revisions",
        ContactRevision,
        "Contact revisions",
        "A contact's shared fields as they were before each edit.",
        rows_of=lambda organisation_id: Q(contact__organisation_id=organisation_id),
        words={
            "contact": "The contact (contacts.id).",
            "version": "The version number this snapshot was.",
            "snapshot": "The fields as they were, as a JSON object (ids in it are the "
            "original system's).",
        },
    ),
    Table(
        "support_notes",
        SupportNote,
        "Support notes",
        "What the person asked for and said, in their words (support sphere).",
        words={
            "contact": "The contact the note was written at (contacts.id); may be empty.",
            "text": "The notes, in words.",
        },
    ),
    Table(
        "support_note_revisions",
        SupportNoteRevision,
        "Support note revisions",
        "A support note's words as they were before each edit (support sphere).",
        rows_of=lambda organisation_id: Q(note__organisation_id=organisation_id),
        words={
            "note": "The support note (support_notes.id).",
            "version": "The version number these words were.",
            "asked_for": "What they asked for, as it was.",
            "text": "The notes, as they were.",
        },
    ),
    Table(
        "consents",
        ConsentToShare,
        "Consents to share",
        "A person's agreement that a role or a worker may read some of their support records.",
        words={
            "note": "The one support note shared, when the scope is one note (support_notes.id).",
            "purpose": "What they agreed to share it for, in words.",
            "grantee_role": "The role everyone in which may read, as a role code; or empty.",
            "grantee_user": "The worker who may read (workers.id); or empty.",
            "granted_at": "When they agreed (UTC).",
            "revoked_at": "When they withdrew their agreement (UTC); empty if not.",
            "revoked_by": "The worker who recorded the withdrawal (workers.id).",
        },
    ),
    Table(
        "allocations",
        Allocation,
        "Allocations",
        "Workers a coordinator allocated to a person beside the named worker.",
        words={
            "allocated_by": "The coordinator who allocated them (workers.id).",
        },
    ),
    Table(
        "worker_requests",
        WorkerRequest,
        "Worker requests",
        "A person asked for a particular worker, or for a change.",
        words={
            "requested_worker": "The worker they asked for (workers.id); or empty.",
            "requested_on": "The day they asked.",
            "answered_on": "The day it was answered; empty while waiting.",
        },
    ),
    Table(
        "referral_partners",
        ReferralPartner,
        "Referral partners",
        "Agencies that issue foodbank vouchers.",
        words={
            "kind": "What kind of agency, as one of the listed codes.",
            "active": "True while they issue vouchers.",
        },
    ),
    Table(
        "vouchers",
        Voucher,
        "Foodbank vouchers",
        "Referral vouchers: issued, and redeemed once (eligibility sphere).",
        exclude=("code_key",),
        prepare=lambda voucher: setattr(voucher, "code_key", voucher_key(voucher.code)),
        words={
            "partner": "The agency that issued it (referral_partners.id).",
            "code": "The voucher's code, as printed.",
            "adults": "How many adults in the household.",
            "children": "How many children in the household.",
            "reason_codes": "Why they were referred: a JSON list of the listed codes.",
            "issued_on": "The day it was issued.",
            "issued_by_name": "Who issued it, in words.",
            "person": "Who it was redeemed for (people.id); empty until redeemed.",
            "redeemed_at": "When it was redeemed (UTC); empty until then.",
            "redeemed_by": "Who redeemed it (workers.id).",
            "parcels": "How many parcels were given.",
            "recorded_at": "When it was recorded (UTC).",
            "redemption_undone_at": "When a redemption was undone (UTC); or empty.",
            "redemption_undone_reason": "Why it was undone, in words.",
        },
    ),
    Table(
        "safeguarding_concerns",
        Concern,
        "Safeguarding concerns",
        "Worries that someone is at risk of harm, in the words of the worker who raised them "
        "(safeguarding sphere).",
        words={
            "raised_by": "The worker who raised it (workers.id).",
            "raised_at": "When it was raised (UTC).",
            "category": "What kind of harm, as one of the listed codes.",
            "what_happened": "What happened, in the worker's words.",
            "immediate_risk": "True when someone was at risk of harm at the time.",
        },
    ),
    Table(
        "safeguarding_actions",
        ConcernAction,
        "Safeguarding actions",
        "What a safeguarding lead did about a concern (safeguarding sphere).",
        rows_of=lambda organisation_id: Q(concern__organisation_id=organisation_id),
        words={
            "concern": "The concern (safeguarding_concerns.id).",
            "by": "The safeguarding lead who acted (workers.id).",
            "at": "When (UTC).",
            "what_was_done": "What was done, in their words.",
            "status": "The concern's status afterwards, as one of the listed codes.",
        },
    ),
    Table(
        "safeguarding_overrides",
        Override,
        "Safeguarding overrides",
        "A safeguarding lead opening a person's support records without their consent, and "
        "its review (safeguarding sphere).",
        words={
            "lead": "The safeguarding lead (workers.id).",
            "reason_code": "Why, as one of the listed codes.",
            "justification": "Why it could not wait for consent, in the lead's words.",
            "started_at": "When it started (UTC).",
            "reviewed_at": "When it was reviewed (UTC); empty while waiting.",
            "reviewed_by": "Who reviewed it (workers.id).",
            "review_outcome": "Whether it was justified, as one of the listed codes.",
            "review_note": "The reviewer's note, in words.",
        },
    ),
    Table(
        "matching_holds",
        MatchingHold,
        "Holds on matching",
        "A safeguarding lead stopped matching and introductions for a person or a volunteer "
        "(safeguarding sphere).",
        words={
            "person": "The person held (people.id); or empty when a volunteer is.",
            "volunteer": "The volunteer held (workers.id); or empty when a person is.",
            "reason": "Why, in the lead's words.",
            "started_at": "When it started (UTC).",
            "started_by": "The lead who started it (workers.id).",
            "lifted_at": "When it was lifted (UTC); empty while it holds.",
            "lifted_by": "The lead who lifted it (workers.id).",
            "lift_reason": "Why it could be lifted, in words.",
        },
    ),
    Table(
        "spaces",
        Space,
        "Spaces",
        "Groups and spaces people can come to.",
        words={
            "host": "The worker who hosts it (workers.id); or empty.",
            "is_active": "False when the space no longer meets.",
            "venue": "Where it meets.",
            "online_link": "The link to join it online.",
        },
    ),
    Table(
        "session_patterns",
        SessionPattern,
        "Session patterns",
        "Sessions that repeat: a weekday and time, every so many weeks.",
        words={"weekday": "The day of the week: 0 Monday to 6 Sunday."},
    ),
    Table(
        "sessions",
        Session,
        "Sessions",
        "Each time a space meets.",
        words={
            "on": "The day it meets.",
            "pattern": "The pattern it was made from (session_patterns.id); or empty.",
            "cancelled_at": "When it was cancelled (UTC); empty if not.",
            "cancelled_by": "The worker who cancelled it (workers.id).",
            "register_closed_at": "When the register was closed (UTC); empty if open.",
            "register_closed_by": "The worker who closed the register (workers.id).",
        },
    ),
    Table(
        "attendances",
        Attendance,
        "Attendance",
        "Who came to which session.",
        words={
            "on": "The session's date.",
            "marked_by": "The worker who marked them (workers.id).",
            "marked_at": "When they were marked (UTC).",
        },
    ),
    Table(
        "space_invitations",
        Invitation,
        "Space invitations",
        "Who was invited to a space.",
        words={
            "invited_by": "The worker who invited them (workers.id).",
        },
    ),
    Table(
        "door_welcomes",
        DoorWelcome,
        "Welcomes at the door",
        "People first met at a space's door, before they had a record.",
        words={
            "welcomed_by": "The worker who welcomed them (workers.id).",
        },
    ),
    Table(
        "lapse_prompts",
        LapsePrompt,
        "Lapse prompts",
        "Prompts sent to a worker when someone stopped coming to a space.",
        words={
            "last_attended": "The last session they came to (sessions.id).",
            "sent_to": "The worker told (workers.id).",
        },
    ),
    Table(
        "stopping_reasons",
        StoppingReason,
        "Why people stopped coming",
        "Why someone stopped coming to a space, in their words (support sphere).",
        words={"recorded_at": "When it was recorded (UTC)."},
    ),
    Table(
        "ties",
        Tie,
        "Informal ties",
        "People in someone's life, in their words.",
        words={"recorded_on": "The day it was recorded."},
    ),
    Table(
        "tie_counts",
        TieCount,
        "Counts of ties",
        "How many ties of each kind, on a day.",
        words={
            "counted_on": "The day they were counted.",
            "bonding": "How many bonding ties (family, close friends).",
            "bridging": "How many bridging ties (people unlike them).",
            "linking": "How many linking ties (people with power or resources).",
        },
    ),
    Table(
        "instruments",
        Instrument,
        "Questionnaires",
        "Questionnaires the organisation added, and the built-in ones (built_in true), which "
        "are matched by key on restore.",
        rows_of=lambda organisation_id: (
            Q(organisation_id=organisation_id) | Q(organisation__isnull=True)
        ),
        words={
            "key": "A short code naming the questionnaire, unique in the organisation.",
            "added_by": "The worker who added it (workers.id); empty for built-in ones.",
        },
    ),
    Table(
        "instrument_versions",
        InstrumentVersion,
        "Questionnaire versions",
        "Each version of a questionnaire: its items, options and scoring.",
        rows_of=lambda organisation_id: (
            Q(instrument__organisation_id=organisation_id)
            | Q(instrument__organisation__isnull=True)
        ),
        words={
            "instrument": "The questionnaire (instruments.id).",
            "number": "The version number, from 1.",
            "definition_json": "Items, options and scoring, as a JSON object.",
        },
    ),
    Table(
        "sittings",
        Sitting,
        "Sittings",
        "Each chance a person had to answer questionnaires: when and how, never the answers. "
        "One-time links are not exported, so a restored sitting's link no longer opens.",
        exclude=("token_hash",),
        words={
            "kind": "How they were asked, as one of the listed codes.",
            "used_at": "When it was used (UTC); empty if never.",
        },
    ),
    Table(
        "responses",
        Response,
        "Questionnaire answers",
        "A person's answers to one questionnaire version (support sphere).",
        words={
            "version": "The questionnaire version answered (instrument_versions.id).",
            "sitting": "The sitting they answered in (sittings.id); or empty.",
            "completed_at": "When they finished (UTC).",
            "answers": "Item code to the value chosen (null: prefer not to say), as JSON.",
        },
    ),
    # Added in issue 14's second pass (decision 0085): everything else the organisation keeps.
    Table(
        "skills",
        Skill,
        "Skills",
        "Skills a worker can have, such as a language or benefits advice.",
        words={"name": "The skill's name, unique in the organisation."},
    ),
    Table(
        "notifications",
        Notification,
        "Notifications",
        "Messages shown to a worker in Alongside (links in them use the original system's "
        "addresses).",
        words={
            "user": "The worker told (workers.id).",
            "text": "The message, in words.",
            "url": "The page it linked to, on the original system.",
            "read_at": "When they read it (UTC); empty while unread.",
        },
    ),
    Table(
        "person_merges",
        PersonMerge,
        "Merged records",
        "Two records of one person made one: the merged record into the survivor. A restored "
        "merge cannot be undone (the rows it moved are named by the original system's ids).",
        prepare=lambda merge: setattr(merge, "moved_rows", {}),
        words={
            "survivor": "The record kept (people.id).",
            "merged": "The record merged into it (people.id).",
            "moved": "How many rows of each kind moved, as a JSON object.",
            "moved_rows": "The original system's ids of the rows moved, per kind, as a JSON "
            "object (restore leaves it empty).",
            "filled": "The survivor's fields filled from the merged record, as a JSON list.",
            "merged_by": "The coordinator who merged them (workers.id).",
            "merged_at": "When they were merged (UTC).",
            "undone_at": "When the merge was undone (UTC); empty if not.",
            "undone_by": "The worker who undid it (workers.id).",
        },
    ),
    Table(
        "merge_proposals",
        MergeProposal,
        "Proposed merges",
        "Merges proposed and the approvals they needed.",
        words={
            "survivor": "The record to keep (people.id).",
            "merged": "The record to merge into it (people.id).",
            "proposed_by": "The worker who proposed it (workers.id).",
            "proposed_at": "When it was proposed (UTC).",
            "needs_eligibility": "True when an eligibility lead must approve it.",
            "needs_safeguarding": "True when a safeguarding lead must approve it.",
            "merge": "The merge it led to (person_merges.id); or empty.",
            "closed_at": "When it was closed (UTC); empty while open.",
            "closed_by": "The worker who closed it (workers.id).",
        },
    ),
    Table(
        "legitimate_relationships",
        LegitimateRelationship,
        "Reasons to read a record",
        "A worker's stated, time-limited reason to read a person's record.",
        words={"review_note": "The reviewer's note, in words."},
    ),
    Table(
        "weekly_availability",
        WeeklyAvailability,
        "Weekly availability",
        "When a worker can see people, week by week.",
        rows_of=lambda organisation_id: Q(membership__organisation_id=organisation_id),
        words={
            "membership": "The worker (workers.id).",
            "weekday": "The day of the week: 0 Monday to 6 Sunday.",
            "place": "Where they see people then, in words.",
        },
    ),
    Table(
        "availability_exceptions",
        AvailabilityException,
        "Time away",
        "Days a worker is not available (leave, training, sickness).",
        rows_of=lambda organisation_id: Q(membership__organisation_id=organisation_id),
        words={
            "membership": "The worker (workers.id).",
            "kind": "Why, as one of the listed codes.",
        },
    ),
    Table(
        "planning_rounds",
        PlanningRound,
        "Planning rounds",
        "A coordinator's plan for a period: who needs to be seen, and the proposed bookings.",
        words={
            "proposal": "The proposed bookings, as a JSON object (ids in it are the original "
            "system's).",
            "decided_at": "When it was booked or set aside (UTC); empty while a proposal.",
            "decided_by": "The coordinator who decided (workers.id).",
        },
    ),
    Table(
        "appointments",
        Appointment,
        "Appointments",
        "Appointments booked with a person.",
        words={
            "place": "Where it is, in words.",
            "worker": "The worker the appointment is with (workers.id).",
            "with_worker": "A second worker at it (workers.id); or empty.",
            "starts_at": "When it starts (UTC).",
            "ends_at": "When it ends (UTC).",
            "cancelled_by": "Who cancelled it, as one of the listed codes; or empty.",
            "booked_via": "How it was booked, as one of the listed codes.",
            "planning_round": "The planning round that booked it (planning_rounds.id); or empty.",
            "handover": "The handover it introduces the new worker in (handovers.id); or empty.",
            "contact": "The contact recorded for it (contacts.id); or empty.",
            "booked_by": "The worker who booked it (workers.id).",
            "booked_at": "When it was booked (UTC).",
            "status_changed_at": "When its status last changed (UTC).",
            "reminder_sent_at": "When a reminder was sent (UTC); empty if none.",
        },
    ),
    Table(
        "see_requests",
        SeeRequest,
        "People to see",
        "Someone who needs to be seen once within a window, in a planning round.",
        rows_of=lambda organisation_id: Q(planning_round__organisation_id=organisation_id),
        words={
            "earliest": "The first day they can be seen.",
            "latest": "The last day they should be seen by.",
            "planning_round": "The planning round (planning_rounds.id).",
            "skill": "A skill the worker needs (skills.id); or empty.",
            "appointment": "The appointment booked for it (appointments.id); or empty.",
        },
    ),
    Table(
        "review_schedules",
        ReviewSchedule,
        "Questionnaire schedule",
        "How often people are asked the questionnaires again (one row).",
    ),
    Table(
        "learning_settings",
        LearningSettings,
        "Learning settings",
        "The organisation's spending limit and currency (one row).",
        words={"currency": "The currency, as an ISO 4217 code."},
    ),
    Table(
        "admin_time",
        AdminTime,
        "Admin time",
        "Hours a worker spent on admin, week by week.",
        words={"recorded_at": "When it was recorded (UTC)."},
    ),
    Table(
        "contact_demands",
        ContactDemand,
        "Value and failure demand",
        "Whether a contact was what the person needed (value demand) or caused by a failure "
        "to do something right (failure demand).",
        # Copies of the contact's local day and removal (decision 0110), made again from the
        # restored contacts when their summaries are built.
        exclude=("contact_day", "contact_removed"),
        words={
            "contact": "The contact (contacts.id).",
            "marked_by": "The worker who marked it (workers.id).",
            "marked_at": "When it was marked (UTC).",
        },
    ),
    Table(
        "demand_words",
        DemandWords,
        "Demand in their words",
        "What the person said about a failure demand, in their words (support sphere).",
        words={"demand": "The demand (contact_demands.id)."},
    ),
    Table(
        "needs",
        Need,
        "Needs and goals",
        "What a person came for and what they want to happen, in their words (support sphere).",
        words={
            "close_reason": "Why it was closed, as one of the listed codes.",
            "first_contact": "The contact it was first raised at (contacts.id); or empty.",
            "closed_by": "The worker who closed it (workers.id).",
        },
    ),
    Table(
        "spends",
        Spend,
        "Spends",
        "Money spent for a person at a worker's discretion, and decisions on it (support sphere).",
        words={
            "amount": "How much was spent.",
            "spent_on": "The day it was spent.",
            "limit_at_time": "The spending limit when it was asked for.",
            "decided_by": "The worker who decided (workers.id).",
            "decided_at": "When it was decided (UTC).",
        },
    ),
    Table(
        "report_settings",
        ReportSettings,
        "Report settings",
        "What the organisation counts a volunteer hour as (one row).",
    ),
    Table(
        "stories",
        Story,
        "Stories",
        "What changed for a person, in their words, and whether they agreed to share it.",
        words={
            "person": "Whose story it is (people.id).",
            "withdrawn_at": "When they withdrew it (UTC); empty if not.",
        },
    ),
    Table(
        "team_learning",
        TeamLearning,
        "Team learning",
        "What a team learned in a period and what it will change.",
        words={
            "written_by": "The worker who wrote it (workers.id).",
            "written_at": "When it was written (UTC).",
        },
    ),
    Table(
        "interests",
        Interest,
        "Interests",
        "Interests people, volunteers and spaces can have in common.",
        words={"name": "The interest, unique in the organisation."},
    ),
    Table(
        "localities",
        Locality,
        "Localities",
        "Areas people and volunteers live in, for matching.",
        words={"name": "The area, unique in the organisation."},
    ),
    Table(
        "person_profiles",
        PersonProfile,
        "Connection profiles",
        "What a person would like from connections: interests, area, times, preferences.",
        words={
            "locality": "Their area (localities.id); or empty.",
            "availability": "When they are free, as a JSON list of slot codes.",
            "lived_experience": "Lived experience they have, as a JSON list of codes.",
            "lived_experience_consent": "True when they agreed it may be used for matching.",
            "open_to_introductions": "True when they would like introductions.",
            "wants_volunteer": "True when they would like a volunteer.",
            "volunteer_preference": "Who they would prefer as a volunteer, as a code.",
            "not_from_my_area": "True when they would rather not meet someone from their area.",
            "in_their_words": "What they would like, in their words.",
        },
    ),
    Table(
        "volunteer_profiles",
        VolunteerProfile,
        "Volunteer profiles",
        "A volunteer's capacity, area, times and interests for matching.",
        words={
            "membership": "The volunteer (workers.id).",
            "locality": "Their area (localities.id); or empty.",
            "availability": "When they are free, as a JSON list of slot codes.",
            "lived_experience": "Lived experience they have, as a JSON list of codes.",
            "lived_experience_consent": "True when they agreed it may be used for matching.",
            "gender": "Their gender, as one of the listed codes; or empty.",
        },
    ),
    Table(
        "space_profiles",
        SpaceProfile,
        "Space profiles",
        "A space's area, times and interests for matching.",
        rows_of=lambda organisation_id: Q(space__organisation_id=organisation_id),
        words={
            "locality": "Its area (localities.id); or empty.",
            "times": "When it meets, as a JSON list of slot codes (when it has no sessions).",
            "lived_experience": "Lived experience it is for, as a JSON list of codes.",
        },
    ),
    Table(
        "introductions",
        Introduction,
        "Introductions",
        "Two people, or a person and a volunteer or a space, introduced to each other.",
        words={
            "kind": "What kind of introduction, as one of the listed codes.",
            "in_common": "What they have in common, as a JSON list of phrases.",
            "proposed_by": "The worker who proposed it (workers.id).",
            "asked_at": "When both sides were asked (UTC).",
            "introduced_at": "When they were introduced (UTC).",
            "closed_at": "When it closed (UTC).",
        },
    ),
    Table(
        "introduction_sides",
        IntroductionSide,
        "Sides of an introduction",
        "Each side of an introduction and their answer. One-time links are not exported.",
        rows_of=lambda organisation_id: Q(introduction__organisation_id=organisation_id),
        exclude=("token_hash",),
        words={
            "introduction": "The introduction (introductions.id).",
            "position": "Which side: 0 or 1.",
            "person": "The person on this side (people.id); or empty.",
            "volunteer": "The volunteer on this side (workers.id); or empty.",
            "answer": "Their answer, as one of the listed codes.",
            "answered_at": "When they answered (UTC).",
            "answered_by": "The worker who recorded the answer (workers.id).",
            "share_first_name": "True when they agreed to share their first name.",
            "share_in_common": "True when they agreed to share what they have in common.",
            "share_contact": "True when they agreed to share how to contact them.",
            "contact_way": "How to contact them, in words.",
            "token_used_at": "When their one-time link was used (UTC).",
        },
    ),
    Table(
        "follow_ups",
        FollowUp,
        "Follow-ups",
        "Whether an introduction led to meeting, and how it went, in their words.",
        words={
            "side": "The side of the introduction (introduction_sides.id).",
            "met": "Whether they met, as one of the listed codes.",
            "how": "How it went, as one of the listed codes.",
            "in_their_words": "How it went, in their words.",
        },
    ),
    Table(
        "matches",
        Match,
        "Matches",
        "A volunteer matched to a person, with the score and reasons.",
        words={
            "volunteer": "The volunteer (workers.id).",
            "score": "The matching score.",
            "why": "Why they were matched, as a JSON list.",
            "weights": "The weights used, as a JSON object.",
            "confirmed_by": "The worker who confirmed it (workers.id).",
            "confirmed_at": "When it was confirmed (UTC).",
            "introduction": "The introduction made from it (introductions.id); or empty.",
        },
    ),
    Table(
        "directory_feeds",
        DirectoryFeed,
        "Directory feeds",
        "Open Referral UK feeds the directory refreshes from.",
        words={"url": "The address of the feed's /services."},
    ),
    Table(
        "directory_organisations",
        DirectoryOrganisation,
        "Directory organisations",
        "Organisations in the directory of services (Open Referral UK `organization`).",
        words=DIRECTORY_WORDS,
    ),
    Table(
        "taxonomies",
        Taxonomy,
        "Taxonomies",
        "Vocabularies the directory's services are described with (ORUK `taxonomy`).",
        words={
            **DIRECTORY_WORDS,
            "version": "The taxonomy's version.",
            "local": "True for a vocabulary the organisation made itself.",
        },
    ),  # fmt: skip
    Table(
        "taxonomy_terms",
        TaxonomyTerm,
        "Taxonomy terms",
        "Terms of a taxonomy (ORUK `taxonomy_term`).",
        words={
            **DIRECTORY_WORDS,
            "taxonomy": "The taxonomy (taxonomies.id); or empty.",
            "code": "The term's code in its taxonomy.",
            "taxonomy_name": "The taxonomy's name, as the source gave it.",
        },
    ),  # fmt: skip
    Table(
        "locations",
        Location,
        "Directory locations",
        "Places services are delivered (ORUK `location`).",
        exclude=("postcode_district",),
        prepare=lambda location: setattr(
            location, "postcode_district", postcode_district(location.postal_code)
        ),
        words={
            **DIRECTORY_WORDS,
            "latitude": "Its latitude (WGS 84).",
            "longitude": "Its longitude (WGS 84).",
            "city": "The town or city.",
            "region": "The county or region.",
            "country": "The country, as a code.",
        },
    ),  # fmt: skip
    Table(
        "services",
        Service,
        "Directory services",
        "Services people can be referred or signposted to (ORUK `service`).",
        words={
            **DIRECTORY_WORDS,
            "directory_organisation": "Who runs it (directory_organisations.id).",
            "feed": "The feed it came from (directory_feeds.id); or empty.",
            "keeper": "The worker who keeps it up to date (workers.id); or empty.",
            "fees": "What it costs, in words.",
            "accreditations": "Its accreditations, in words.",
            "alert": "A notice about it, in words.",
            "source": "Where it came from, as one of the listed codes.",
            "last_modified": "When the source last changed it (UTC).",
        },
    ),
    Table(
        "service_locations",
        ServiceAtLocation,
        "Services at locations",
        "Where each service is delivered (ORUK `service_at_location`).",
        rows_of=lambda organisation_id: Q(service__organisation_id=organisation_id),
        words={
            **DIRECTORY_WORDS,
            "service": "The service (services.id).",
            "location": "The location (locations.id).",
        },
    ),  # fmt: skip
    Table(
        "service_schedules",
        ServiceSchedule,
        "Service opening times",
        "When a service is open (ORUK `schedule`, iCalendar recurrence).",
        rows_of=lambda organisation_id: Q(service__organisation_id=organisation_id),
        words={
            **DIRECTORY_WORDS,
            "service": "The service (services.id).",
            "freq": "How often, as an iCalendar frequency code.",
            "interval": "Every how many days, weeks or months.",
            "byday": "Which days, as iCalendar day codes.",
            "notes": "Notes on the opening times, in words.",
            "schedule_link": "A link to the opening times.",
        },
    ),  # fmt: skip
    Table(
        "service_areas",
        ServiceArea,
        "Service areas",
        "The areas a service covers (ORUK `service_area`).",
        rows_of=lambda organisation_id: Q(service__organisation_id=organisation_id),
        words={
            **DIRECTORY_WORDS,
            "service": "The service (services.id).",
            "extent": "The area's shape, as its source gave it.",
        },
    ),  # fmt: skip
    Table(
        "directory_refreshes",
        DirectoryRefresh,
        "Directory refreshes",
        "Each refresh of the directory from a feed or file, and what it changed.",
        words={
            "feed": "The feed refreshed (directory_feeds.id); or empty for a file.",
            "source": "The feed's address or the file's name.",
            "ran_at": "When it ran (UTC).",
            "ok": "True when it worked.",
            "created": "How many services it added.",
            "updated": "How many services it changed.",
            "unchanged": "How many services it found unchanged.",
            "changes": "What changed, as a JSON list.",
            "problems": "What went wrong, as a JSON list.",
            "by": "The worker who ran it (workers.id); empty for the daily refresh.",
        },
    ),
    Table(
        "referring_partners",
        Partner,
        "Referring partners",
        "Partner organisations that send referrals in. Their keys are not exported: each needs "
        "a new key after a restore.",
        exclude=("key_hash",),
        words={
            "key_set_at": "When their key was last set (UTC).",
            "active": "True while they may send referrals.",
        },
    ),
    Table(
        "referrals_out",
        ReferralOut,
        "Referrals out",
        "People referred to another service, with their consent. One-time links are not exported.",
        exclude=("token_hash",),
        words={
            "service_name": "The service's name, as it was when referred.",
            "service": "The directory service (services.id); or empty.",
            "consent": "The consent to share it rests on (consents.id).",
            "referred_by": "The worker who referred them (workers.id).",
            "referred_at": "When they were referred (UTC).",
            "link_expires_at": "When the service's one-time link lapsed (UTC).",
            "answered_at": "When the service answered (UTC).",
            "answer_reason": "The service's reason, in words.",
        },
    ),
    Table(
        "referrals_in",
        ReferralIn,
        "Referrals in",
        "Referrals partners sent in, and what was decided.",
        words={
            "partner": "The partner who sent it (referring_partners.id).",
            "received_at": "When it arrived (UTC).",
            "person": "The person it was about (people.id); empty until decided.",
            "allocated_to": "The worker it was given to (workers.id).",
            "decided_by": "The worker who decided (workers.id).",
            "decided_at": "When it was decided (UTC).",
        },
    ),
    Table(
        "subject_access_requests",
        SubjectAccessRequest,
        "Subject access requests",
        "A person's requests for their records, and the answers given.",
        words={
            "opened_by": "The data lead who opened it (workers.id).",
            "opened_at": "When it was opened (UTC).",
            "answered_by": "The data lead who answered it (workers.id).",
            "answered_at": "When it was answered (UTC).",
            "answer_digest": "The SHA-256 of the answer given, in hex.",
            "answer": "The answer given, as a JSON object (ids in it are the original system's).",
        },
    ),
    Table(
        "withholdings",
        Withholding,
        "Withheld from an answer",
        "Items left out of (or redacted in) a subject access answer, and why.",
        rows_of=lambda organisation_id: Q(request__organisation_id=organisation_id),
        words={
            "request": "The request (subject_access_requests.id).",
            "item": "The item, as app.model:id (the original system's id).",
            "names_only": "True when only other people's names were taken out.",
            "decided_by": "The data lead who decided (workers.id).",
            "decided_at": "When it was decided (UTC).",
        },
    ),
    Table(
        "retention_settings",
        RetentionSettings,
        "Retention periods",
        "How long each sphere of records is kept after someone's involvement ends (one row).",
    ),
    Table(
        "legal_holds",
        LegalHold,
        "Legal holds",
        "A person's records that must be kept whatever the retention period, and why.",
        words={
            "set_by": "The data lead who set it (workers.id).",
            "set_at": "When it was set (UTC).",
            "lifted_by": "The data lead who lifted it (workers.id).",
            "lifted_at": "When it was lifted (UTC); empty while it holds.",
        },
    ),
    Table(
        "retention_reviews",
        RetentionReview,
        "Retention reviews",
        "What the daily check found past its retention period. A review still waiting is "
        "restored as replaced: the next daily check makes a fresh one.",
        prepare=lambda review: _replace_waiting(review),
        words={
            "made_on": "The day it was made.",
            "made_at": "When it was made (UTC).",
            "items": "What was due, as a JSON list (people by the original system's ids).",
            "held": "What was held back, as a JSON list (the original system's ids).",
            "confirmed_by": "The data lead who confirmed it (workers.id).",
            "confirmed_at": "When it was confirmed (UTC).",
        },
    ),
    Table(
        "anonymisations",
        Anonymisation,
        "Anonymisations",
        "One sphere of a person's records anonymised, on request or when its period passed.",
        words={
            "sphere": "The sphere anonymised, as one of the listed codes.",
            "kind": "Why, as one of the listed codes.",
            "reason": "The reason given, in words.",
            "review": "The retention review it came from (retention_reviews.id); or empty.",
            "rows": "How many rows were anonymised.",
            "by": "The data lead who did it (workers.id); empty for the daily task.",
            "at": "When (UTC).",
        },
    ),
    Table(
        "import_mappings",
        ColumnMapping,
        "Saved import mappings",
        "Which field each column of a source system's file fills, per kind of import.",
        words={
            "source": "The system the files come from.",
            "kind": "What the files hold, as an import kind.",
            "columns": "Column as written in the file to field name, as a JSON object.",
        },
    ),
    Table(
        "imported_records",
        ImportedRecord,
        "Imported records",
        "Which record each row of another system's file became, so importing the same file "
        "again changes nothing.",
        words={
            "source": "The system the row came from.",
            "kind": "What kind of row, as an import kind.",
            "external_id": "The row's id in that system.",
            "object_id": "The record it became: an id in the table the import kind fills "
            "(people.id for people, contacts.id for contacts).",
        },
    ),
    Table(
        "volunteers",
        Volunteer,
        "Volunteers",
        "Everyone who offered to volunteer, from the day they enquired, and the stage they are at. "
        "A volunteer record never names a supported person (decision 0071). The public form's "
        "one-time submit digest is not exported.",
        exclude=("submit_digest",),
        words={
            "offer": "What they would like to do, in their words.",
            "stage": "Where they are in joining, as one of the listed codes.",
            "stage_since": "The day they reached that stage.",
            "enquired_on": "The day they first offered.",
            "membership": "Their account here once active (workers.id); or empty.",
        },
    ),
    Table(
        "volunteer_stage_changes",
        StageChange,
        "Volunteers' stage changes",
        "Every move of a volunteer between stages: when, by whom and why.",
        rows_of=lambda organisation_id: Q(volunteer__organisation_id=organisation_id),
        words={
            "volunteer": "The volunteer (volunteers.id).",
            "from_stage": "The stage before, as a listed code; empty for the first.",
            "to_stage": "The stage after, as a listed code.",
            "on": "The day of the move.",
            "at": "When it was recorded (UTC).",
            "by": "The worker who moved them (workers.id); or empty.",
            "reason": "Why, in words (when they went back a stage).",
        },
    ),
    Table(
        "volunteer_references",
        Reference,
        "Volunteers' references",
        "Who was asked for a reference and whether it was satisfactory: facts only, never the "
        "reference itself.",
        rows_of=lambda organisation_id: Q(volunteer__organisation_id=organisation_id),
        words={
            "volunteer": "The volunteer (volunteers.id).",
            "referee": "Who was asked, in words.",
            "satisfactory": "True or false once received; empty until then.",
        },
    ),
    Table(
        "volunteer_checks",
        Check,
        "Volunteers' checks",
        "DBS and right-to-volunteer checks: level, certificate number and dates, never what a "
        "certificate says.",
        rows_of=lambda organisation_id: Q(volunteer__organisation_id=organisation_id),
        words={
            "volunteer": "The volunteer (volunteers.id).",
            "kind": "Which check, as one of the listed codes.",
            "level": "The DBS level, as one of the listed codes; empty for other checks.",
        },
    ),
    Table(
        "volunteer_requirements",
        Requirements,
        "What a volunteer needs before induction",
        "The organisation's own rule for becoming active: satisfactory references, the DBS level "
        "and how long it lasts, and whether right to volunteer is seen (decision 0092).",
        words={
            "references": "How many satisfactory references are needed.",
            "dbs_level": "The DBS level needed, as one of the listed codes; or empty.",
            "dbs_renew_months": "How many months a DBS check stays in date.",
            "right_to_volunteer": "True when right to volunteer must be seen.",
        },
    ),
    Table(
        "training_courses",
        Course,
        "Training courses",
        "The organisation's own and external courses, and how long each stays in date.",
        words={"is_core": "True when it counts towards the scorecard's core training."},
    ),
    Table(
        "training_completions",
        Completion,
        "Training completed",
        "Who completed which course on which day, and when it runs out.",
        words={
            "membership": "The worker or volunteer who completed it (workers.id).",
            "course": "The course (training_courses.id).",
            "recorded_at": "When it was recorded (UTC).",
        },
    ),
    Table(
        "training_requirements",
        Requirement,
        "Training required",
        "Which course a role, or an activity, needs in date.",
        words={
            "course": "The course (training_courses.id).",
            "role": "The role that needs it, as a listed code; or empty.",
            "activity": "The activity that needs it, as a listed code; or empty.",
        },
    ),
    Table(
        "training_removals",
        Removal,
        "Training removed as recorded in error",
        "A completion or a course taken out because it was recorded in error: what it was, who "
        "took it out, when and why (decision 0093).",
        words={
            "course_name": "The course's name when it was removed.",
            "membership": "Whose completion it was (workers.id); empty for a course.",
            "completed_on": "The day the removed completion gave; empty for a course.",
            "reason": "Why it was removed.",
            "removed_by": "Who removed it (workers.id).",
            "removed_at": "When it was removed (UTC).",
        },
    ),
    Table(
        "supervisions",
        Supervision,
        "Supervisions",
        "Who supervises whom and how often. The notes of supervision sessions are not in the "
        "archive: only the two people read them (decision 0073).",
        words={
            "supervisee": "The worker or volunteer supervised (workers.id).",
            "supervisor": "The supervisor (workers.id).",
            "every_weeks": "How many weeks between sessions.",
        },
    ),
    Table(
        "supervision_sessions",
        SupervisionSession,
        "Supervision sessions",
        "When each supervision session was planned and held (dates only; its notes stay out).",
        rows_of=lambda organisation_id: Q(supervision__organisation_id=organisation_id),
        words={
            "supervision": "The supervision (supervisions.id).",
            "recorded_at": "When it was recorded as held (UTC).",
        },
    ),
    Table(
        "shift_patterns",
        ShiftPattern,
        "Shift patterns",
        "Repeating shifts the rota is made from.",
        words={
            "space": "The space it serves (spaces.id); or empty.",
            "place": "Where, in words.",
            "weekday": "The day of the week, 0 for Monday to 6 for Sunday.",
            "every_weeks": "Every how many weeks it repeats.",
        },
    ),
    Table(
        "shift_pattern_roles",
        PatternRole,
        "Shift patterns' roles",
        "How many people a shift pattern needs in each role.",
        rows_of=lambda organisation_id: Q(pattern__organisation_id=organisation_id),
        words={
            "pattern": "The shift pattern (shift_patterns.id).",
            "needed": "How many people it needs.",
        },
    ),
    Table(
        "shifts",
        Shift,
        "Shifts",
        "One shift on one day, made from a pattern or on its own.",
        words={
            "pattern": "The pattern it was made from (shift_patterns.id); or empty.",
            "session": "The session it serves (sessions.id); or empty.",
            "place": "Where, in words.",
            "starts_at": "When it starts (UTC).",
            "ends_at": "When it ends (UTC).",
            "cancelled_at": "When it was cancelled (UTC); empty if not.",
        },
    ),
    Table(
        "shift_roles",
        ShiftRole,
        "Shifts' roles",
        "How many people a shift needs in each role.",
        rows_of=lambda organisation_id: Q(shift__organisation_id=organisation_id),
        words={"shift": "The shift (shifts.id).", "needed": "How many people it needs."},
    ),
    Table(
        "shift_signups",
        Signup,
        "Shift sign-ups",
        "Who is on which shift in which role, and whether they came.",
        words={
            "shift": "The shift (shifts.id).",
            "role": "The role on the shift (shift_roles.id).",
            "membership": "The worker or volunteer (workers.id).",
            "starts_at": "When the shift starts (UTC).",
            "ends_at": "When the shift ends (UTC).",
            "asked_by": "The coordinator who asked them (workers.id); or empty.",
            "offered_at": "When they offered it for a swap (UTC); or empty.",
            "swapped_to": "The sign-up it was passed on to (shift_signups.id); or empty.",
            "did_not_come": "True when they did not come.",
            "changed_at": "When it last changed (UTC).",
        },
    ),
    Table(
        "volunteer_hours",
        HoursEntry,
        "Hours given",
        "Time volunteers gave and added themselves.",
        words={
            "membership": "The volunteer (workers.id).",
            "what": "What they did, in words.",
            "on": "The day.",
            "minutes": "How long, in minutes.",
        },
    ),
    Table(
        "gifts",
        Gift,
        "Gifts received",
        "Gifts in kind and money the organisation received; an empty donor is anonymous.",
        words={
            "kind": "What kind of gift, as one of the listed codes.",
            "description": "What it was, in words.",
            "quantity": "How much; or empty.",
            "unit": "The unit of the quantity, as one of the listed codes; or empty.",
            "value": "Its value in pounds; or empty.",
            "donor": "Who gave it; empty when anonymous.",
            "received_on": "The day it was received.",
            "recorded_at": "When it was recorded (UTC).",
        },
    ),
    Table(
        "milestone_shares",
        MilestoneShare,
        "Milestones shared",
        "A volunteer's choice whether to share a milestone they reached.",
        words={
            "membership": "The volunteer (workers.id).",
            "milestone": "Which milestone, as a code.",
            "shared": "True when they agreed to share it.",
            "changed_at": "When they last chose (UTC).",
        },
    ),
)

MANY_TO_MANY: tuple[ManyToMany, ...] = (
    ManyToMany(
        "contact_workers", Contact, "also_present", "Other workers at a contact",
        "Workers who were at a contact besides the one who led it.",
        owner_column="contact", other_column="worker",
    ),
    ManyToMany(
        "sitting_versions", Sitting, "versions", "Questionnaires in a sitting",
        "Which questionnaire versions a sitting offered.",
        owner_column="sitting", other_column="version",
    ),
    ManyToMany(
        "worker_skills", Membership, "skills", "Workers' skills",
        "Which skills each worker has.",
        owner_column="worker", other_column="skill",
    ),
    ManyToMany(
        "person_profile_interests", PersonProfile, "interests", "People's interests",
        "Interests in a person's connection profile.",
        owner_column="profile", other_column="interest",
    ),
    ManyToMany(
        "person_profile_excluded_volunteers", PersonProfile, "excluded_volunteers",
        "Volunteers not to match",
        "Volunteers a person is never to be matched or introduced to.",
        owner_column="profile", other_column="volunteer",
    ),
    ManyToMany(
        "person_profile_excluded_people", PersonProfile, "excluded_people",
        "People not to introduce",
        "People a person is never to be introduced to.",
        owner_column="profile", other_column="person",
    ),
    ManyToMany(
        "volunteer_profile_interests", VolunteerProfile, "interests", "Volunteers' interests",
        "Interests in a volunteer's profile.",
        owner_column="profile", other_column="interest",
    ),
    ManyToMany(
        "space_profile_interests", SpaceProfile, "interests", "Spaces' interests",
        "Interests a space is for.",
        owner_column="profile", other_column="interest",
    ),
    ManyToMany(
        "service_terms", Service, "terms", "Services' taxonomy terms",
        "The taxonomy terms that describe a directory service.",
        owner_column="service", other_column="term",
    ),
)  # fmt: skip

# What an import kind's `ImportedRecord.object_id` is a row of (tests/test_completeness.py
# fails while an import kind is missing here).
IMPORT_KIND_TABLES: dict[str, str] = {
    "people": "people",
    "contacts": "contacts",
    "named_workers": "spells",
    "workers": "workers",  # the membership's id, as every key to a worker
    "spaces": "spaces",
    "attendance": "attendances",
}

# Tables handled by hand in `schema.py`, `exporting.py` and `restoring.py`.
BY_HAND: dict[str, str] = {
    "access.organisation": "organisation",
    "access.membership": "workers",
    "auth.user": "workers",
    "audit.auditevent": "audit_events",
    "archive.restoredauditevent": "audit_events",
}

# Every other model of the installed apps, and why the archive does not carry its rows
# (decision 0085). `tests/test_completeness.py` fails when a model is in none of these lists,
# so a new model must be carried (a `Table`) or named here with its reason.
NOT_CARRIED: dict[str, str] = {
    "people.equalitymonitoring": "Equality monitoring answers are kept out of every export "
    "(decision 0037).",
    "relationships.continuityday": "Derived: restore builds the continuity summary again from "
    "the contacts (decision 0069).",
    "relationships.continuityquarterworker": "Derived: restore builds the continuity summary's "
    "quarter rows again with its day rows (decision 0096).",
    "relationships.continuityquarter": "Derived: restore builds the continuity summary's "
    "quarter rows again with its day rows (decision 0096).",
    "relationships.continuitymonthworker": "Derived: restore builds the continuity summary's "
    "month rows again with its day rows (decision 0119).",
    "relationships.continuitymonth": "Derived: restore builds the continuity summary's "
    "month rows again with its day rows (decision 0119).",
    "relationships.continuityfromday": "Derived: restore builds the continuity summary's "
    "from-day rows again with its day rows (decision 0129).",
    "measures.measurebaseline": "Derived: restore builds each person's baseline rows again "
    "from their answers (decision 0108).",
    "inbox.lastcontact": "Derived: restore builds each person's last contact again with the "
    "continuity summary (decision 0126).",
    "workers.invitation": "A one-time sign-in link; restored workers have no password and are "
    "invited again.",
    "archive.archiveexport": "Operational: which archives this server made; the files stay on "
    "the old server (the audit log records them).",
    "imports.importrun": "Operational: an import's progress and its uploaded file, which is "
    "deleted when the run ends (the audit log and imported_records keep what it did).",
    "common.ratecount": "Operational: rate-limit counters.",
    "common.submittoken": "Operational: one-time tokens stopping a form being sent twice.",
    "common.workedoutfigures": (
        "Derived: team pages' figures kept for minutes (decision 0133), worked out again from the "
        "restored rows on the next read."
    ),
    "accounts.accountsession": "Sign-in sessions of this server.",
    "sessions.session": "Sign-in sessions of this server.",
    "admin.logentry": "Django admin's own log, not the organisation's records.",
    "auth.permission": "Django's permission names, made by the migrations.",
    "auth.group": "Django groups: Alongside gives access by role, not by group.",
    "auth.group_permissions": "Django groups: Alongside gives access by role, not by group.",
    "auth.user_groups": "Django groups: Alongside gives access by role, not by group.",
    "auth.user_user_permissions": "Django permissions: Alongside gives access by role.",
    "contenttypes.contenttype": "Django's model names, made by the migrations.",
    "django_tasks_database.dbtaskresult": "The task queue of this server.",
    "account.emailaddress": "Sign-in accounts' verified addresses: a worker's email is in "
    "workers, and restored workers verify again.",
    "account.emailconfirmation": "One-time email confirmation links.",
    "mfa.authenticator": "Two-step sign-in secrets: never exported; restored workers set "
    "two-step sign-in up again.",
    "training.supervisionnote": "The supervision sphere: only the worker and their supervisor "
    "read these notes (decision 0073), and the archive is the data lead's download. The "
    "sessions' dates are carried (supervision_sessions).",
    "training.expiryreminder": "Derived: which reminders before a course runs out were sent.",
}

# Which table a model's rows are exported in (a user or a membership is a worker: `workers`).
TABLE_OF_MODEL: dict[type[models.Model], str] = {table.model: table.name for table in TABLES}


def table_of(model: type[models.Model]) -> str | None:
    """The table a model's rows are in: `workers` for a user or a membership."""
    if model is Membership or model._meta.label == settings.AUTH_USER_MODEL:
        return "workers"
    return TABLE_OF_MODEL.get(model)


def via_membership(model_field: models.Field[Any, Any]) -> bool:
    """True for a key to a membership: exported as the worker (`workers.id`), the user's."""
    return model_field.is_relation and model_field.related_model is Membership


def exported_fields(table: Table) -> list[models.Field[Any, Any]]:
    """The model fields exported as columns, in the model's order."""
    return [
        model_field
        for model_field in table.model._meta.concrete_fields
        if model_field.name not in ALWAYS_LEFT_OUT and model_field.name not in table.exclude
    ]


def target_table(model_field: models.Field[Any, Any]) -> str | None:
    """The table a foreign key's column refers to (`workers` for a user), or None."""
    if not model_field.is_relation:
        return None
    related = model_field.related_model
    assert isinstance(related, type)
    name = table_of(related)
    if name is None:
        raise LookupError(f"{model_field} refers to {related}, which no archive table holds")
    return name


def owner_rows(model: type[models.Model], organisation_id: int) -> models.QuerySet[Any]:
    """The primary keys of one organisation's rows of a many-to-many pair's owner."""
    if model is Membership:
        return Membership.objects.filter(organisation_id=organisation_id).values("pk")
    table = next(table for table in TABLES if table.model is model)
    rows: models.QuerySet[Any] = model._base_manager.filter(table.rows_of(organisation_id))
    return rows.values("pk")


def pair_key(pair: ManyToMany, side: str) -> str:
    """What a through row's `side` key is read as: the user of a membership (`workers.id`)."""
    through = getattr(pair.owner, pair.attribute).through
    key = through._meta.get_field(side)
    return f"{side}__user_id" if via_membership(key) else f"{side}_id"
