"""Cancelling a shift, changing a repeating shift from a date on, "did not come", shift reminders
by email (once), and patterns rolling on (issue 15 §5; decision 0090)."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside import diary
from alongside.access.models import Notification, Role
from alongside.audit.models import AuditEvent
from alongside.rota import queries, services
from alongside.rota.models import PatternRole, Shift, ShiftPattern, Signup, SignupStatus
from alongside.rota.tasks import remind_of_shift
from alongside.rota.tests.helpers import first_shift, make_pattern, role
from alongside.testing.clock import LONDON, SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)]


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def colin(org):
    return MembershipFactory(organisation=org, role=Role.COORDINATOR)


@pytest.fixture
def vic(org):
    member = MembershipFactory(organisation=org, role=Role.VOLUNTEER)
    member.user.email = "vic@example.org"
    member.user.save()
    return member


def _emails_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


# Cancelling -------------------------------------------------------------------------------------


def test_cancelling_a_shift_takes_everyone_off_tells_them_and_keeps_the_reason(
    org, colin, vic, run_tasks, django_capture_on_commit_callbacks
):
    shift = first_shift(make_pattern(colin))
    signup = services.sign_up(role(shift, "Desk"), by=vic)
    asked = services.ask(
        role(shift, "Driver"), member=MembershipFactory(organisation=org), by=colin
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_shift(shift, by=colin, reason="The hall is closed for repairs.")
    run_tasks()  # the emails
    assert told == 2
    shift.refresh_from_db()
    assert shift.cancelled_at is not None and shift.cancelled_by == colin
    assert shift.cancel_reason == "The hall is closed for repairs."
    statuses = set(
        Signup.objects.filter(pk__in=[signup.pk, asked.pk]).values_list("status", flat=True)
    )
    assert statuses == {SignupStatus.CANCELLED}
    note = Notification.objects.get(user=vic.user, text__contains="is cancelled")
    assert "The hall is closed for repairs." in note.text
    assert _emails_to("vic@example.org") == ["A shift you were on is cancelled"]
    event = AuditEvent.objects.get(action="rota.shift.cancelled")
    assert event.summary == {"told": 2}  # never the reason's words
    # They are off it: no longer on My shifts, but shown as cancelled; their time is free again.
    assert queries.my_signups(vic) == []
    assert [s.pk for s in queries.my_cancelled(vic)] == [signup.pk]
    overlapping = first_shift(
        make_pattern(colin, name="Van run", starts_at=time(11), ends_at=time(12))
    )
    services.sign_up(role(overlapping, "Desk"), by=vic)
    # Nobody can sign up for it, it is no gap, and it cannot be cancelled twice.
    with pytest.raises(ValidationError, match="has been cancelled"):
        services.sign_up(role(shift, "Packing"), by=MembershipFactory(organisation=org))
    assert shift.pk not in {
        r.shift_id for r in queries.gaps(org.pk, today=timezone.localdate(), days=14)
    }
    with pytest.raises(ValidationError, match="already cancelled"):
        services.cancel_shift(shift, by=colin, reason="Again")
    # The day-before reminder, queued when vic signed up, now sends nothing.
    assert remind_of_shift.call(signup.pk) == "not on the shift any more"


def test_a_cancellation_needs_a_reason_and_a_shift_still_to_come(org, colin, vic):
    shift = first_shift(make_pattern(colin))
    services.sign_up(role(shift, "Desk"), by=vic)
    with pytest.raises(ValidationError) as caught:
        services.cancel_shift(shift, by=colin, reason="  ")
    assert caught.value.message_dict["reason"][0].startswith("Say why")
    with (
        time_machine.travel(shift.starts_at + timedelta(minutes=5), tick=False),
        pytest.raises(ValidationError, match="already started"),
    ):
        services.cancel_shift(shift, by=colin, reason="Rain")
    other = MembershipFactory(role=Role.COORDINATOR)  # another organisation's coordinator
    with pytest.raises(ValidationError):
        services.cancel_shift(shift, by=other, reason="Rain")
    shift.refresh_from_db()
    assert shift.cancelled_at is None  # nothing half-saved
    assert Signup.objects.get(membership=vic).status == SignupStatus.CONFIRMED
    assert not AuditEvent.objects.filter(action="rota.shift.cancelled").exists()


def test_a_cancelled_shift_is_not_made_again_by_the_roll_on(org, colin):
    pattern = make_pattern(colin, ends_on=None)
    shift = first_shift(pattern)
    services.cancel_shift(shift, by=colin, reason="Bank holiday")
    before = Shift.objects.filter(pattern=pattern).count()
    assert services.roll_on(timezone.localdate()) == 0
    assert Shift.objects.filter(pattern=pattern).count() == before
    day = timezone.localdate(shift.starts_at)
    assert Shift.objects.filter(pattern=pattern, starts_at__date=day).count() == 1


# Changing a repeating shift ---------------------------------------------------------------------


def test_changing_a_pattern_remakes_free_shifts_and_keeps_and_tells_those_signed_up(
    org, colin, vic, run_tasks, django_capture_on_commit_callbacks
):
    pattern = make_pattern(colin, ends_on=None)  # Tuesdays 10:00-13:00, Desk 2, Packing 3, Driver 1
    shifts = list(Shift.objects.filter(pattern=pattern).order_by("starts_at"))
    taken = shifts[2]
    services.sign_up(role(taken, "Desk"), by=vic)
    mail.outbox.clear()
    from_day = timezone.localdate(shifts[1].starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        change = services.change_pattern(
            pattern,
            by=colin,
            from_day=from_day,
            starts_at=time(9, 30),
            ends_at=time(12, 30),
            roles=[("Desk", 1), ("Cooking", 2)],
            ends_on=None,
        )
    run_tasks()
    assert change.kept == 1 and change.told == 1
    after = list(Shift.objects.filter(pattern=pattern).order_by("starts_at"))
    # One shift a Tuesday, as before: none lost, none doubled.
    assert [timezone.localdate(s.starts_at) for s in after] == [
        timezone.localdate(s.starts_at) for s in shifts
    ]
    local = {timezone.localdate(s.starts_at): s for s in after}
    first = local[timezone.localdate(shifts[0].starts_at)]
    assert first.pk == shifts[0].pk and timezone.localtime(first.starts_at).time() == time(10)
    kept = local[timezone.localdate(taken.starts_at)]
    assert kept.pk == taken.pk and timezone.localtime(kept.starts_at).time() == time(10)
    assert [r.name for r in kept.roles.all()] == ["Desk", "Packing", "Driver"]
    moved = local[from_day]
    assert timezone.localtime(moved.starts_at).time() == time(9, 30)
    assert [(r.name, r.needed) for r in moved.roles.all()] == [("Desk", 1), ("Cooking", 2)]
    assert change.remade == len(shifts) - 2 and change.made >= change.remade
    assert [(r.name, r.needed) for r in PatternRole.objects.filter(pattern=pattern)] == [
        ("Desk", 1), ("Cooking", 2),
    ]  # fmt: skip
    note = Notification.objects.get(user=vic.user, text__contains="stays as it was")
    assert "09:30–12:30" in note.text
    assert _emails_to("vic@example.org") == ["A repeating shift you are on has changed"]
    event = AuditEvent.objects.get(action="rota.pattern.changed")
    assert event.summary["kept"] == 1 and event.summary["from"] == from_day.isoformat()
    # The roll-on keeps to the new way, and makes no second shift on the kept day.
    assert services.roll_on(timezone.localdate()) == 0
    assert Shift.objects.filter(pattern=pattern).count() == len(after)


def test_a_change_with_bad_input_is_refused_plainly_and_nothing_changes(org, colin, vic):
    pattern = make_pattern(colin, ends_on=None)
    before = list(Shift.objects.filter(pattern=pattern).values_list("pk", "starts_at"))
    with pytest.raises(ValidationError) as caught:
        services.change_pattern(
            pattern,
            by=colin,
            from_day=timezone.localdate() - timedelta(days=1),
            starts_at=time(12),
            ends_at=time(11),
            roles=[],
            ends_on=None,
        )
    errors = caught.value.message_dict
    assert errors["from_day"][0].startswith("Choose today or a later date")
    assert errors["ends_at"] == ["The shift must end after it starts."]
    assert errors["roles"][0].startswith("Say which roles")
    assert list(Shift.objects.filter(pattern=pattern).values_list("pk", "starts_at")) == before
    pattern.refresh_from_db()
    assert pattern.starts_at == time(10)
    assert not AuditEvent.objects.filter(action="rota.pattern.changed").exists()


def test_a_change_can_end_a_pattern(org, colin):
    pattern = make_pattern(colin, ends_on=None)
    last = timezone.localdate() + timedelta(weeks=3)
    services.change_pattern(
        pattern, by=colin, from_day=timezone.localdate(), starts_at=time(10), ends_at=time(13),
        roles=[("Desk", 2)], ends_on=last,
    )  # fmt: skip
    days = [
        timezone.localdate(s)
        for s in Shift.objects.filter(pattern=pattern).values_list("starts_at", flat=True)
    ]
    assert days and max(days) <= last
    assert services.roll_on(timezone.localdate() + timedelta(weeks=5)) == 0


# Did not come -----------------------------------------------------------------------------------


def test_did_not_come_takes_the_hours_out_and_can_be_undone(org, colin, vic):
    shift = first_shift(make_pattern(colin))
    signup = services.sign_up(role(shift, "Desk"), by=vic)
    with pytest.raises(ValidationError, match="once the shift has started"):
        services.mark_attendance(signup, came=False, by=colin)
    with time_machine.travel(shift.ends_at + timedelta(hours=1), tick=False):
        assert queries.member_hours(vic).shifts == 180
        services.mark_attendance(signup, came=False, by=colin)
        assert signup.did_not_come
        assert queries.member_hours(vic).shifts == 0
        services.mark_attendance(signup, came=False, by=colin)  # again: no change, no event
        assert AuditEvent.objects.filter(action="rota.signup.attendance").count() == 1
        services.mark_attendance(signup, came=True, by=colin)
        assert queries.member_hours(vic).shifts == 180
        summaries = [
            e.summary
            for e in AuditEvent.objects.filter(action="rota.signup.attendance").order_by("pk")
        ]
        assert summaries == [{"did_not_come": True}, {"did_not_come": False}]
        withdrawn = services.ask(
            role(first_shift(make_pattern(colin, name="Later", weekday=2)), "Desk"),
            member=MembershipFactory(organisation=org),
            by=colin,
        )
        with pytest.raises(ValidationError, match="Only someone who was on the shift"):
            services.mark_attendance(withdrawn, came=False, by=colin)


# Reminders by email -----------------------------------------------------------------------------


def test_the_reminder_is_sent_in_the_app_and_by_email_once(
    org, colin, vic, run_tasks, django_capture_on_commit_callbacks
):
    shift = first_shift(make_pattern(colin, name="Tuesday foodbank"))
    signup = services.sign_up(role(shift, "Desk"), by=vic)
    mail.outbox.clear()
    with time_machine.travel(shift.starts_at - timedelta(hours=20), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_of_shift.call(signup.pk) == "reminded"
            assert remind_of_shift.call(signup.pk) == "already reminded"  # queued twice, sent once
        run_tasks()
    assert _emails_to("vic@example.org") == ["Your shift tomorrow"]
    body = next(m.body for m in mail.outbox if m.to == ["vic@example.org"])
    assert "Tuesday foodbank (Desk)" in body and "/shifts/" in body
    assert Notification.objects.filter(user=vic.user, text__startswith="Reminder").count() == 1
    signup.refresh_from_db()
    assert signup.reminded_at is not None


# Patterns roll on -------------------------------------------------------------------------------


def _days_ahead(pattern: ShiftPattern) -> list[date]:
    return sorted(
        timezone.localdate(s)
        for s in Shift.objects.filter(pattern=pattern).values_list("starts_at", flat=True)
    )


@pytest.mark.time_machine(datetime(2026, 10, 1, 6, 0, tzinfo=LONDON), tick=False)
def test_the_daily_roll_on_keeps_shifts_made_ahead_across_a_month_and_the_clocks_change(org, colin):
    """Every day from 1 October to 1 November 2026 (the clocks go back on 25 October), run the
    roll-on twice: each running pattern has exactly one shift on each of its days up to
    `ROLL_ON_WEEKS` ahead, at its wall-clock time, never two."""
    sunday_night = make_pattern(
        colin, name="Night shelter", weekday=6, starts_at=time(1, 0), ends_at=time(3, 0),
        starts_on=date(2026, 10, 1), ends_on=None, roles=[("Beds", 2)],
    )  # fmt: skip
    tuesday = make_pattern(colin, starts_on=date(2026, 10, 1), ends_on=None)
    ends_soon = make_pattern(
        colin, name="Autumn only", weekday=3, starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 29),
    )  # fmt: skip
    day = date(2026, 10, 1)
    while day <= date(2026, 11, 1):
        with time_machine.travel(datetime.combine(day, time(4, 0), tzinfo=LONDON), tick=False):
            services.roll_on(day)
            assert services.roll_on(day) == 0  # a second run makes nothing
            horizon = services.roll_on_until(day)
            for pattern in (sunday_night, tuesday):
                days = _days_ahead(pattern)
                assert len(days) == len(set(days)), (day, pattern.name)
                upcoming = [d for d in days if d >= day]
                assert upcoming[-1] > horizon - timedelta(days=7), (day, pattern.name)
                assert upcoming[-1] <= horizon
        day += timedelta(days=1)
    for pattern, start in ((sunday_night, time(1)), (tuesday, time(10))):
        shifts = Shift.objects.filter(pattern=pattern)
        assert {timezone.localtime(s.starts_at).time() for s in shifts} == {start}
        assert all(s.roles.count() == pattern.roles.count() for s in shifts)
    # On 25 October 2026 01:00 happens twice (at 02:00 BST the clocks go back to 01:00 GMT): one
    # shift, from the first 01:00 to 03:00 GMT, three hours.
    clocks_change = [
        s
        for s in Shift.objects.filter(pattern=sunday_night)
        if timezone.localdate(s.starts_at) == date(2026, 10, 25)
    ]
    assert len(clocks_change) == 1 and clocks_change[0].minutes == 180  # 01:00 BST to 03:00 GMT
    assert max(_days_ahead(ends_soon)) == date(2026, 10, 29)


# The shared diary -------------------------------------------------------------------------------


def test_both_parts_of_the_diary_are_registered():
    assert diary.parts() == {"appointments", "shifts"}
