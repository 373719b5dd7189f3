"""Two hosts tap "Here" for the same person at the same moment: one row, no error shown.

Runs on PostgreSQL (marked `postgresql`; the SQLite run leaves it out) on two real connections.
The test commits (a transactional test), and the audit table refuses TRUNCATE on PostgreSQL, so
the fixtures switch that one trigger off only while the database is flushed afterwards (the
pattern of alongside/scheduling/tests/test_concurrency.py).
"""

import time as time_module
from datetime import time

import pytest
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.spaces import services
from alongside.spaces.models import Attendance, Session, Space
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from alongside.testing.helpers import race


@pytest.mark.postgresql
@pytest.mark.parametrize("round_", range(3))
def test_two_hosts_marking_one_person_at_once_make_one_row(committed_db, round_, monkeypatch):
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    hosts = [
        MembershipFactory(organisation=org, user=UserFactory(), role="supporter") for _ in range(2)
    ]
    space = Space.objects.create(organisation=org, team=team, name="Lunch", venue="Hall")
    session = Session.objects.create(
        organisation=org, space=space, on=timezone.localdate(), starts_at=time(0), ends_at=time(23)
    )
    person = PersonFactory(team=team)

    real_record = services.register.record  # mark_present lives in services.register

    def slow_record(*args, **kwargs):
        # Hold the first transaction open after its insert, so the second host's read misses the
        # row and its insert meets the unique constraint (the race, every time).
        time_module.sleep(0.3)
        return real_record(*args, **kwargs)

    monkeypatch.setattr(services.register, "record", slow_record)

    def attempt(host):
        return lambda: services.mark_present(session, person, by=host)

    outcomes = race([attempt(h) for h in hosts])
    assert all(isinstance(o, tuple) for o in outcomes), outcomes  # no error for either host
    assert sorted(created for _, created in outcomes) == [False, True]
    assert len({attendance.pk for attendance, _ in outcomes}) == 1
    assert Attendance.objects.filter(session=session, person=person).count() == 1
    assert AuditEvent.objects.filter(action="spaces.attendance.marked").count() == 1


def test_the_database_refuses_a_second_row_even_without_the_service(db):
    from django.db import IntegrityError, transaction

    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    space = Space.objects.create(organisation=org, team=team, name="Lunch", venue="Hall")
    session = Session.objects.create(
        organisation=org, space=space, on=timezone.localdate(), starts_at=time(9), ends_at=time(10)
    )
    person = PersonFactory(team=team)
    fields = {"organisation": org, "session": session, "space": space, "on": session.on}
    Attendance.objects.create(person=person, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(person=person, **fields)
