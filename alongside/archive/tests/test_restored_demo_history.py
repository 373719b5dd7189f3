"""After a real restore of the demo organisation, its history is there to see: on a person's
"who saw my record", in their subject access answer and on the audit page's restored history,
and the audit chain still verifies (issue 14, decision 0056)."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from alongside.access.models import Membership
from alongside.archive.models import RestoredAuditEvent
from alongside.archive.services import export_organisation, restore
from alongside.audit.models import AuditEvent
from alongside.audit.queries import RESTORED, LogFilters, access_log, search_log
from alongside.demo.builder import build_demo
from alongside.people.models import Person
from alongside.rights.services import answer_request, open_request
from alongside.scheduling.models import Appointment
from alongside.testing.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db]


@pytest.mark.time_machine("2026-12-01 09:00:00+00:00", tick=False)
def test_a_restored_demo_shows_its_history_and_the_chain_verifies(tmp_path: Path) -> None:
    build_demo(people=40)
    lead = Membership.objects.get(user__username="datalead")
    riverside = lead.organisation
    # The demo writes its rows directly: give it history the way the data lead would, a
    # subject access request for one person (an audited service).
    original = Person.objects.filter(organisation=riverside).order_by("pk").first()
    assert original is not None
    open_request(original, by=lead, received_on=date(2026, 11, 20))
    about_people = AuditEvent.objects.filter(organisation=riverside, person__isnull=False)
    assert about_people.exists()
    archive = tmp_path / "demo.zip"
    export_organisation(riverside, lead, archive)
    # Same server: the copy's workers are the original's accounts (see test_round_trip).
    Appointment.objects.filter(organisation=riverside).update(status="cancelled")
    copy = OrganisationFactory(name="Riverside restored")
    restore(archive, copy, None)

    history = RestoredAuditEvent.objects.filter(organisation=copy)
    assert history.count() == AuditEvent.objects.filter(organisation=riverside).count()
    # Someone with history about them, as the original's events named them.
    event = history.filter(person__isnull=False).order_by("at", "pk").first()
    assert event is not None
    person = event.person
    assert person.organisation == copy
    assert (person.given_name, person.family_name) == (original.given_name, original.family_name)

    copy_lead = Membership.objects.get(organisation=copy, user=lead.user)
    lines = access_log(person.pk, copy.pk, viewer=copy_lead)
    restored_lines = [line for line in lines if line.restored]
    assert restored_lines and event.at in {line.at for line in restored_lines}

    request = open_request(person, by=copy_lead, received_on=date(2026, 11, 30))
    answered = answer_request(request, by=copy_lead)
    assert answered.answer is not None
    seen_at = {line["at"] for line in answered.answer["who_saw"]}
    assert len(answered.answer["who_saw"]) >= len(restored_lines)
    assert any(
        line["at"][:19] == event.at.isoformat()[:19] for line in answered.answer["who_saw"]
    ), seen_at

    page = search_log(copy.pk, LogFilters(origin=RESTORED))
    assert page.events and all(isinstance(e, RestoredAuditEvent) for e in page.events)
    ours = search_log(copy.pk, LogFilters())
    assert [e.action for e in ours.events if e.action == "archive.restored"]

    call_command("audit", "verify")  # raises SystemExit(1) on a broken chain
