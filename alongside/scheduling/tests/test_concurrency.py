"""No double booking under concurrent requests: two bookings of one time at the same moment.

The races run on PostgreSQL, the production engine (marked `postgresql`; the SQLite run leaves
them out, because the in-memory test database shares one cache with table locks that a real
SQLite file in WAL mode with `transaction_mode=IMMEDIATE` does not have). There the two bookings
really race on two connections: the service's row locks make the second wait and then see the
first, and the exclusion constraint refuses an overlap even from code that skips the service. These tests commit (a transactional
test), and the audit table refuses TRUNCATE on PostgreSQL, so the fixtures below switch that one
trigger off only while the test database is flushed afterwards, and on again at once.
"""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alongside.scheduling import services
from alongside.scheduling.models import Appointment
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from alongside.testing.helpers import race


def _start(days: int = 3, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.mark.postgresql
def test_two_simultaneous_bookings_of_one_worker_book_exactly_one(committed_db):
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    worker = MembershipFactory(
        organisation=org, user=UserFactory(first_name="Wren"), role="supporter"
    )
    people = [PersonFactory(team=team), PersonFactory(team=team)]
    start = _start()

    def attempt(person):
        return lambda: services.book(
            person, by=worker, worker=worker.user, starts_at=start, minutes=60, mode="phone"
        )

    outcomes = race([attempt(p) for p in people])
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(booked) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert (
        "already has an appointment" in refused[0].messages[0]
        or "just booked" in refused[0].messages[0]
    )
    assert Appointment.objects.count() == 1


@pytest.mark.postgresql
def test_two_simultaneous_bookings_of_one_person_book_exactly_one(committed_db):
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    workers = [
        MembershipFactory(organisation=org, user=UserFactory(), role="supporter") for _ in range(2)
    ]
    person = PersonFactory(team=team)
    start = _start()

    def attempt(worker):
        return lambda: services.book(
            person, by=worker, worker=worker.user, starts_at=start, minutes=60, mode="phone"
        )

    outcomes = race([attempt(w) for w in workers])
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assert Appointment.objects.count() == 1


def test_postgresql_refuses_an_overlap_even_without_the_service(db):
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    worker = MembershipFactory(organisation=org, user=UserFactory(), role="supporter")
    start = _start()
    fields = {
        "organisation": org,
        "worker": worker.user,
        "booked_by": worker.user,
        "mode": "phone",
    }
    Appointment.objects.create(
        person=PersonFactory(team=team),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        **fields,
    )
    overlapping = {
        "person": PersonFactory(team=team),
        "starts_at": start + timedelta(minutes=30),
        "ends_at": start + timedelta(minutes=90),
        **fields,
    }
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.create(**overlapping)
        # A cancelled appointment frees the time, so it does not count as an overlap.
        Appointment.objects.create(**{**overlapping, "status": "cancelled"})
    else:  # SQLite has no exclusion constraints: the service's check is the guard there
        Appointment.objects.create(**overlapping)
        assert Appointment.objects.count() == 2
