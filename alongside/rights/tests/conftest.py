"""A person with something in every sphere, and someone else named in their notes."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.safeguarding.models import Concern
from alongside.support.models import SupportNote
from alongside.testing.factories import ContactFactory, PersonFactory

# Words that must never survive an erasure: each appears in one field of Pat's record.
SECRETS = {
    "family_name": "Quartermaine",
    "phone": "07700 900123",
    "email": "pat.quartermaine@example.org",
    "what_matters": "Getting back to the allotment",
    "note": "Worried about the rent arrears since March",
    "asked_for": "Help with a letter from the council",
    "concern": "Bruise on the left arm, said a neighbour did it",
    "voucher_doctor": "Dr Lindqvist",
}


@dataclass
class Record:
    person: Any
    contact: Any
    note: Any
    concern: Any
    voucher: Any
    other: Any


@pytest.fixture
def full_record(world) -> Record:
    person = world.person
    person.family_name = SECRETS["family_name"]
    person.phone = SECRETS["phone"]
    person.email = SECRETS["email"]
    person.what_matters = SECRETS["what_matters"]
    person.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 40)
    person.save()
    other = PersonFactory(team=world.team, given_name="Olwen", family_name="Brightwater")
    alice = world.user("alice")
    contact = ContactFactory(person=person, worker=alice, at=timezone.now() - timedelta(days=2))
    note = SupportNote.objects.create(
        organisation=world.org,
        person=person,
        contact=contact,
        asked_for=SECRETS["asked_for"],
        text=f"{SECRETS['note']}. Her sister olwen brightwater came too.",
        author=alice,
    )
    concern = Concern.objects.create(
        organisation=world.org,
        person=person,
        raised_by=alice,
        raised_at=timezone.now(),
        category="other",
        what_happened=SECRETS["concern"],
        immediate_risk=False,
    )
    partner = ReferralPartner.objects.create(organisation=world.org, name="Surgery", kind="gp")
    voucher = Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="RIGHTS-1",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name=SECRETS["voucher_doctor"],
        recorded_by=world.user("amir"),
        person=person,
        redeemed_at=timezone.now(),
        redeemed_by=world.user("amir"),
        parcels=1,
    )
    return Record(person, contact, note, concern, voucher, other)
