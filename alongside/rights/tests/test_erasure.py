import json
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.audit.verify import verify_chain
from alongside.common.spheres import system_rows
from alongside.people.models import Person
from alongside.relationships.models import Contact
from alongside.rights import services
from alongside.rights.models import Anonymisation
from alongside.rights.queries import relation_models, rows_of, same_person_ids
from alongside.rights.services.erasure import ERASED_NAME
from alongside.rights.tests.conftest import SECRETS

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)


def every_value_of(person_ids):
    """Every value of every row of the person's record, as text (their own row included)."""
    values = [json.dumps(list(Person.objects.filter(pk__in=person_ids).values()), default=str)]
    for _model, rows in rows_of(person_ids):
        for row in rows:
            values.append(
                json.dumps(
                    {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields},
                    default=str,
                )  # fmt: skip
            )
    return "\n".join(values)


def person_today():
    from django.utils import timezone

    return timezone.localdate()


@contextmanager
def tampering():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    else:
        yield


def test_erasure_takes_out_every_word_keeps_the_facts_and_the_chain_verifies(
    world, full_record, tmp_path, settings
):
    settings.ALONGSIDE_AUDIT_CHECKPOINTS = tmp_path
    person = full_record.person
    before = every_value_of(same_person_ids(person))
    assert all(secret in before for secret in SECRETS.values())

    dana = world.members["dana"]
    request = services.open_request(person, by=dana, received_on=person_today())
    services.answer_request(request, by=dana)
    done = services.erase_person(person, by=dana, reason="Asked by letter")
    request.refresh_from_db()
    assert request.answer is None  # the copy of what was disclosed held their record too

    after = every_value_of(same_person_ids(person))
    assert [secret for secret in SECRETS.values() if secret in after] == []
    person.refresh_from_db()
    assert person.given_name == ERASED_NAME and person.date_of_birth is None
    assert person.age_band == "35_44"  # the anonymous fact that replaces the date of birth
    assert {a.sphere for a in done} == {"shared", "support", "eligibility", "safeguarding"}
    # The facts reports count are still there: the contact, its date and its worker.
    contact = Contact.objects.get(pk=full_record.contact.pk)
    assert contact.at == full_record.contact.at and contact.worker_id == world.user("alice").pk
    voucher = type(full_record.voucher).objects.for_system("test").get(pk=full_record.voucher.pk)
    assert voucher.parcels == 1 and voucher.issued_by_name == ""
    # One audit event, with counts and no words; the chain still verifies.
    event = AuditEvent.objects.get(action=actions.RIGHTS_PERSON_ERASED.name)
    assert event.person_id == person.pk and "Asked by letter" not in json.dumps(event.summary)
    assert verify_chain(tmp_path).first_problem is None
    # ... and still catches tampering afterwards.
    with tampering():
        AuditEvent.objects.filter(pk=event.pk).update(summary={"rows": 0})
    report = verify_chain(tmp_path)
    assert report.first_problem == f"event {event.pk} was changed after it was written"


def test_erasure_is_refused_under_a_legal_hold_saying_why(world, full_record):
    dana = world.members["dana"]
    services.set_hold(full_record.person, by=dana, reason="Safeguarding inquiry SAR-77")
    with pytest.raises(ValidationError) as refused:
        services.erase_person(full_record.person, by=dana, reason="Asked")
    assert "Safeguarding inquiry SAR-77" in " ".join(refused.value.messages)
    assert not Anonymisation.objects.exists()
    with pytest.raises(ValidationError):
        services.set_hold(full_record.person, by=dana, reason="Again")


def test_erasure_needs_a_reason_and_happens_once(world, full_record):
    dana = world.members["dana"]
    with pytest.raises(ValidationError) as refused:
        services.erase_person(full_record.person, by=dana, reason="  ")
    assert "reason" in refused.value.message_dict
    services.erase_person(full_record.person, by=dana, reason="Asked")
    with pytest.raises(ValidationError):
        services.erase_person(full_record.person, by=dana, reason="Asked again")


def test_a_record_merged_into_the_person_is_erased_too(world, full_record):
    twin = Person.objects.create(
        organisation=world.org, team=world.team, given_name="Pat", family_name="Quartermaine",
        phone="07700 900999", merged_into=full_record.person,
    )  # fmt: skip
    services.erase_person(full_record.person, by=world.members["dana"], reason="Asked")
    twin.refresh_from_db()
    assert twin.given_name == ERASED_NAME and twin.phone == "" and twin.family_name == ""


def test_every_kind_of_record_is_covered():
    """A model added later with a foreign key to Person is walked too (or this list changes)."""
    labels = {model._meta.label_lower for model, _ in relation_models()}
    assert {"support.supportnote", "safeguarding.concern", "eligibility.voucher",
            "relationships.contact", "measures.response", "spaces.attendance"} <= labels  # fmt: skip
    assert not any(label.startswith(("audit.", "rights.")) for label in labels)


def test_the_erasure_page_erases_and_shows_a_hold(world, full_record):
    client = world.client("dana")
    url = reverse("rights:erase", args=[full_record.person.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "", "confirm": "on"}).status_code == 400
    assert client.post(url, {"reason": "Asked", "confirm": ""}).status_code == 400
    assert client.post(url, {"reason": "Asked by email", "confirm": "on"}).status_code == 302
    assert not system_rows(type(full_record.note), "test").filter(text__contains="rent").exists()
    assert world.client("sam").get(url).status_code == 404


def test_the_hold_page_sets_and_lifts(world, full_record):
    client = world.client("dana")
    url = reverse("rights:legal_hold", args=[full_record.person.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Claim expected"}).status_code == 302
    erase = client.get(reverse("rights:erase", args=[full_record.person.pk])).content.decode()
    assert "Claim expected" in erase and "Erase their record</button>" not in erase
    assert client.post(url, {"lift_reason": "Claim settled"}).status_code == 302
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="rights.legal")] == [
        "rights.legal_hold.set",
        "rights.legal_hold.lifted",
    ]
