"""Courses and completions can be corrected by the coordinator, and removed when recorded in
error with a reason that is kept (decision 0093); audited; other roles refused (404, and the
access matrix); plain errors on the right field, nothing half-saved."""

from datetime import date

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.training import services
from alongside.training.models import Completion, Course, ExpiryReminder, Removal, Requirement

pytestmark = pytest.mark.time_machine("2026-12-06 12:00:00+00:00", tick=False)
TODAY = date(2026, 12, 6)


def _course(world, name="Safeguarding", months=12, **kwargs):
    return services.add_course(
        world.org, by=world.members["colin"], name=name, valid_for_months=months, **kwargs
    )


def _complete(world, persona, course, on):
    return services.record_completions(
        [world.members[persona]], course, by=world.members["colin"], completed_on=on
    )[0]


def test_a_coordinator_corrects_a_course_and_completions_keep_their_day_unless_asked(world):
    course = _course(world, roles=["volunteer"])
    completion = _complete(world, "vic", course, date(2026, 6, 1))
    client = world.client("colin")
    page = client.get(reverse("training:course", args=[course.pk]))
    assert page.status_code == 200 and 'value="Safeguarding"' in page.content.decode()
    form = {"name": "Safeguarding adults", "valid_for_months": "36", "activities": ["shifts"]}
    assert client.post(reverse("training:course", args=[course.pk]), form).status_code == 302
    course.refresh_from_db()
    completion.refresh_from_db()
    assert (course.name, course.valid_for_months) == ("Safeguarding adults", 36)
    assert set(Requirement.objects.filter(course=course).values_list("role", "activity")) == {
        ("", "shifts")
    }
    assert completion.expires_on == date(2027, 6, 1)  # kept (decision 0074)
    client.post(reverse("training:course", args=[course.pk]), {**form, "recalculate": "on"})
    completion.refresh_from_db()
    assert completion.expires_on == date(2029, 6, 1)
    events = AuditEvent.objects.filter(action="training.course.changed").order_by("pk")
    assert events[0].summary["changed"] == ["activities", "name", "roles", "valid_for_months"]
    assert events[1].summary["expiry_worked_out_again"] == 1


def test_a_course_name_in_use_is_refused_on_the_name_and_nothing_changes(world):
    _course(world, "Food hygiene")
    course = _course(world)
    response = world.client("colin").post(
        reverse("training:course", args=[course.pk]),
        {"name": "food hygiene", "valid_for_months": "0"},
    )
    text = response.content.decode()
    assert response.status_code == 400 and "Error:" in text
    assert "greater than or equal to 1" in text or "1 or more" in text or "at least 1" in text
    response = world.client("colin").post(
        reverse("training:course", args=[course.pk]), {"name": "food hygiene"}
    )
    assert response.status_code == 400
    assert "There is already a course with this name." in response.content.decode()
    course.refresh_from_db()
    assert course.name == "Safeguarding" and course.valid_for_months == 12
    assert not AuditEvent.objects.filter(action="training.course.changed").exists()


def test_a_completion_is_corrected_and_its_expiry_and_reminders_worked_out_again(world):
    course = _course(world)
    other = _course(world, "First aid", months=36)
    completion = _complete(world, "vic", course, date(2025, 12, 20))
    ExpiryReminder.objects.create(completion=completion, days_before=30)
    client = world.client("colin")
    url = reverse("training:completion", args=[completion.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"course": other.pk, "completed_on": "2025-12-21", "evidence": "Certificate seen"}
    )
    assert response.status_code == 302
    completion.refresh_from_db()
    assert (completion.course, completion.completed_on, completion.expires_on) == (
        other,
        date(2025, 12, 21),
        date(2028, 12, 21),
    )
    assert not ExpiryReminder.objects.exists()  # a new day: remind again before it
    event = AuditEvent.objects.get(action="training.completion.changed")
    assert event.summary["changed"] == ["completed_on", "course", "evidence"]
    # A future day or a clash with another completion: plain words, nothing saved.
    future = client.post(url, {"course": other.pk, "completed_on": "2027-01-01"})
    assert future.status_code == 400 and "future" in future.content.decode()
    _complete(world, "vic", course, date(2026, 1, 5))
    clash = client.post(url, {"course": course.pk, "completed_on": "2026-01-05"})
    assert clash.status_code == 400
    assert "already recorded for them on that day" in clash.content.decode()
    completion.refresh_from_db()
    assert completion.course == other


def test_a_completion_recorded_in_error_is_removed_with_a_reason_kept(world):
    course = _course(world)
    completion = _complete(world, "vic", course, date(2026, 11, 1))
    client = world.client("colin")
    remove = reverse("training:remove_completion", args=[completion.pk])
    refused = client.post(remove, {"reason": "  "})
    assert refused.status_code == 400 and "Error:" in refused.content.decode()
    assert Completion.objects.filter(pk=completion.pk).exists()
    done = client.post(remove, {"reason": "Recorded for Vic, it was Cara"})
    assert done.status_code == 302
    assert not Completion.objects.filter(pk=completion.pk).exists()
    removal = Removal.objects.get()
    assert (removal.course_name, removal.membership, removal.completed_on, removal.reason) == (
        "Safeguarding",
        world.members["vic"],
        date(2026, 11, 1),
        "Recorded for Vic, it was Cara",
    )
    event = AuditEvent.objects.get(action="training.completion.removed")
    assert "Cara" not in str(event.summary)  # ids and the day, never the words
    page = client.get(reverse("training:completions")).content.decode()
    assert "Recorded for Vic, it was Cara" in page


def test_a_course_with_completions_cannot_be_removed_and_one_without_can(world):
    course = _course(world)
    completion = _complete(world, "vic", course, date(2026, 11, 1))
    client = world.client("colin")
    remove = reverse("training:remove_course", args=[course.pk])
    refused = client.post(remove, {"reason": "Added twice"})
    assert refused.status_code == 400
    assert "1 completion of this course is recorded" in refused.content.decode()
    assert Course.objects.filter(pk=course.pk).exists() and not Removal.objects.exists()
    services.remove_completion(completion, by=world.members["colin"], reason="Wrong course")
    assert client.post(remove, {"reason": "Added twice"}).status_code == 302
    assert not Course.objects.filter(pk=course.pk).exists()
    assert AuditEvent.objects.filter(action="training.course.removed").count() == 1


def test_only_the_coordinator_of_the_organisation_corrects_or_removes(world):
    course = _course(world)
    completion = _complete(world, "vic", course, date(2026, 11, 1))
    urls = [
        reverse("training:course", args=[course.pk]),
        reverse("training:completion", args=[completion.pk]),
        reverse("training:completions"),
    ]
    for persona in ("alice", "vic", "amir", "sam", "dana", "fern", "olly"):
        client = world.client(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)
        assert (
            client.post(
                reverse("training:remove_completion", args=[completion.pk]), {"reason": "x"}
            ).status_code
            == 404
        )
    assert Completion.objects.filter(pk=completion.pk).exists()
    with pytest.raises(Exception, match="Only a coordinator"):
        services.remove_completion(completion, by=world.members["dana"], reason="x")
