from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.access.models import Notification
from alongside.audit.verify import verify_chain
from alongside.people.models import Person
from alongside.rights import services
from alongside.rights.models import Anonymisation, ReviewStatus
from alongside.rights.services.retention import check_organisation, due_for, years_after
from alongside.rights.tasks import check_retention, queue_retention_check
from alongside.support.models import SupportNote

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)
TODAY = date(2026, 3, 10)


def close(person, years_ago: float):
    person.closed_on = TODAY - timedelta(days=round(365.25 * years_ago))
    person.save()


def test_years_after_copes_with_29_february():
    assert years_after(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_each_sphere_falls_due_after_its_own_period(world, full_record):
    person = full_record.person
    close(person, 4)  # vouchers (3 years) are due; notes (6) are not; safeguarding (25) not
    due, held = due_for(world.org.pk, TODAY)
    assert {(d.person_id, d.sphere) for d in due} == {(person.pk, "eligibility")}
    assert held == []
    close(person, 7)
    due, _ = due_for(world.org.pk, TODAY)
    # Their identity stays while the safeguarding record is kept: it must say whom it is about.
    assert {d.sphere for d in due if d.person_id == person.pk} == {"eligibility", "support"}


def test_identity_goes_when_everything_else_has(world):
    person = world.person
    close(person, 7)
    due, _ = due_for(world.org.pk, TODAY)
    assert "shared" in {d.sphere for d in due if d.person_id == person.pk}


def test_the_daily_check_lists_for_the_data_lead_who_confirms_then_it_is_anonymised(
    world, full_record, tmp_path, settings
):
    settings.ALONGSIDE_AUDIT_CHECKPOINTS = tmp_path
    person = full_record.person
    close(person, 7)
    review = check_organisation(world.org, TODAY)
    assert review is not None and review.status == ReviewStatus.WAITING
    note = Notification.objects.get(user=world.user("dana"))
    assert note.url == reverse("rights:retention_review", args=[review.pk])
    assert person.family_name not in note.text
    # Nothing anonymised yet: the data lead sees the report first.
    assert not Anonymisation.objects.exists()
    # The same check again makes no second review.
    assert check_organisation(world.org, TODAY) is None

    page = world.client("dana").get(reverse("rights:retention_review", args=[review.pk]))
    assert page.status_code == 200 and "Support" in page.content.decode()
    confirmed = world.client("dana").post(reverse("rights:retention_review", args=[review.pk]))
    assert confirmed.status_code == 302
    assert set(Anonymisation.objects.values_list("sphere", flat=True)) == {
        "eligibility",
        "support",
    }
    note_text = SupportNote.objects.for_system("test").get(pk=full_record.note.pk).text
    assert note_text == ""
    person.refresh_from_db()
    assert person.family_name == "Quartermaine"  # identity kept while safeguarding is
    assert verify_chain(tmp_path).first_problem is None
    review.refresh_from_db()
    with pytest.raises(ValidationError):
        services.confirm_review(review, by=world.members["dana"])


def test_a_legal_hold_keeps_everything_and_the_review_says_why(world, full_record):
    person = full_record.person
    close(person, 30)
    services.set_hold(person, by=world.members["dana"], reason="Inquiry by the council")
    due, held = due_for(world.org.pk, TODAY)
    assert [d for d in due if d.person_id == person.pk] == []
    assert [h.person_id for h in held] == [person.pk]
    review = check_organisation(world.org, TODAY)
    page = world.client("dana").get(reverse("rights:retention_review", args=[review.pk]))
    body = page.content.decode()
    assert "Kept: legal hold" in body and "Inquiry by the council" in body
    services.confirm_review(review, by=world.members["dana"])
    assert not Anonymisation.objects.exists()


def test_a_reopened_person_is_not_anonymised_even_when_listed(world, full_record):
    person = full_record.person
    close(person, 7)
    review = check_organisation(world.org, TODAY)
    Person.objects.filter(pk=person.pk).update(closed_on=None)
    assert services.confirm_review(review, by=world.members["dana"]) == []


def test_the_task_checks_every_organisation_and_queues_tomorrow(world, full_record):
    from django_tasks_db.models import DBTaskResult

    close(full_record.person, 7)
    assert check_retention.call() == "1 review(s) made"
    queued = DBTaskResult.objects.filter(task_path=check_retention.module_path, status="READY")
    assert queued.count() == 1 and queued.get().run_after.date() == date(2026, 3, 11)
    queue_retention_check()  # already queued: no second one
    assert queued.count() == 1


def test_the_periods_page_saves_whole_years_within_bounds(world):
    client = world.client("dana")
    url = reverse("rights:retention")
    data = {"shared_years": 7, "support_years": 6, "eligibility_years": 2,
            "safeguarding_years": 30}  # fmt: skip
    assert client.post(url, {**data, "support_years": 0}).status_code == 400
    assert client.post(url, data).status_code == 302
    from alongside.rights.queries import retention_settings

    assert retention_settings(world.org.pk).years("eligibility") == 2
    assert 'value="2"' in client.get(url).content.decode()


def test_the_command_runs_the_check_or_queues_it(world, full_record):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    close(full_record.person, 7)
    out = StringIO()
    call_command("retention", stdout=out)
    assert out.getvalue().strip() == "1 review(s) made for data leads to confirm."
    call_command("retention", "--queue", stdout=out)
    assert DBTaskResult.objects.filter(task_path=check_retention.module_path).count() == 1
