"""Courses, completions (one person or a session's attendees), the coordinator's pages, a
member's own record, expiry reminders, and matching leaving out a volunteer not in date."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from alongside.access.models import Notification, Role, Skill
from alongside.audit.models import AuditEvent
from alongside.training import services
from alongside.training.models import Activity, Completion, Course, ExpiryReminder, Requirement
from alongside.training.reminders import send_expiry_reminders

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine("2026-12-06 12:00:00+00:00", tick=False),
]

TODAY = date(2026, 12, 6)


def _course(world, name="Safeguarding", months=36, **kwargs):
    return services.add_course(
        world.org, by=world.members["colin"], name=name, valid_for_months=months, **kwargs
    )


def _complete(world, persona, course, on):
    return services.record_completions(
        [world.members[persona]], course, by=world.members["colin"], completed_on=on
    )[0]


def test_a_coordinator_adds_a_course_with_what_requires_it(world):
    client = world.client("colin")
    response = client.post(
        reverse("training:courses"),
        {
            "name": "Food hygiene",
            "provider": "Riverside council",
            "valid_for_months": "24",
            "roles": ["volunteer"],
            "activities": ["shifts"],
        },
    )
    assert response.status_code == 302
    course = Course.objects.get(organisation=world.org, name="Food hygiene")
    assert course.valid_for_months == 24 and course.is_external
    assert set(Requirement.objects.filter(course=course).values_list("role", "activity")) == {
        ("volunteer", ""),
        ("", "shifts"),
    }
    assert AuditEvent.objects.filter(action="training.course.added").count() == 1
    page = client.get(reverse("training:courses")).content.decode()
    assert "Food hygiene" in page and "24 months" in page


def test_a_course_name_in_use_or_a_bad_validity_is_refused_in_plain_words(world):
    _course(world)
    client = world.client("colin")
    response = client.post(reverse("training:courses"), {"name": "safeguarding"})
    assert response.status_code == 400
    assert "There is already a course with this name." in response.content.decode()
    response = client.post(
        reverse("training:courses"), {"name": "First aid", "valid_for_months": "0"}
    )
    assert response.status_code == 400
    assert not Course.objects.filter(name="First aid").exists()


def test_recording_one_completion_works_out_when_it_runs_out(world):
    course = _course(world, months=12)
    client = world.client("colin")
    response = client.post(
        reverse("training:record"),
        {
            "member": world.members["vic"].pk,
            "course": course.pk,
            "completed_on": "2026-02-28",
            "evidence": "Certificate seen",
        },
    )
    assert response.status_code == 302
    completion = Completion.objects.get(membership=world.members["vic"])
    assert completion.expires_on == date(2027, 2, 28)
    assert completion.evidence == "Certificate seen"
    assert AuditEvent.objects.filter(action="training.completion.recorded").count() == 1


def test_a_session_s_attendees_are_recorded_together_or_not_at_all(world):
    course = _course(world)
    _complete(world, "cara", course, date(2026, 11, 1))
    client = world.client("colin")
    members = [world.members[p].pk for p in ("alice", "vic", "cara")]
    data = {"members": members, "course": course.pk, "completed_on": "2026-11-01"}
    response = client.post(reverse("training:record_session"), data)
    # Cara already has it that day: nothing is saved for anyone, and the page says who.
    assert response.status_code == 400
    body = response.content.decode()
    assert "Already recorded for Cara" in body and "on that day: nothing was saved." in body
    assert Completion.objects.filter(course=course).count() == 1
    data["members"] = members[:2]
    assert client.post(reverse("training:record_session"), data).status_code == 302
    assert Completion.objects.filter(course=course).count() == 3


def test_bad_completion_input_is_a_400_on_the_right_field(world):
    course = _course(world)
    client = world.client("colin")
    future = {"member": world.members["vic"].pk, "course": course.pk, "completed_on": "2026-12-25"}
    response = client.post(reverse("training:record"), future)
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    other = {"member": world.members["olly"].pk, "course": course.pk, "completed_on": "2026-12-01"}
    assert client.post(reverse("training:record"), other).status_code == 400
    assert not Completion.objects.exists()


def test_the_coordinator_sees_who_runs_out_in_the_next_60_days_and_who_ran_out(world):
    course = _course(world, months=12)
    _complete(world, "vic", course, date(2026, 1, 20))  # runs out 20 Jan 2027
    _complete(world, "alice", course, date(2025, 11, 20))  # ran out 20 Nov 2026
    _complete(world, "cara", course, date(2025, 11, 21))
    _complete(world, "cara", course, date(2026, 11, 21))  # renewed: not listed
    page = world.client("colin").get(reverse("training:expiring")).content.decode()
    running_out = page.split('id="running-out"')[1].split("</table>")[0]
    ran_out = page.split('id="ran-out"')[1].split("</table>")[0]
    assert "Vic" in running_out and "20 Jan 2027" in running_out
    assert "Alice" in ran_out and "20 Nov 2026" in ran_out
    assert "Cara" not in page.split("<main")[1]


def test_a_member_sees_their_courses_what_they_need_and_their_skills_and_languages(world):
    vic = world.members["vic"]
    vic.languages = "English, Polish"
    vic.save()
    vic.skills.add(Skill.objects.create(organisation=world.org, name="Befriending"))
    safeguarding = _course(world, activities=[Activity.MATCHING])
    hygiene = _course(world, name="Food hygiene", months=24, activities=[Activity.SHIFTS])
    _complete(world, "vic", safeguarding, date(2023, 11, 3))  # ran out 3 Nov 2026
    _complete(world, "vic", hygiene, date(2026, 3, 1))
    page = world.client("vic").get(reverse("training:mine")).content.decode()
    assert "Safeguarding training ran out on 3 Nov 2026." in page
    assert "In date until 1 Mar 2028." in page
    assert "Befriending" in page and "Languages: English, Polish" in page
    # Someone else's record is never on it.
    assert "Alice" not in page.split("<main")[1]


@pytest.mark.parametrize("days_left, thresholds", [(30, {30}), (7, {30, 7}), (31, set())])
def test_reminders_go_once_per_threshold_to_the_member_and_their_coordinator(
    world, days_left, thresholds, django_capture_on_commit_callbacks
):
    course = _course(world, months=12)
    completion = _complete(world, "vic", course, date(2026, 1, 1))
    completion.expires_on = date.fromordinal(TODAY.toordinal() + days_left)
    completion.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_expiry_reminders(TODAY)
        again = send_expiry_reminders(TODAY)
    assert sent == (1 if thresholds else 0) and again == 0
    assert set(ExpiryReminder.objects.values_list("days_before", flat=True)) == thresholds
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == ({"vic", "colin"} if thresholds else set())
    if thresholds:
        text = Notification.objects.get(user__username="vic").text
        assert "Safeguarding" in text and "runs out on" in text


def test_the_7_day_reminder_follows_the_30_day_one(world, django_capture_on_commit_callbacks):
    course = _course(world, months=12)
    completion = _complete(world, "vic", course, date(2026, 1, 1))
    completion.expires_on = date(2027, 1, 5)  # 30 days on
    completion.save()
    assert send_expiry_reminders(TODAY) == 1
    assert send_expiry_reminders(date(2026, 12, 20)) == 0  # 16 days left: nothing new
    assert send_expiry_reminders(date(2026, 12, 29)) == 1  # 7 days left
    assert send_expiry_reminders(date(2026, 12, 30)) == 0
    assert Notification.objects.filter(user__username="vic").count() == 2


def test_a_renewed_course_or_a_member_who_left_is_not_reminded(world):
    course = _course(world, months=12)
    old = _complete(world, "vic", course, date(2026, 1, 1))
    old.expires_on = date(2026, 12, 20)
    old.save()
    _complete(world, "vic", course, date(2026, 12, 1))  # renewed
    alice = _complete(world, "alice", course, date(2026, 1, 1))
    alice.expires_on = date(2026, 12, 20)
    alice.save()
    world.members["alice"].left_on = date(2026, 12, 1)
    world.members["alice"].save()
    assert send_expiry_reminders(TODAY) == 0


def test_the_daily_task_sends_the_email_and_queues_tomorrow(
    world, run_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from alongside.training.tasks import remind_before_expiry

    world.members["vic"].user.email = "vic@example.org"
    world.members["vic"].user.save()
    with django_capture_on_commit_callbacks(execute=True):
        course = _course(world, months=12)  # adding a course starts the daily task
    completion = _complete(world, "vic", course, date(2026, 1, 1))
    completion.expires_on = date(2026, 12, 10)
    completion.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # the reminder: its email is queued when it commits
    run_tasks()  # the email
    assert [m.to for m in mail.outbox].count(["vic@example.org"]) == 1
    waiting = DBTaskResult.objects.filter(
        task_path=remind_before_expiry.module_path, status="READY"
    )
    assert waiting.count() == 1  # tomorrow's


def test_matching_leaves_out_a_volunteer_not_in_date_and_says_why(world):
    from alongside.connections.match_proposals import propose
    from alongside.connections.models import VolunteerProfile

    vic = world.members["vic"]
    vic.languages = "English"
    vic.save()
    VolunteerProfile.objects.create(
        organisation=world.org, membership=vic, available_for_matching=True, capacity=2
    )
    course = _course(world, activities=[Activity.MATCHING])
    proposal = propose(world.members["colin"], {})
    assert proposal.volunteers == 0
    assert [(m.pk, reasons) for m, reasons in proposal.not_ready] == [
        (vic.pk, ["Safeguarding training is not recorded."])
    ]
    page = world.client("colin").get(reverse("connections:matching")).content.decode()
    assert "Safeguarding training is not recorded." in page
    _complete(world, "vic", course, date(2026, 6, 1))
    proposal = propose(world.members["colin"], {})
    assert proposal.volunteers == 1 and proposal.not_ready == []


def test_a_role_requirement_applies_to_that_role_only(world):
    course = _course(world, roles=[Role.VOLUNTEER])
    assert course.requirements.get().role == Role.VOLUNTEER
    page = world.client("alice").get(reverse("training:mine")).content.decode()
    assert "Nothing: your training is in date" in page
    page = world.client("vic").get(reverse("training:mine")).content.decode()
    assert "Safeguarding training is not recorded." in page


def test_the_command_sends_now_or_queues_the_daily_task(world):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    course = _course(world, months=12)
    completion = _complete(world, "vic", course, date(2026, 1, 1))
    completion.expires_on = date(2026, 12, 10)
    completion.save()
    out = StringIO()
    call_command("training_reminders", stdout=out)
    assert "1 reminder(s) sent." in out.getvalue()
    call_command("training_reminders", "--queue", stdout=out)
    call_command("training_reminders", "--queue", stdout=out)  # one waiting is enough
    assert "queued" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path__endswith="remind_before_expiry").count() == 1
