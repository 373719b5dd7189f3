"""A demand mark carries its contact's local day and removal (decision 0110), so failure demand
counts by month without reading a contact: right either side of midnight and of the clock
change, and kept in step by every write that changes a contact."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alongside.learning.models import ContactDemand, DemandKind
from alongside.learning.queries import failure_demand_by_month
from alongside.learning.services import mark_demand
from alongside.people.merging import merge_people, undo_merge
from alongside.relationships.models import Contact, Initiator, Mode
from alongside.relationships.services import (
    move_contact,
    record_contact,
    remove_contact,
    restore_contact,
    update_contact,
)
from alongside.relationships.summaries import ContactDay, copy_contact_days, rebuild
from alongside.testing.factories import ContactFactory, PersonFactory


def _marks() -> set[tuple[int, date | None, bool]]:
    return set(ContactDemand.objects.values_list("contact_id", "contact_day", "contact_removed"))


def _expected() -> set[tuple[int, date | None, bool]]:
    """Each mark's contact's local day and removal, read from the contacts themselves."""
    return {
        (contact_id, timezone.localdate(at), removed_at is not None)
        for contact_id, at, removed_at in ContactDemand.objects.values_list(
            "contact_id", "contact__at", "contact__removed_at"
        )
    }


def _in_step() -> None:
    """The marks hold what the contacts say, and a rebuild changes nothing."""
    marks = _marks()
    assert marks == _expected()
    assert copy_contact_days(ContactDay(ContactDemand)) == 0
    rebuild()
    assert _marks() == marks


# 2026-03-29 01:00 UTC: the clocks go forward in London; 2026-10-25 01:00 UTC: back.
NEAR_MIDNIGHT = [
    datetime(2026, 3, 28, 23, 59, tzinfo=UTC),  # 23:59 GMT, the 28th
    datetime(2026, 3, 29, 23, 30, tzinfo=UTC),  # 00:30 BST, the 30th
    datetime(2026, 3, 31, 22, 59, tzinfo=UTC),  # 23:59 BST, the 31st: March
    datetime(2026, 3, 31, 23, 0, tzinfo=UTC),  # 00:00 BST, 1 April: April
    datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 00:30 BST, the 25th
    datetime(2026, 10, 31, 23, 59, tzinfo=UTC),  # 23:59 GMT, the 31st: October
    datetime(2026, 11, 1, 0, 0, tzinfo=UTC),  # 00:00 GMT, 1 November
]


@pytest.mark.time_machine("2026-12-06 10:00:00+00:00", tick=False)
@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York"])
def test_the_local_day_either_side_of_midnight_and_the_clock_change(world, zone):
    alice = world.members["alice"]
    people = [PersonFactory(team=world.team) for _ in range(5)]
    with timezone.override(ZoneInfo(zone)):
        for at in NEAR_MIDNIGHT:
            for person in people:  # five people, so no figure is withheld
                contact = ContactFactory(person=person, worker=alice.user, at=at)
                mark_demand(contact, by=alice, kind=DemandKind.FAILURE, failure_kind="chasing")
        assert _marks() == _expected()
        local = [at.astimezone(ZoneInfo(zone)).date() for at in NEAR_MIDNIGHT]
        assert {day for _, day, _ in _marks()} == set(local)
        found = failure_demand_by_month(world.org.pk, None, date(2026, 3, 1), date(2026, 11, 30))
    per_month = {m.month: m.failure for m in found.months}
    expected: dict[date, int] = {}
    for day in local:
        expected[day.replace(day=1)] = expected.get(day.replace(day=1), 0) + len(people)
    assert per_month == {
        m.month: (f"{expected[m.month]}" if m.month in expected else "fewer than 5")
        for m in found.months
    }
    if zone == "Europe/London":
        assert per_month[date(2026, 3, 1)] == "15"  # 28th, 30th, 31st
        assert per_month[date(2026, 4, 1)] == "5"  # 00:00 BST on the 1st
        assert per_month[date(2026, 10, 1)] == "10"
        assert per_month[date(2026, 11, 1)] == "5"


@pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)
def test_every_write_that_changes_a_contact_keeps_its_mark_in_step(world):
    alice, colin = world.members["alice"], world.members["colin"]
    now = timezone.now()
    contact = record_contact(
        world.person,
        by=alice,
        at=now - timedelta(days=3),
        worker=alice.user,
        mode=Mode.IN_PERSON,
        minutes=30,
        initiated_by=Initiator.PERSON,
    )
    mark_demand(contact, by=alice, kind=DemandKind.VALUE)
    _in_step()
    day_before = ContactDemand.objects.get().contact_day
    update_contact(
        contact,
        by=alice,
        at=now - timedelta(days=2),
        worker=alice.user,
        mode=Mode.PHONE,
        minutes=20,
        initiated_by=Initiator.US,
    )
    _in_step()
    assert ContactDemand.objects.get().contact_day == day_before + timedelta(days=1)
    mark_demand(contact, by=alice, kind=DemandKind.FAILURE, failure_kind="chasing")
    _in_step()
    other = PersonFactory(team=world.team)
    move_contact(contact, to=other, by=alice, reason="Wrong Pat")
    _in_step()
    assert ContactDemand.objects.get().person_id == other.pk
    third = PersonFactory(team=world.team)
    theirs = ContactFactory(person=third, worker=alice.user, at=now - timedelta(days=5))
    mark_demand(theirs, by=alice, kind=DemandKind.VALUE)
    merge = merge_people(other, third, by=colin)
    _in_step()
    undo_merge(merge, by=colin)
    _in_step()
    removed = remove_contact(Contact.objects.get(pk=contact.pk), by=alice, reason="Not Pat")
    _in_step()
    assert ContactDemand.objects.get(contact=contact).contact_removed
    restore_contact(removed, by=alice)
    _in_step()
    assert not ContactDemand.objects.get(contact=contact).contact_removed


@pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)
def test_marks_without_a_day_are_filled_by_a_rebuild(world):
    """As after an archive's rows go in raw, or the migration that added the day."""
    alice = world.members["alice"]
    contact = ContactFactory(person=world.person, worker=alice.user)
    mark_demand(contact, by=alice, kind=DemandKind.VALUE)
    ContactDemand.objects.update(contact_day=None, contact_removed=True)
    assert copy_contact_days(ContactDay(ContactDemand)) == 1
    assert _marks() == {(contact.pk, timezone.localdate(contact.at), False)}
