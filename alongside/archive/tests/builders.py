"""An organisation with a row in every table the archive holds, and reading archives back."""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from alongside.access.models import (
    LocalWord,
    Membership,
    Notification,
    Organisation,
    Role,
    Skill,
    Team,
)
from alongside.archive.tables import (
    AdminTime,
    Anonymisation,
    Appointment,
    AvailabilityException,
    ColumnMapping,
    ContactDemand,
    DemandWords,
    DirectoryFeed,
    DirectoryOrganisation,
    DirectoryRefresh,
    FollowUp,
    ImportedRecord,
    Interest,
    Introduction,
    IntroductionSide,
    LearningSettings,
    LegalHold,
    LegitimateRelationship,
    Locality,
    Location,
    Match,
    MergeProposal,
    Need,
    Partner,
    PersonMerge,
    PersonProfile,
    PlanningRound,
    ReferralIn,
    ReferralOut,
    ReportSettings,
    RetentionReview,
    RetentionSettings,
    ReviewSchedule,
    SeeRequest,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceSchedule,
    SpaceProfile,
    Spend,
    Story,
    SubjectAccessRequest,
    Taxonomy,
    TaxonomyTerm,
    TeamLearning,
    VolunteerProfile,
    WeeklyAvailability,
    Withholding,
)
from alongside.audit import actions
from alongside.audit.services import record
from alongside.eligibility.models import ReferralPartner, Voucher
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
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
)
from alongside.training.models import (
    Completion,
    Course,
    Removal,
    Requirement,
    Supervision,
    SupervisionNote,
    SupervisionSession,
)
from alongside.volunteers.models import Check, Reference, Requirements, StageChange, Volunteer

AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
# Words a spreadsheet would run, and words in other scripts: they must come back as they were.
TRICKY = '=HYPERLINK("http://x")'
# A supervision note's words: they must never be found in an archive (decision 0073).
SUPERVISION_WORDS = "Supervision only: struggling after the Tuesday shift"
WORDS = "Zażółć gęślą jaźń — 'quoted', \"double\", new\nline, שלום, 你好"


def full_organisation() -> tuple[Organisation, Membership]:
    """An organisation with at least one row in every archive table; returns it and its data lead."""
    organisation = OrganisationFactory(role_names={"assessor": "Foodbank desk"}, late_record_days=9)
    team = TeamFactory(organisation=organisation, name="Advice")
    lead = MembershipFactory(organisation=organisation, role=Role.DATA_LEAD, team=team)
    worker = MembershipFactory(
        organisation=organisation, role=Role.SUPPORTER, team=team, languages="Polish",
        leaving_on=date(2027, 1, 31),
    )  # fmt: skip
    other = MembershipFactory(organisation=organisation, role=Role.COORDINATOR, team=None)
    w, o, lead_user = worker.user, other.user, lead.user
    LocalWord.objects.create(
        organisation=organisation, word_list="close_reason", code="moved_away", label="=Moved on, in their words",
        position=0,
    )  # fmt: skip
    person = PersonFactory(
        organisation=organisation, team=team, given_name="Bryony", family_name=TRICKY,
        what_matters=WORDS, date_of_birth=date(1980, 2, 29), phone="+44 7700 900123",
        postcode="-AB1 2CD",
    )  # fmt: skip
    merged = PersonFactory(organisation=organisation, team=team, given_name="Bry")
    Person.objects.filter(pk=merged.pk).update(merged_into=person)
    spell = NamedWorkerSpell.objects.create(
        organisation=organisation, person=person, worker=w, started_on=date(2026, 1, 5),
        reason="first", note="@first",
    )  # fmt: skip
    del spell
    handover = Handover.objects.create(
        organisation=organisation, person=person, from_worker=w, to_worker=o, reason="workload",
        status="warm", created_by=o, completed_on=date(2026, 3, 1),
    )  # fmt: skip
    contact = Contact.objects.create(
        organisation=organisation, person=person, at=AT, worker=w, minutes=45,
        initiated_by="person", handover=handover, recorded_by=w, others_present="+her daughter",
    )  # fmt: skip
    contact.also_present.add(o)
    ContactRevision.objects.create(
        contact=contact, version=1, snapshot={"minutes": 30}, replaced_by=w, replaced_at=AT
    )
    note = SupportNote.objects.create(
        organisation=organisation, person=person, contact=contact, asked_for="-help with rent",
        text=WORDS, author=w, version=2,
    )  # fmt: skip
    SupportNoteRevision.objects.create(
        note=note, version=1, asked_for="rent", text="first words", replaced_by=w, replaced_at=AT
    )
    ConsentToShare.objects.create(
        organisation=organisation, person=person, scope="one_note", note=note, grantee_user=o,
        purpose="cover", granted_at=AT, expires_at=AT + timedelta(days=30), recorded_by=w,
    )  # fmt: skip
    ConsentToShare.objects.create(
        organisation=organisation, person=person, scope="all_support_notes",
        grantee_role=Role.COORDINATOR, purpose="team", granted_at=AT,
        expires_at=AT + timedelta(days=30), recorded_by=w, revoked_at=AT, revoked_by=w,
    )  # fmt: skip
    Allocation.objects.create(
        organisation=organisation, person=person, worker=o, allocated_by=o, allocated_at=AT
    )
    WorkerRequest.objects.create(
        organisation=organisation, person=person, requested_worker=w, in_their_words="Her",
        requested_on=date(2026, 2, 1), recorded_by=w,
    )  # fmt: skip
    partner = ReferralPartner.objects.create(
        organisation=organisation, name="GP", kind="gp_surgery"
    )
    Voucher.objects.create(
        organisation=organisation, partner=partner, code="ci 11946", adults=1, children=2,
        reason_codes=["benefit_delay"], issued_on=date(2026, 3, 3), issued_by_name="-Dr A",
        person=person, redeemed_at=AT, redeemed_by=w, parcels=1, recorded_by=w,
    )  # fmt: skip
    concern = Concern.objects.create(
        organisation=organisation, person=person, raised_by=w, raised_at=AT, category="neglect",
        what_happened=WORDS, immediate_risk=True,
    )  # fmt: skip
    ConcernAction.objects.create(
        concern=concern, by=o, at=AT, what_was_done="=called them", status="closed"
    )
    Override.objects.create(
        organisation=organisation, person=person, lead=o, reason_code="risk_to_person",
        justification="+urgent", started_at=AT, expires_at=AT + timedelta(hours=1),
        reviewed_at=AT, reviewed_by=lead_user, review_outcome="justified",
    )  # fmt: skip
    MatchingHold.objects.create(
        organisation=organisation, volunteer=w, reason="@hold", started_at=AT, started_by=o
    )
    space = Space.objects.create(
        organisation=organisation, team=team, name="Tuesday lunch", venue="Hall", host=o
    )
    pattern = SessionPattern.objects.create(
        organisation=organisation, space=space, weekday=1, starts_at=time(12), ends_at=time(14),
        starts_on=date(2026, 1, 6), ends_on=date(2026, 12, 29), created_by=o,
    )  # fmt: skip
    session = Session.objects.create(
        organisation=organisation, space=space, pattern=pattern, on=date(2026, 1, 6),
        starts_at=time(12), ends_at=time(14), register_closed_at=AT, register_closed_by=o,
    )  # fmt: skip
    Attendance.objects.create(
        organisation=organisation, session=session, space=space, on=session.on, person=person,
        marked_by=o,
    )  # fmt: skip
    Invitation.objects.create(organisation=organisation, space=space, person=person, invited_by=o)
    DoorWelcome.objects.create(
        organisation=organisation, person=merged, space=space, session=session, welcomed_by=o
    )
    LapsePrompt.objects.create(
        organisation=organisation, person=person, space=space, last_attended=session, sent_to=o
    )
    StoppingReason.objects.create(
        organisation=organisation, person=person, space=space, reason="moved",
        in_their_words=WORDS, author=o,
    )  # fmt: skip
    Tie.objects.create(
        organisation=organisation, person=person, kind="bonding", description="sister",
        recorded_on=date(2026, 2, 2), author=w,
    )  # fmt: skip
    TieCount.objects.create(
        organisation=organisation, person=person, team=team, counted_on=date(2026, 2, 2),
        bonding=2, author=w,
    )  # fmt: skip
    built_in = InstrumentVersion.objects.filter(instrument__organisation__isnull=True).first()
    assert built_in is not None, "the built-in questionnaires come with the migrations"
    own = Instrument.objects.create(
        organisation=organisation, key="own", name="Our check", notice="Ours", added_by=lead_user
    )
    own_version = InstrumentVersion.objects.create(
        instrument=own, number=1, definition_json=built_in.definition_json
    )
    sitting = Sitting.objects.create(
        organisation=organisation, person=person, kind="read_out", created_by=w,
        expires_at=AT + timedelta(days=1), used_at=AT, token_hash="ab" * 32,
    )  # fmt: skip
    sitting.versions.add(built_in, own_version)
    for version in (built_in, own_version):
        Response.objects.create(
            organisation=organisation, person=person, version=version, sitting=sitting,
            mode="read_out", author=w, about_worker=w, completed_at=AT, answers={"q1": 2, "q2": None},
        )  # fmt: skip
    _the_rest(organisation, team, lead, worker, other, person, merged, contact, handover, space)
    _volunteering(organisation, lead, worker, other, space, session)
    with transaction.atomic():
        record(person, action=actions.PEOPLE_PERSON_CREATED, by=w, summary={"fields": ["x"]})
        record(note, action=actions.get("support.note.created"), by=w)
    return organisation, lead


def _the_rest(
    organisation: Organisation,
    team: Team,
    lead: Membership,
    worker: Membership,
    other: Membership,
    person: Person,
    merged: Person,
    contact: Contact,
    handover: Handover,
    space: Space,
) -> None:
    """Rows of the tables added in decision 0085: appointments, learning, connections,
    directory, referrals, rights and imports. The appointment is a cancelled one: the tests
    restore a copy on the same server, whose workers share their accounts with the original's,
    and PostgreSQL refuses a worker booked twice at once (`scheduling` migration 0002)."""
    w, o, lead_user = worker.user, other.user, lead.user
    skill = Skill.objects.create(organisation=organisation, name="Polish")
    worker.skills.add(skill)
    Notification.objects.create(
        organisation=organisation, user=w, text="-A new person", url="/people/1/", read_at=AT
    )
    merge = PersonMerge.objects.create(
        organisation=organisation, survivor=person, merged=merged, moved={"contacts": 1},
        moved_rows={"relationships.contact.person": [contact.pk]}, filled=["phone"],
        merged_by=o, merged_at=AT,
    )  # fmt: skip
    MergeProposal.objects.create(
        organisation=organisation, survivor=person, merged=merged, proposed_by=o,
        proposed_at=AT, status="merged", needs_safeguarding=True, safeguarding_approved_by=o,
        safeguarding_approved_at=AT, closed_by=o, closed_at=AT, merge=merge,
    )  # fmt: skip
    LegitimateRelationship.objects.create(
        organisation=organisation, person=person, worker=o, reason="covering", started_at=AT,
        expires_at=AT + timedelta(days=7),
    )  # fmt: skip
    WeeklyAvailability.objects.create(
        membership=worker, weekday=2, starts_at=time(9), ends_at=time(12), place="Hub"
    )
    AvailabilityException.objects.create(
        membership=worker, starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26),
        kind="leave", recorded_by=o,
    )  # fmt: skip
    planning_round = PlanningRound.objects.create(
        organisation=organisation, team=team, period_start=date(2026, 12, 7),
        period_end=date(2026, 12, 18), description="December visits", status="accepted",
        proposal={"assignments": {"1": "x"}}, created_by=o, decided_by=o, decided_at=AT,
    )  # fmt: skip
    appointment = Appointment.objects.create(
        organisation=organisation, person=person, worker=w, with_worker=o, starts_at=AT,
        ends_at=AT + timedelta(hours=1), mode="in_person", place="Hub", status="cancelled",
        cancelled_by="us",
        booked_via="plan", planning_round=planning_round, handover=handover, contact=contact,
        booked_by=o,
    )  # fmt: skip
    SeeRequest.objects.create(
        planning_round=planning_round, person=person, earliest=date(2026, 12, 7),
        latest=date(2026, 12, 18), skill=skill, appointment=appointment,
    )  # fmt: skip
    ReviewSchedule.objects.create(
        organisation=organisation, review_every_weeks=6, review_after_contacts=4
    )
    LearningSettings.objects.create(organisation=organisation, discretion_limit=Decimal("75.50"))
    AdminTime.objects.create(
        organisation=organisation, worker=w, team=team, week=date(2026, 11, 30),
        hours=Decimal("3.5"),
    )  # fmt: skip
    demand = ContactDemand.objects.create(
        organisation=organisation, contact=contact, person=person, team=team, kind="failure",
        failure_kind="chasing", marked_by=w,
    )  # fmt: skip
    DemandWords.objects.create(
        organisation=organisation, demand=demand, person=person, text=WORDS, author=w
    )
    Need.objects.create(
        organisation=organisation, person=person, team=team, in_their_words=WORDS,
        goal="+a home", goal_set_by="person", first_contact=contact,
        first_contact_on=date(2026, 11, 2), status="closed", closed_on=date(2026, 11, 30),
        close_reason="moved_away", author=w, closed_by=o,
    )  # fmt: skip
    Spend.objects.create(
        organisation=organisation, team=team, person=person, amount=Decimal("12.40"),
        purpose="bus fare", spent_on=date(2026, 11, 3), author=w, status="approved",
        limit_at_time=Decimal("10.00"), decided_by=o, decided_at=AT,
    )  # fmt: skip
    ReportSettings.objects.create(organisation=organisation, volunteer_hour_rate=Decimal("12.21"))
    Story.objects.create(
        organisation=organisation, team=team, person=person, in_their_words=WORDS,
        told_on=date(2026, 11, 5), agreed_to_share=True, recorded_by=w,
    )  # fmt: skip
    TeamLearning.objects.create(
        organisation=organisation, team=team, period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31), learned="=people wait", will_change="call back",
        written_by=o,
    )  # fmt: skip
    interest = Interest.objects.create(organisation=organisation, name="Gardening")
    locality = Locality.objects.create(organisation=organisation, name="Northside")
    profile = PersonProfile.objects.create(
        organisation=organisation, person=person, author=w, locality=locality,
        availability=["tue_morning"], in_their_words=WORDS,
    )  # fmt: skip
    profile.interests.add(interest)
    profile.excluded_volunteers.add(o)
    profile.excluded_people.add(merged)
    volunteer = VolunteerProfile.objects.create(
        organisation=organisation, membership=other, capacity=2, locality=locality,
        gender="woman", lived_experience=["bereavement"], lived_experience_consent=True,
        lived_experience_consent_on=date(2026, 10, 1), lived_experience_tell=True,
        lived_experience_tell_on=date(2026, 10, 2), lived_experience_words=WORDS,
    )  # fmt: skip
    volunteer.interests.add(interest)
    space_profile = SpaceProfile.objects.create(space=space, locality=locality, times=["x"])
    space_profile.interests.add(interest)
    introduction = Introduction.objects.create(
        organisation=organisation, kind="volunteer", status="introduced",
        in_common=["both like gardening"], proposed_by=o, created_at=AT, introduced_at=AT,
    )  # fmt: skip
    side = IntroductionSide.objects.create(
        introduction=introduction, position=0, person=person, answer="agreed", answered_at=AT,
        answered_by=w, token_hash="cd" * 32, token_used_at=AT,
    )  # fmt: skip
    IntroductionSide.objects.create(
        introduction=introduction, position=1, volunteer=o, answer="agreed"
    )
    FollowUp.objects.create(
        organisation=organisation, side=side, person=person, met="yes", how="good",
        in_their_words=WORDS, author=w, recorded_at=AT,
    )  # fmt: skip
    Match.objects.create(
        organisation=organisation, person=person, volunteer=o, score=0.75, why=["area"],
        weights={"area": 1}, confirmed_by=o, confirmed_at=AT, introduction=introduction,
    )  # fmt: skip
    feed = DirectoryFeed.objects.create(
        organisation=organisation, name="Council", url="https://example.org/services"
    )
    runs = DirectoryOrganisation.objects.create(organisation=organisation, name="Citizens Advice")
    taxonomy = Taxonomy.objects.create(organisation=organisation, name="Needs")
    term = TaxonomyTerm.objects.create(
        organisation=organisation, taxonomy=taxonomy, name="Debt", code="debt"
    )
    location = Location.objects.create(
        organisation=organisation, name="Office", address_1="1 High St", postal_code="ls6 1ab",
        latitude=53.8, longitude=-1.55,
    )  # fmt: skip
    service = Service.objects.create(
        organisation=organisation, directory_organisation=runs, name="Debt advice",
        feed=feed, keeper=other, source="imported",
    )  # fmt: skip
    service.terms.add(term)
    ServiceAtLocation.objects.create(service=service, location=location)
    ServiceSchedule.objects.create(service=service, freq="WEEKLY", byday="MO,WE")
    ServiceArea.objects.create(service=service, name="Leeds")
    DirectoryRefresh.objects.create(
        organisation=organisation, feed=feed, source=feed.url, created=1, by=lead_user
    )
    partner = Partner.objects.create(
        organisation=organisation, name="Housing team", key_hash="ef" * 32
    )
    consent = ConsentToShare.objects.filter(organisation=organisation).first()
    assert consent is not None
    ReferralOut.objects.create(
        organisation=organisation, person=person, service=service, service_name=service.name,
        need=term, consent=consent, referred_by=w, answer_by=date(2026, 12, 10),
        token_hash="12" * 32, link_expires_at=AT + timedelta(days=14),
    )  # fmt: skip
    ReferralIn.objects.create(
        organisation=organisation, partner=partner, given_name="Ann", need=term,
        reason=WORDS, status="accepted", person=person, allocated_to=w, decided_by=o,
        decided_at=AT,
    )  # fmt: skip
    request = SubjectAccessRequest.objects.create(
        organisation=organisation, person=person, received_on=date(2026, 11, 1),
        due_on=date(2026, 12, 1), opened_by=lead_user, status="answered",
        answered_by=lead_user, answered_at=AT, answer_digest="ab" * 32, answer={"a": 1},
    )  # fmt: skip
    Withholding.objects.create(
        request=request, item="support.supportnote:1", reason="third_party", decided_by=lead_user
    )
    RetentionSettings.objects.create(organisation=organisation, support_years=7)
    LegalHold.objects.create(
        organisation=organisation, person=person, reason="court case", set_by=lead_user
    )
    review = RetentionReview.objects.create(
        organisation=organisation, made_on=date(2026, 11, 30), items=[], status="confirmed",
        confirmed_by=lead_user, confirmed_at=AT,
    )  # fmt: skip
    Anonymisation.objects.create(
        organisation=organisation, person=merged, sphere="support", kind="retention",
        review=review, rows=3, by=lead_user,
    )  # fmt: skip
    ColumnMapping.objects.create(
        organisation=organisation, source="Lamplight", kind="people", columns={"Forename": "x"}
    )
    for kind, pk in (("people", person.pk), ("contacts", contact.pk)):
        ImportedRecord.objects.create(
            organisation=organisation, source="Lamplight", kind=kind, external_id=f"L-{pk}",
            object_id=pk,
        )  # fmt: skip


def _volunteering(
    organisation: Organisation,
    lead: Membership,
    worker: Membership,
    other: Membership,
    space: Space,
    session: Session,
) -> None:
    """Rows of issue 15's tables: volunteers, training, supervision and the rota. A supervision
    note is written too: it must stay out of the archive (decision 0073)."""
    w, o = worker.user, other.user
    volunteer = Volunteer.objects.create(
        organisation=organisation, given_name="Olu", family_name=TRICKY, email="olu@example.org",
        offer=WORDS, stage="active", stage_since=date(2026, 3, 1), enquired_on=date(2026, 1, 2),
        membership=other,
    )  # fmt: skip
    StageChange.objects.create(
        volunteer=volunteer, from_stage="checks", to_stage="references", on=date(2026, 2, 1),
        by=o, reason="@reference lost",
    )  # fmt: skip
    Reference.objects.create(
        volunteer=volunteer, referee="Ms Ade", asked_on=date(2026, 1, 10),
        received_on=date(2026, 1, 20), satisfactory=True, recorded_by=o,
    )  # fmt: skip
    Check.objects.create(
        volunteer=volunteer, kind="dbs", requested_on=date(2026, 1, 12), level="enhanced",
        certificate_number="001234567890", issued_on=date(2026, 2, 1), recorded_by=o,
    )  # fmt: skip
    course = Course.objects.create(
        organisation=organisation, name="Safeguarding adults", valid_for_months=36, is_core=True
    )
    Completion.objects.create(
        organisation=organisation, membership=other, course=course, completed_on=date(2026, 2, 3),
        expires_on=date(2029, 2, 3), evidence="+certificate seen", recorded_by=lead.user,
    )  # fmt: skip
    Requirement.objects.create(organisation=organisation, course=course, activity="shifts")
    Removal.objects.create(
        organisation=organisation, course_name="Food hygiene", membership=other,
        completed_on=date(2026, 1, 5), reason="=recorded on the wrong person", removed_by=lead.user,
    )  # fmt: skip
    Requirements.objects.create(
        organisation=organisation, references=1, dbs_level="enhanced", dbs_renew_months=24,
        right_to_volunteer=True,
    )  # fmt: skip
    supervision = Supervision.objects.create(
        organisation=organisation, supervisee=other, supervisor=worker, every_weeks=4,
        started_on=date(2026, 3, 1),
    )  # fmt: skip
    held = SupervisionSession.objects.create(
        supervision=supervision, planned_for=date(2026, 4, 1), held_on=date(2026, 4, 2),
        recorded_at=AT,
    )  # fmt: skip
    SupervisionNote.objects.create(session=held, text=SUPERVISION_WORDS, written_by=w)
    pattern = ShiftPattern.objects.create(
        organisation=organisation, name="Lunch set-up", space=space, place="Hall", weekday=1,
        starts_at=time(11), ends_at=time(14), starts_on=date(2026, 1, 6),
        ends_on=date(2026, 12, 29), created_by=o,
    )  # fmt: skip
    PatternRole.objects.create(pattern=pattern, name="Kitchen", needed=2)
    shift = Shift.objects.create(
        organisation=organisation, pattern=pattern, session=session, name="Lunch set-up",
        place="Hall", starts_at=datetime(2026, 1, 6, 11, tzinfo=UTC),
        ends_at=datetime(2026, 1, 6, 14, tzinfo=UTC),
    )  # fmt: skip
    role = ShiftRole.objects.create(shift=shift, name="Kitchen", needed=2)
    taken = Signup.objects.create(
        organisation=organisation, shift=shift, role=role, membership=worker, status="confirmed",
        starts_at=shift.starts_at, ends_at=shift.ends_at, asked_by=other,
    )  # fmt: skip
    Signup.objects.create(
        organisation=organisation, shift=shift, role=role, membership=other, status="swapped",
        starts_at=shift.starts_at, ends_at=shift.ends_at, offered_at=AT, swapped_to=taken,
        did_not_come=True,
    )  # fmt: skip
    HoursEntry.objects.create(
        organisation=organisation, membership=other, what=WORDS, on=date(2026, 5, 1), minutes=90
    )
    Gift.objects.create(
        organisation=organisation, kind="food", description="=tins", quantity=Decimal("12.50"),
        unit="kg", value=Decimal("30.00"), donor="", received_on=date(2026, 6, 1), recorded_by=o,
    )  # fmt: skip
    MilestoneShare.objects.create(
        organisation=organisation, membership=other, milestone="hours_50", shared=True
    )


def read_archive(path: Path) -> dict[str, list[dict[str, str]]]:
    """Every table of an archive: name -> rows (column -> cell)."""
    tables: dict[str, list[dict[str, str]]] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".csv"):
                text = zf.read(name).decode("utf-8")
                tables[name[:-4]] = list(csv.DictReader(io.StringIO(text, newline="")))
    return tables


def read_package(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        package: dict[str, Any] = json.loads(zf.read("datapackage.json"))
    return package


def references(package: dict[str, Any]) -> dict[str, dict[str, str]]:
    """table -> column -> referenced table, from the package's foreign keys."""
    return {
        resource["name"]: {
            key["fields"][0]: key["reference"]["resource"]
            for key in resource["schema"].get("foreignKeys", [])
        }
        for resource in package["resources"]
    }
