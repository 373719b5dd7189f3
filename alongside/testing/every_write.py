"""Every service that changes a contact or a named-worker spell, one after another: for the tests
that hold rows kept per person (the continuity summary, the inbox's last contact) to a rebuild
after each write."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from alongside.people.merging import merge_people, undo_merge
from alongside.people.models import Person
from alongside.relationships.models import Contact, Initiator, Mode
from alongside.relationships.services import (
    assign_named_worker,
    complete_handover_without_introduction,
    move_contact,
    plan_handover,
    record_contact,
    remove_contact,
    restore_contact,
    update_contact,
)
from alongside.testing.factories import ContactFactory, PersonFactory


@dataclass
class Writes:
    """What the walk has made so far, for the checks to look at."""

    first: Contact | None = None  # recorded on the world's person, later moved to `other`
    other: Person | None = None
    third: Person | None = None  # merged into `other`, then the merge undone
    removed: Contact | None = None  # `other`'s latest contact, removed then put back


# The steps, in order; `check(step, writes)` is called after each.
STEPS = (
    "recorded",
    "updated",
    "named a worker",
    "moved",
    "warm handover",
    "cold handover",
    "merged",
    "merge undone",
    "removed",
    "restored",
)


def every_contact_and_spell_write(world: Any, check: Callable[[str, Writes], None]) -> Writes:
    """Record a contact promising a follow-up yesterday (three days ago), change it (two days
    ago, another worker), name a worker for a new person, move the contact to them, plan a
    handover and record the contact that introduces the new worker, complete a handover cold,
    merge a third person with a contact into them and undo it, remove their latest contact and put
    it back; `check(step, writes)` after each (`STEPS`)."""
    alice, cara = world.members["alice"], world.members["cara"]
    colin = world.members["colin"]
    now = timezone.now()
    writes = Writes()
    writes.first = first = record_contact(
        world.person,
        by=alice,
        at=now - timedelta(days=3),
        worker=alice.user,
        mode=Mode.IN_PERSON,
        minutes=30,
        initiated_by=Initiator.PERSON,
        follow_up_on=timezone.localdate() - timedelta(days=1),
    )
    check("recorded", writes)
    update_contact(
        first,
        by=alice,
        at=now - timedelta(days=2),
        worker=cara.user,
        mode=Mode.PHONE,
        minutes=20,
        initiated_by=Initiator.US,
    )
    check("updated", writes)
    writes.other = other = PersonFactory(team=world.team)
    assign_named_worker(
        other, worker=cara.user, by=colin, started_on=timezone.localdate() - timedelta(days=10)
    )
    check("named a worker", writes)
    move_contact(first, to=other, by=alice, reason="Wrong Pat")
    check("moved", writes)
    handover = plan_handover(
        other, to_worker=alice.user, by=colin, reason="workload", introduce_by=None
    )
    record_contact(
        other,
        by=alice,
        at=now - timedelta(hours=2),
        worker=alice.user,
        also_present=[cara.user],
        mode=Mode.IN_PERSON,
        minutes=30,
        initiated_by=Initiator.US,
        handover=handover,
    )
    check("warm handover", writes)
    handover = plan_handover(
        other, to_worker=cara.user, by=colin, reason="workload", introduce_by=None
    )
    complete_handover_without_introduction(
        handover, by=colin, on=timezone.localdate(), cold_reason="Alice is off sick this month."
    )
    check("cold handover", writes)
    writes.third = third = PersonFactory(team=world.team)
    ContactFactory(person=third, worker=alice.user, at=now - timedelta(days=1))
    merge = merge_people(other, third, by=colin)
    check("merged", writes)
    undo_merge(merge, by=colin)
    check("merge undone", writes)
    latest = Contact.objects.filter(person=other).order_by("-at", "-pk").first()
    assert latest is not None
    writes.removed = remove_contact(latest, by=alice, reason="Recorded on the wrong Pat")
    check("removed", writes)
    restore_contact(writes.removed, by=alice)
    check("restored", writes)
    return writes
