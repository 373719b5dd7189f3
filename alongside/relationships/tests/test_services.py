from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.relationships import services
from alongside.relationships.models import (
    Contact,
    ContactRevision,
    Handover,
    NamedWorkerSpell,
    WorkerRequest,
)
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import PersonFactory


def _contact(world, **overrides):
    fields = dict(
        by=world.members["alice"],
        at=timezone.now() - timedelta(hours=1),
        worker=world.user("alice"),
        mode="phone",
        minutes=20,
        initiated_by="us",
        asked_for="Help with the gas bill",
    )
    fields.update(overrides)
    return services.record_contact(world.person, **fields)


def test_record_contact_keeps_their_words_in_the_support_sphere(world):
    contact = _contact(world)
    note = SupportNote.objects.for_system("test").get(contact=contact)
    assert note.asked_for == "Help with the gas bill"
    assert not hasattr(Contact, "asked_for")
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["relationships.contact.recorded", "support.note.created"]
    assert "gas" not in str(list(AuditEvent.objects.values_list("summary", flat=True)))


def test_record_contact_refuses_bad_input_and_writes_nothing(world):
    with pytest.raises(ValidationError) as error:
        _contact(world, minutes=0, at=timezone.now() + timedelta(days=2))
    assert set(error.value.message_dict) == {"minutes", "at"}
    assert Contact.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_record_contact_refuses_worker_from_another_organisation(world):
    with pytest.raises(ValidationError) as error:
        _contact(world, worker=world.user("olly"))
    assert "worker" in error.value.message_dict
    assert Contact.objects.count() == 0


def test_record_contact_follow_up_before_contact_is_refused(world):
    at = timezone.now() - timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        _contact(world, at=at, follow_up_on=(at - timedelta(days=1)).date())
    assert list(error.value.message_dict) == ["follow_up_on"]


def test_update_contact_keeps_previous_version(world):
    contact = _contact(world)
    services.update_contact(
        contact,
        by=world.members["alice"],
        at=contact.at,
        worker=world.user("alice"),
        mode="in_person",
        minutes=45,
        initiated_by="us",
        asked_for="Help with the gas bill",
    )
    contact.refresh_from_db()
    assert contact.version == 2
    revision = ContactRevision.objects.get(contact=contact)
    assert revision.version == 1
    assert revision.snapshot["mode"] == "phone" and revision.snapshot["minutes"] == 20
    services.update_contact(
        contact,
        by=world.members["alice"],
        at=contact.at,
        worker=world.user("alice"),
        mode="in_person",
        minutes=45,
        initiated_by="us",
        asked_for="Help with the electric",
    )
    note = SupportNote.objects.for_system("test").get(contact=contact)
    assert (note.asked_for, note.version) == ("Help with the electric", 2)
    assert note.revisions.for_system("test").get().asked_for == "Help with the gas bill"
    contact.refresh_from_db()
    assert contact.version == 2  # the words changed, not the shared facts


def test_update_contact_without_changes_writes_no_revision(world):
    contact = _contact(world)
    services.update_contact(
        contact,
        by=world.members["alice"],
        at=contact.at,
        worker=world.user("alice"),
        mode="phone",
        minutes=20,
        initiated_by="us",
    )
    assert ContactRevision.objects.count() == 0


def test_assign_named_worker_refuses_second_open_spell(world):
    with pytest.raises(ValidationError) as error:
        services.assign_named_worker(
            world.person,
            worker=world.user("cara"),
            by=world.members["colin"],
            started_on=timezone.localdate(),
        )
    assert "handover" in str(error.value)
    assert NamedWorkerSpell.objects.filter(person=world.person).count() == 1


def test_assign_named_worker_records_the_persons_choice(world):
    person = PersonFactory(team=world.team)
    spell = services.assign_named_worker(
        person,
        worker=world.user("cara"),
        by=world.members["colin"],
        started_on=timezone.localdate(),
        reason="person_chose",
        chosen_by_person=True,
    )
    assert spell.chosen_by_person and spell.ended_on is None


# The spell ends "today": travel to midday, so that the test cannot cross midnight.
@pytest.mark.time_machine(SUMMER_MIDDAY)
def test_warm_handover_changes_named_worker_at_the_joint_contact(world):
    request = services.record_worker_request(
        world.person,
        by=world.members["alice"],
        requested_worker=world.user("cara"),
        in_their_words="I'd like Cara",
        on=timezone.localdate(),
    )
    handover = services.plan_handover(
        world.person,
        to_worker=world.user("cara"),
        by=world.members["colin"],
        reason="person_chose",
        introduce_by=None,
        request=request,
    )
    request.refresh_from_db()
    assert request.status == WorkerRequest.Status.AGREED
    assert NamedWorkerSpell.objects.get(
        person=world.person, ended_on__isnull=True
    ).worker == world.user("alice")
    with pytest.raises(ValidationError) as error:
        _contact(world, handover=handover)  # Cara was not there
    assert "also_present" in error.value.message_dict
    _contact(world, handover=handover, also_present=[world.user("cara")])
    spells = list(NamedWorkerSpell.objects.filter(person=world.person).order_by("id"))
    assert [s.worker.username for s in spells] == ["alice", "cara"]
    assert spells[0].ended_on == timezone.localdate() and spells[1].ended_on is None
    assert spells[1].chosen_by_person is True
    handover.refresh_from_db()
    assert handover.status == Handover.Status.WARM


def test_cold_handover_needs_a_reason(world):
    handover = services.plan_handover(
        world.person,
        to_worker=world.user("cara"),
        by=world.members["colin"],
        reason="worker_left",
        introduce_by=None,
    )
    with pytest.raises(ValidationError):
        services.complete_handover_without_introduction(
            handover, by=world.members["colin"], on=timezone.localdate(), cold_reason="gone"
        )
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PLANNED
    services.complete_handover_without_introduction(
        handover,
        by=world.members["colin"],
        on=timezone.localdate(),
        cold_reason="Alice left suddenly on leave",
    )
    assert NamedWorkerSpell.objects.get(
        person=world.person, ended_on__isnull=True
    ).worker == world.user("cara")


def test_plan_handover_to_current_worker_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.plan_handover(
            world.person,
            to_worker=world.user("alice"),
            by=world.members["colin"],
            reason="workload",
            introduce_by=None,
        )
    assert "to_worker" in error.value.message_dict
    assert Handover.objects.count() == 0


def test_someone_who_assessed_a_person_cannot_become_their_supporter(world):
    from alongside.eligibility.models import ReferralPartner, Voucher

    person = PersonFactory(team=world.team)
    partner = ReferralPartner.objects.create(organisation=world.org, name="Surgery", kind="gp")
    Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="ABC123",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name="Dr Example",
        person=person,
        redeemed_at=timezone.now(),
        redeemed_by=world.user("cara"),
        parcels=1,
        recorded_by=world.user("amir"),
    )
    with pytest.raises(ValidationError) as error:
        services.assign_named_worker(
            person,
            worker=world.user("cara"),
            by=world.members["colin"],
            started_on=timezone.localdate(),
        )
    assert "eligibility" in error.value.message_dict["worker"][0]
    with pytest.raises(ValidationError):
        services.record_contact(
            person,
            by=world.members["cara"],
            at=timezone.now(),
            worker=world.user("cara"),
            mode="phone",
            minutes=5,
            initiated_by="us",
        )
    assert not NamedWorkerSpell.objects.filter(person=person).exists()
    world.org.allow_assessor_and_supporter = True
    world.org.save()
    person.refresh_from_db()
    services.assign_named_worker(
        person,
        worker=world.user("cara"),
        by=world.members["colin"],
        started_on=timezone.localdate(),
    )
    assert NamedWorkerSpell.objects.filter(person=person, worker=world.user("cara")).exists()
