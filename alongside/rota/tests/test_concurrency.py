"""No double booking across shifts and appointments under concurrent requests (decision 0076).

Like `scheduling/tests/test_concurrency.py`: the races run on PostgreSQL (marked `postgresql`),
each attempt on its own thread and connection, with committed rows (`committed_db`). The
membership row lock taken by both the rota and `scheduling.book` makes the second wait, then
see the first; the exclusion constraint on `rota_signup` refuses overlapping shifts for one
member even past the service.
"""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alongside.access.models import Role
from alongside.rota import services
from alongside.rota.models import HOLDS_PLACE, Shift, Signup, SignupStatus
from alongside.rota.tests.helpers import first_shift, make_pattern, role
from alongside.scheduling import services as scheduling
from alongside.scheduling.models import Appointment
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
)
from alongside.testing.helpers import race


def _setting():
    org = OrganisationFactory()
    colin = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    vic = MembershipFactory(organisation=org, role=Role.VOLUNTEER)
    return org, colin, vic


@pytest.mark.postgresql
def test_two_simultaneous_signups_of_one_member_on_overlapping_shifts_make_one(committed_db):
    _org, colin, vic = _setting()
    desk = role(first_shift(make_pattern(colin)), "Desk")
    van = role(
        first_shift(make_pattern(colin, name="Van run", starts_at=time(12), ends_at=time(14))),
        "Desk",
    )
    outcomes = race([lambda: services.sign_up(desk, by=vic), lambda: services.sign_up(van, by=vic)])
    assert sum(isinstance(o, Signup) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assert Signup.objects.filter(membership=vic, status=SignupStatus.CONFIRMED).count() == 1


@pytest.mark.postgresql
def test_a_signup_and_an_appointment_for_one_member_at_one_moment_make_one(committed_db):
    org, colin, vic = _setting()
    shift = first_shift(make_pattern(colin))
    person = PersonFactory(team=TeamFactory(organisation=org))
    outcomes = race(
        [
            lambda: services.sign_up(role(shift, "Desk"), by=vic),
            lambda: scheduling.book(
                person,
                by=colin,
                worker=vic.user,
                starts_at=shift.starts_at + timedelta(hours=1),
                minutes=60,
                mode="phone",
            ),  # fmt: skip
        ]
    )
    won = [o for o in outcomes if isinstance(o, (Signup, Appointment))]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) == 1 and len(refused) == 1, outcomes
    assert Signup.objects.count() + Appointment.objects.count() == 1


@pytest.mark.postgresql
def test_two_members_racing_for_the_last_place_fill_it_once(committed_db):
    org, colin, _vic = _setting()
    driver = role(first_shift(make_pattern(colin)), "Driver")  # one place
    members = [MembershipFactory(organisation=org, role=Role.VOLUNTEER) for _ in range(2)]
    outcomes = race([lambda m=m: services.sign_up(driver, by=m) for m in members])
    assert sum(isinstance(o, Signup) for o in outcomes) == 1, outcomes
    assert Signup.objects.filter(role=driver).count() == 1


@pytest.mark.django_db
def test_postgresql_refuses_overlapping_shifts_for_one_member_even_without_the_service():
    _org, colin, vic = _setting()
    first = first_shift(make_pattern(colin))
    later = first_shift(make_pattern(colin, name="Van run", starts_at=time(12), ends_at=time(14)))
    services.sign_up(role(first, "Desk"), by=vic)
    fields = {
        "organisation_id": later.organisation_id, "shift": later, "role": role(later, "Desk"),
        "membership": vic, "status": SignupStatus.CONFIRMED,
        "starts_at": later.starts_at, "ends_at": later.ends_at,
    }  # fmt: skip
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Signup.objects.create(**fields)
        Signup.objects.create(**{**fields, "status": SignupStatus.WITHDRAWN})  # holds no time
    else:  # SQLite has no exclusion constraints: the service's lock and check are the guard
        Signup.objects.create(**fields)
        assert Signup.objects.filter(membership=vic).count() == 2


@pytest.mark.postgresql
@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_two_roll_ons_at_one_moment_make_each_shift_once(committed_db):
    """The daily task run twice at once (two workers): every day gets one shift, never two."""
    _org, colin, _vic = _setting()
    pattern = make_pattern(colin, ends_on=None)
    Shift.objects.filter(pattern=pattern).delete()  # as if none were made yet
    today = timezone.localdate()
    outcomes = race([lambda: services.roll_on(today), lambda: services.roll_on(today)])
    assert all(isinstance(o, int) for o in outcomes), outcomes
    days = [
        timezone.localdate(s)
        for s in Shift.objects.filter(pattern=pattern).values_list("starts_at", flat=True)
    ]
    assert len(days) == len(set(days)) == sum(outcomes) >= 12


@pytest.mark.postgresql
@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_a_signup_racing_a_cancellation_never_leaves_anyone_on_the_cancelled_shift(committed_db):
    _org, colin, vic = _setting()
    shift = first_shift(make_pattern(colin))
    outcomes = race(
        [
            lambda: services.sign_up(role(shift, "Desk"), by=vic),
            lambda: services.cancel_shift(shift, by=colin, reason="Flooded"),
        ]
    )
    assert not any(
        isinstance(o, Exception) and not isinstance(o, ValidationError) for o in outcomes
    ), outcomes
    shift.refresh_from_db()
    assert shift.cancelled_at is not None
    assert not Signup.objects.filter(shift=shift, status__in=HOLDS_PLACE).exists()
