"""The rota's services: patterns make shifts, signing up, asking, answering, swaps, withdrawing,
no double booking across shifts and appointments, gaps, and the reminder task."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.access.models import Notification, Role
from alongside.audit.models import AuditEvent
from alongside.rota import queries, services
from alongside.rota.models import Shift, ShiftRole, Signup, SignupStatus
from alongside.rota.tasks import remind_of_shift
from alongside.rota.tests.helpers import first_shift, make_pattern, role
from alongside.scheduling import services as scheduling
from alongside.spaces.models import Session, Space
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
)
from alongside.training.models import Activity, Completion, Course, Requirement

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)]


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def colin(org):
    return MembershipFactory(organisation=org, role=Role.COORDINATOR)


@pytest.fixture
def vic(org):
    return MembershipFactory(organisation=org, role=Role.VOLUNTEER)


def test_a_pattern_makes_its_shifts_ahead_with_its_roles_and_links_the_session(org, colin):
    space = Space.objects.create(organisation=org, name="Foodbank", venue="Hall")
    tuesday = date(2026, 8, 18)
    Session.objects.create(
        organisation=org,
        space=space,
        on=tuesday,
        starts_at=time(10),
        ends_at=time(13),
        created_by=colin.user,
    )
    pattern = make_pattern(colin, space=space)
    shifts = list(Shift.objects.filter(pattern=pattern).order_by("starts_at"))
    assert len(shifts) == 8  # Tuesdays in the eight weeks ahead
    assert timezone.localdate(shifts[0].starts_at) == tuesday
    assert shifts[0].session is not None and shifts[1].session is None
    assert [(r.name, r.needed) for r in shifts[0].roles.all()] == [
        ("Desk", 2), ("Packing", 3), ("Driver", 1),
    ]  # fmt: skip
    # Generating again makes nothing twice.
    assert services.generate_shifts(pattern, by=colin, until=tuesday + timedelta(weeks=8)) == 0


def test_a_pattern_with_bad_input_is_refused_plainly_and_nothing_is_saved(org, colin):
    with pytest.raises(ValidationError) as caught:
        make_pattern(colin, name=" ", ends_at=time(9), roles=[("Desk", 0)])
    errors = caught.value.message_dict
    assert errors["name"] and errors["ends_at"] == ["The shift must end after it starts."]
    assert "from 1 to 50 people" in errors["roles"][0]
    assert not Shift.objects.exists()


def test_signing_up_fills_a_place_and_queues_a_reminder(
    org, colin, vic, django_capture_on_commit_callbacks
):
    shift = first_shift(make_pattern(colin))
    with django_capture_on_commit_callbacks(execute=True):
        signup = services.sign_up(role(shift, "Driver"), by=vic)
    assert signup.status == SignupStatus.CONFIRMED and signup.starts_at == shift.starts_at
    assert AuditEvent.objects.filter(action="rota.signup.made").count() == 1
    other = MembershipFactory(organisation=org, role=Role.VOLUNTEER)
    with pytest.raises(ValidationError) as caught:
        services.sign_up(role(shift, "Driver"), by=other)
    assert caught.value.messages == ["The places for Driver are all taken."]
    # The reminder tells them the day before, in the app.
    assert remind_of_shift.call(signup.pk) == "reminded"
    assert Notification.objects.filter(user=vic.user, text__startswith="Reminder").exists()


def test_the_same_member_cannot_be_on_two_overlapping_shifts(org, colin, vic):
    shift = first_shift(make_pattern(colin))
    services.sign_up(role(shift, "Desk"), by=vic)
    with pytest.raises(ValidationError) as caught:
        services.sign_up(role(shift, "Packing"), by=vic)
    assert "already on Tuesday foodbank then" in caught.value.messages[0]
    overlapping = first_shift(
        make_pattern(colin, name="Van run", starts_at=time(12), ends_at=time(14))
    )
    with pytest.raises(ValidationError):
        services.sign_up(role(overlapping, "Desk"), by=vic)


def test_a_shift_and_an_appointment_never_overlap_for_one_member(org, colin, vic):
    team = TeamFactory(organisation=org)
    shift = first_shift(make_pattern(colin))
    scheduling.book(
        PersonFactory(team=team), by=colin, worker=vic.user,
        starts_at=shift.starts_at + timedelta(hours=1), minutes=30, mode="phone",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.sign_up(role(shift, "Desk"), by=vic)
    assert "has an appointment then" in caught.value.messages[0]
    later = Shift.objects.filter(pattern=shift.pattern).order_by("starts_at")[1]
    services.sign_up(role(later, "Desk"), by=vic)
    with pytest.raises(ValidationError) as caught:
        scheduling.book(
            PersonFactory(team=team), by=colin, worker=vic.user,
            starts_at=later.starts_at, minutes=30, mode="phone",
        )  # fmt: skip
    assert "is on Tuesday foodbank then" in caught.value.messages[0]


def test_a_coordinator_asks_and_the_member_answers(org, colin, vic):
    shift = first_shift(make_pattern(colin))
    asked = services.ask(role(shift, "Desk"), member=vic, by=colin)
    assert asked.status == SignupStatus.ASKED
    assert Notification.objects.filter(user=vic.user, text__contains="You are asked").exists()
    services.answer(asked, accept=True, by=vic)
    assert asked.status == SignupStatus.CONFIRMED
    with pytest.raises(ValidationError):
        services.answer(asked, accept=False, by=vic)
    second = services.ask(
        role(shift, "Desk"),
        member=MembershipFactory(organisation=org, role=Role.VOLUNTEER),
        by=colin,
    )
    services.answer(second, accept=False, by=second.membership)
    assert second.status == SignupStatus.DECLINED


def test_an_unmet_training_requirement_refuses_with_its_reason(org, colin, vic):
    shift = first_shift(make_pattern(colin))
    course = Course.objects.create(organisation=org, name="Safeguarding", valid_for_months=12)
    Requirement.objects.create(organisation=org, course=course, activity=Activity.SHIFTS)
    Completion.objects.create(
        organisation=org, membership=vic, course=course,
        completed_on=date(2025, 8, 3), expires_on=date(2026, 8, 3),
    )  # fmt: skip
    reason = "Safeguarding training ran out on 3 Aug 2026."
    with pytest.raises(ValidationError) as caught:
        services.ask(role(shift, "Desk"), member=vic, by=colin)
    assert caught.value.message_dict == {"member": [reason]}
    with pytest.raises(ValidationError) as caught:
        services.sign_up(role(shift, "Desk"), by=vic)
    assert caught.value.messages == [reason]
    assert not Signup.objects.exists()
    # Renewed: now they may.
    Completion.objects.create(
        organisation=org, membership=vic, course=course,
        completed_on=date(2026, 8, 10), expires_on=date(2027, 8, 10),
    )  # fmt: skip
    services.sign_up(role(shift, "Desk"), by=vic)


def test_a_swap_offered_and_taken_moves_the_shift(org, colin, vic):
    shift = first_shift(make_pattern(colin))
    mine = services.sign_up(role(shift, "Desk"), by=vic)
    services.offer_swap(mine, by=vic)
    taker = MembershipFactory(organisation=org, role=Role.VOLUNTEER)
    assert [s.pk for s in queries.swaps_offered(taker)] == [mine.pk]
    taken = services.take_swap(mine, by=taker)
    mine.refresh_from_db()
    assert mine.status == SignupStatus.SWAPPED and mine.swapped_to == taken
    assert taken.membership == taker and taken.status == SignupStatus.CONFIRMED
    assert [s.pk for s in queries.recent_swaps(org.pk)] == [mine.pk]
    with pytest.raises(ValidationError):
        services.take_swap(mine, by=MembershipFactory(organisation=org, role=Role.VOLUNTEER))


def test_withdrawing_frees_the_place_and_shows_the_gap(org, colin, vic):
    shift = first_shift(make_pattern(colin, roles=[("Driver", 1)]))
    today = timezone.localdate()
    signup = services.sign_up(role(shift, "Driver"), by=vic)
    assert list(queries.gaps(org.pk, today=today)) == []
    services.withdraw(signup, by=vic)
    assert signup.status == SignupStatus.WITHDRAWN
    gaps = list(queries.gaps(org.pk, today=today))
    assert [(g.shift_id, g.filled, g.needed) for g in gaps] == [(shift.pk, 0, 1)]
    with pytest.raises(ValidationError):
        services.withdraw(signup, by=vic)


def test_gaps_are_one_query_whatever_the_number_of_shifts(org, colin, django_assert_num_queries):
    make_pattern(colin)
    make_pattern(colin, name="Thursday drop-in", weekday=3)
    with django_assert_num_queries(1):
        found = list(queries.gaps(org.pk, today=timezone.localdate()))
    assert len(found) == 6  # two shifts this week, three roles each


def test_the_rota_page_reads_a_fixed_number_of_queries(org, colin, vic, django_assert_num_queries):
    for weekday in range(3):
        shift = first_shift(make_pattern(colin, name=f"Shift {weekday}", weekday=weekday))
        services.sign_up(
            ShiftRole.objects.filter(shift=shift).first(), by=vic
        ) if weekday == 1 else None
    with django_assert_num_queries(3):
        shifts = queries.rota(org.pk, start=timezone.localdate())
    assert len(shifts) > 3
