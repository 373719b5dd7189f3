"""Becoming active is gated (decision 0092): a volunteer cannot move to induction or active with
a reference that came back not satisfactory, too few satisfactory references, or a DBS check or
right to volunteer the organisation requires that is missing, not back, too low or out of date.
The page says exactly what is missing; a manager may move them anyway with a reason, kept with
what was missing and audited; a refusal saves nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from alongside.audit.models import AuditEvent
from alongside.volunteers import services
from alongside.volunteers.models import CheckKind, Requirements, Stage, StageChange, Volunteer
from alongside.volunteers.queries import still_missing
from alongside.workers.models import Invitation

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)
TODAY = date(2026, 6, 15)


def _volunteer(world, email="robin@example.org"):
    return services.enquire(world.org, given_name="Robin", family_name="Hart", email=email)


def _reference(volunteer, by, referee, satisfactory=True, back=True):
    reference = services.ask_reference(volunteer, by=by, referee=referee, asked_on=TODAY)
    if back:
        services.reference_received(reference, by=by, received_on=TODAY, satisfactory=satisfactory)
    return reference


def _dbs(volunteer, by, *, level="basic", issued_on=TODAY, checked_on=None):
    return services.save_check(
        volunteer,
        by=by,
        kind=CheckKind.DBS,
        requested_on=issued_on,
        level=level,
        certificate_number="001234567890",
        issued_on=issued_on,
        update_service_checked_on=checked_on,
    )


def _nothing_moved(volunteer):
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.ENQUIRY and volunteer.membership is None
    assert StageChange.objects.filter(volunteer=volunteer).count() == 1  # the enquiry only
    assert not AuditEvent.objects.filter(action="volunteers.volunteer.moved").exists()
    assert not Invitation.objects.exists()


def test_with_nothing_in_they_cannot_start_induction_and_nothing_is_saved(world):
    colin = world.members["colin"]
    volunteer = _volunteer(world)
    for stage in (Stage.INDUCTION, Stage.ACTIVE):
        with pytest.raises(ValidationError) as error:
            services.move(volunteer, to=stage, by=colin)
        message = error.value.message_dict["to"][0]
        assert message.startswith(f"They cannot move to {Stage(stage).label.lower()} yet.")
        assert "2 satisfactory references are needed: 0 are back." in message
        assert "A DBS check is needed (Basic or above): none is recorded." in message
    _nothing_moved(volunteer)
    # Earlier stages are not gated: the checks are what those stages are for.
    services.move(volunteer, to=Stage.CHECKS, by=colin)


def test_each_thing_missing_is_named_until_it_is_in(world):
    colin = world.members["colin"]
    volunteer = _volunteer(world)
    _reference(volunteer, colin, "Jan Price")
    waiting = _reference(volunteer, colin, "Sam Okoro", back=False)
    services.save_check(volunteer, by=colin, kind=CheckKind.DBS, requested_on=TODAY)
    assert still_missing(volunteer, on=TODAY) == [
        "2 satisfactory references are needed: 1 is back, 1 not back yet.",
        "Their DBS check is not back yet (Basic or above is needed).",
    ]
    services.reference_received(waiting, by=colin, received_on=TODAY, satisfactory=False)
    assert still_missing(volunteer, on=TODAY)[0] == (
        "The reference from Sam Okoro came back not satisfactory."
    )
    _reference(volunteer, colin, "Lee Chan")
    # Two satisfactory now, but the unsatisfactory one still holds them.
    assert still_missing(volunteer, on=TODAY)[:1] == [
        "The reference from Sam Okoro came back not satisfactory."
    ]


def test_a_dbs_check_too_low_or_out_of_date_holds_them(world):
    colin = world.members["colin"]
    Requirements.objects.create(
        organisation=world.org, references=0, dbs_level="enhanced", dbs_renew_months=36
    )
    volunteer = _volunteer(world)
    _dbs(volunteer, colin, level="standard")
    assert still_missing(volunteer, on=TODAY) == [
        "Their DBS check is at a lower level than needed: Enhanced or above."
    ]
    old = _dbs(volunteer, colin, level="enhanced_barred", issued_on=date(2022, 6, 1))
    assert still_missing(volunteer, on=TODAY) == [
        "Their DBS check ran out on 1 June 2025 (36 months after it was issued or last checked "
        "on the update service): check it again, or ask for a new one."
    ]
    # A check on the update service brings it back in date.
    services.save_check(
        volunteer,
        by=colin,
        check=old,
        kind=CheckKind.DBS,
        requested_on=old.requested_on,
        level=old.level,
        certificate_number=old.certificate_number,
        issued_on=old.issued_on,
        update_service_checked_on=TODAY,
    )
    assert still_missing(volunteer, on=TODAY) == []
    services.move(volunteer, to=Stage.INDUCTION, by=colin)


def test_right_to_volunteer_is_needed_only_where_the_organisation_requires_it(world):
    colin = world.members["colin"]
    volunteer = _volunteer(world)
    services.set_requirements(
        world.org,
        by=colin,
        references=0,
        dbs_level="",
        dbs_renew_months=36,
        right_to_volunteer=False,
    )
    assert still_missing(volunteer, on=TODAY) == []
    services.set_requirements(
        world.org,
        by=colin,
        references=0,
        dbs_level="",
        dbs_renew_months=36,
        right_to_volunteer=True,
    )
    assert still_missing(volunteer, on=TODAY) == [
        "Their right to volunteer is needed: record it under Checks."
    ]
    check = services.save_check(
        volunteer, by=colin, kind=CheckKind.RIGHT_TO_VOLUNTEER, requested_on=TODAY
    )
    assert still_missing(volunteer, on=TODAY) == ["Their right to volunteer has not been seen yet."]
    services.save_check(
        volunteer,
        by=colin,
        check=check,
        kind=CheckKind.RIGHT_TO_VOLUNTEER,
        requested_on=TODAY,
        confirmed_on=TODAY,
    )
    assert still_missing(volunteer, on=TODAY) == []
    events = AuditEvent.objects.filter(action="volunteers.requirements.changed")
    assert events.count() == 2 and events.last().summary["right_to_volunteer"] is True


def test_a_manager_may_move_them_anyway_with_a_reason_kept_and_audited(world):
    colin = world.members["colin"]
    volunteer = _volunteer(world)
    with pytest.raises(ValidationError) as error:
        services.move(volunteer, to=Stage.INDUCTION, by=colin, anyway=True)
    assert "Say why they may go on" in error.value.message_dict["reason"][0]
    _nothing_moved(volunteer)
    change = services.move(
        volunteer,
        to=Stage.INDUCTION,
        by=colin,
        anyway=True,
        reason="Induction is a group session; DBS is booked for Monday",
    )
    assert change.went_without.startswith("2 satisfactory references are needed")
    assert change.reason == "Induction is a group session; DBS is booked for Monday"
    event = AuditEvent.objects.get(action="volunteers.volunteer.moved")
    assert event.summary == {"from": "enquiry", "to": "induction", "back": False, "went_without": 2}


def test_back_to_active_from_paused_is_gated_too(world):
    colin = world.members["colin"]
    volunteer = _volunteer(world)
    _reference(volunteer, colin, "Jan Price")
    _reference(volunteer, colin, "Sam Okoro")
    _dbs(volunteer, colin, issued_on=date(2023, 7, 1))
    services.move(volunteer, to=Stage.ACTIVE, by=colin)
    services.move(volunteer, to=Stage.PAUSED, by=colin, reason="Travelling")
    with pytest.raises(ValidationError) as error, pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a: date(2026, 8, 1))
        services.move(volunteer, to=Stage.ACTIVE, by=colin, reason="Back", on=date(2026, 8, 1))
    assert "ran out on 1 July 2026" in error.value.message_dict["to"][0]
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.PAUSED


def test_the_page_shows_what_is_missing_and_a_refused_move_answers_400(world):
    colin = world.client("colin")
    volunteer = _volunteer(world)
    page = colin.get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert "still missing" in page and "2 satisfactory references are needed: 0 are back." in page
    refused = colin.post(
        f"/volunteers/{volunteer.pk}/move/", {"to": "induction", "on": "2026-06-15"}
    )
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "They cannot move to induction yet." in text and "Error:" in text
    assert Volunteer.objects.get().stage == Stage.ENQUIRY
    anyway = colin.post(
        f"/volunteers/{volunteer.pk}/move/",
        {"to": "induction", "on": "2026-06-15", "anyway": "on", "reason": "Trial session"},
    )
    assert anyway.status_code == 302
    history = colin.get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert "moved on without:" in history and "Trial session" in history


def test_the_requirements_page_is_for_managers_with_plain_errors(world):
    colin = world.client("colin")
    page = colin.get("/volunteers/requirements/")
    assert page.status_code == 200 and "Satisfactory references needed" in page.content.decode()
    bad = colin.post(
        "/volunteers/requirements/",
        {"references": "9", "dbs_level": "enhanced", "dbs_renew_months": "0"},
    )
    assert bad.status_code == 400 and not Requirements.objects.exists()
    good = colin.post(
        "/volunteers/requirements/",
        {"references": "1", "dbs_level": "", "dbs_renew_months": "24"},
    )
    assert good.status_code == 302
    needs = Requirements.objects.get()
    assert (needs.references, needs.dbs_level, needs.dbs_renew_months) == (1, "", 24)
    assert world.client("dana").get("/volunteers/requirements/").status_code == 200
    for persona in ("alice", "vic", "amir", "sam", "fern"):
        assert world.client(persona).get("/volunteers/requirements/").status_code == 404
