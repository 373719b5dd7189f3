"""An organisation with a row in every table the archive holds, and reading archives back."""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction

from alongside.access.models import Membership, Organisation, Role
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

AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
# Words a spreadsheet would run, and words in other scripts: they must come back as they were.
TRICKY = '=HYPERLINK("http://x")'
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
    with transaction.atomic():
        record(person, action=actions.PEOPLE_PERSON_CREATED, by=w, summary={"fields": ["x"]})
        record(note, action=actions.get("support.note.created"), by=w)
    return organisation, lead


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
