"""`record()` and `record_read()`: registered actions only, the organisation and person read
from the subject, the actor from a membership, the request id from the current request."""

import pytest
from django.db import transaction

from alongside.audit import actions
from alongside.audit.actions import Action, UnregisteredAction
from alongside.audit.models import AuditEvent
from alongside.audit.services import record, record_read
from alongside.common.request_context import current_request_id, own_request_id, request_context
from alongside.people.models import Person
from alongside.support.models import SupportNote


def test_record_refuses_an_unregistered_action(world):
    with transaction.atomic(), pytest.raises(UnregisteredAction, match="people.person.eaten"):
        record(world.person, action="people.person.eaten", by=world.members["alice"])  # type: ignore[arg-type]
    made_up = Action(name="people.person.eaten", words=None, about_person=False)
    with transaction.atomic(), pytest.raises(UnregisteredAction):
        record(world.person, action=made_up, by=world.members["alice"])
    assert not AuditEvent.objects.exists()


def test_record_refuses_an_action_that_differs_from_the_registered_one(world):
    reworded = Action(name="people.person.changed", words=None, about_person=False)
    with transaction.atomic(), pytest.raises(UnregisteredAction):
        record(world.person, action=reworded, by=world.members["alice"])


def test_record_read_refuses_a_model_whose_reads_are_not_registered(world):
    with pytest.raises(UnregisteredAction, match="people.person.viewed"):
        record_read(
            Person,
            [world.person.pk],
            by=world.members["alice"],
            organisation_id=world.org.pk,
            person_id=world.person.pk,
        )


def test_record_reads_organisation_person_and_actor_from_subject_and_membership(world):
    with transaction.atomic():
        event = record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=world.members["cara"])
    event.refresh_from_db()
    assert (event.organisation_id, event.person_id, event.actor_id) == (
        world.org.pk,
        world.person.pk,
        world.user("cara").pk,
    )
    assert (event.action, event.subject_type, event.subject_id) == (
        "people.person.changed",
        "people.person",
        str(world.person.pk),
    )


def test_record_takes_an_organisation_as_its_own_and_the_system_as_no_actor(world):
    with transaction.atomic():
        event = record(world.org, action=actions.DEMO_BUILT, by=None)
    assert (event.organisation_id, event.person_id, event.actor_id) == (world.org.pk, None, None)


def test_record_refuses_a_subject_without_an_organisation_unless_given(world):
    membership = world.members["alice"]
    with transaction.atomic(), pytest.raises(TypeError, match="organisation_id"):
        record(membership.user, action=actions.SCHEDULING_PLAN_SET_ASIDE, by=membership)


def test_record_and_record_read_carry_the_current_request_id(world):
    assert current_request_id() == ""
    with request_context("req-123"), transaction.atomic():
        written = record(
            world.person, action=actions.PEOPLE_PERSON_CHANGED, by=world.members["alice"]
        )
        given = record(
            world.person,
            action=actions.PEOPLE_PERSON_CHANGED,
            by=world.members["alice"],
            request_id="given",
        )
    assert current_request_id() == ""
    with request_context("req-456"):
        read = record_read(
            SupportNote,
            [1],
            by=world.members["alice"],
            organisation_id=world.org.pk,
            person_id=world.person.pk,
        )
    assert (written.request_id, given.request_id) == ("req-123", "given")
    assert read is not None and read.request_id == "req-456"
    with transaction.atomic():
        outside = record(world.person, action=actions.PEOPLE_PERSON_CHANGED, by=None)
    assert outside.request_id == ""


def test_every_registered_action_keeps_its_stored_name():
    for name, action in actions.REGISTRY.items():
        assert action.name == name == str(action)
        assert getattr(actions, name.replace(".", "_").upper()) is action


def test_tasks_and_commands_get_their_own_request_id_unless_one_is_current():
    with own_request_id("task:") as task_id:
        assert current_request_id() == task_id and task_id.startswith("task:")
        assert len(task_id) == len("task:") + 32
    assert current_request_id() == ""
    with request_context("req-789"), own_request_id("task:") as inner:
        assert inner == "req-789"
