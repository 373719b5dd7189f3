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

from alongside.access.models import Team
from alongside.eligibility.models import ReferralPartner, Voucher, voucher_key
from alongside.measures.models import Instrument, InstrumentVersion, Response, Sitting
from alongside.people.models import ConsentToShare, Person
from alongside.relationships.models import (
    Allocation,
    Contact,
    ContactRevision,
    Handover,
    NamedWorkerSpell,
    WorkerRequest,
)
from alongside.safeguarding.models import Concern, ConcernAction, MatchingHold, Override
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
)  # fmt: skip

# Which table a model's rows are exported in (a user is a worker: `workers`).
TABLE_OF_MODEL: dict[type[models.Model], str] = {table.model: table.name for table in TABLES}


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
    if related is not None and related._meta.label == settings.AUTH_USER_MODEL:
        return "workers"
    assert isinstance(related, type)
    name = TABLE_OF_MODEL.get(related)
    if name is None:
        raise LookupError(f"{model_field} refers to {related}, which no archive table holds")
    return name
