"""Training running out is an inbox kind: the coordinator sees who, which course and when, with
"Record a completion" for that member and course; a member sees their own in their to-do. It
goes when the course is renewed, and costs one query however many run out."""

from datetime import date

import pytest
from django.urls import reverse

from alongside.access.models import Role
from alongside.inbox.queries import Kind, inbox_for, training_running_out
from alongside.testing.factories import MembershipFactory
from alongside.training import services

pytestmark = pytest.mark.time_machine("2026-12-06 12:00:00+00:00", tick=False)
TODAY = date(2026, 12, 6)


def _course(world, name="Safeguarding", months=12):
    return services.add_course(
        world.org, by=world.members["colin"], name=name, valid_for_months=months
    )


def _complete(world, member, course, on):
    return services.record_completions(
        [member], course, by=world.members["colin"], completed_on=on
    )[0]


def _section(world, persona):
    inbox = inbox_for(world.members[persona], today=TODAY)
    return next((s for s in inbox.sections if s.kind == Kind.TRAINING_RUNNING_OUT), None)


def test_the_coordinator_sees_who_which_course_and_when_with_an_action(world):
    safeguarding = _course(world)
    hygiene = _course(world, "Food hygiene", months=24)
    vic, alice = world.members["vic"], world.members["alice"]
    _complete(world, vic, safeguarding, date(2025, 12, 20))  # runs out 20 Dec 2026
    _complete(world, alice, hygiene, date(2024, 11, 1))  # ran out 1 Nov 2026
    _complete(world, alice, safeguarding, date(2025, 6, 1))  # 1 Jun 2026: too long ago
    _complete(world, vic, hygiene, date(2025, 6, 1))  # 1 Jun 2027: not yet
    section = _section(world, "colin")
    assert section is not None
    items = [(i.title, i.detail, i.due) for i in section.items]
    names = {m: m.user.get_full_name() for m in (vic, alice)}
    assert items == [
        (names[alice], "Food hygiene ran out on 1 Nov 2026.", date(2026, 11, 1)),
        (names[vic], "Safeguarding runs out on 20 Dec 2026.", date(2026, 12, 20)),
    ]
    first = section.items[0]
    assert first.overdue(TODAY) and first.action_label == "Record a completion"
    assert first.action_url == (
        reverse("training:record") + f"?member={alice.pk}&course={hygiene.pk}"
    )
    # The action opens the record page with that member and course chosen.
    page = world.client("colin").get(first.action_url).content.decode()
    assert f'name="member" value="{alice.pk}" checked>' in page
    assert f'<option value="{hygiene.pk}" selected>' in page
    # Renewed: it goes.
    _complete(world, alice, hygiene, date(2026, 12, 1))
    assert [i.title for i in _section(world, "colin").items] == [names[vic]]


def test_a_member_sees_only_their_own_in_their_to_do(world):
    safeguarding = _course(world)
    vic, alice = world.members["vic"], world.members["alice"]
    _complete(world, vic, safeguarding, date(2025, 12, 20))
    _complete(world, alice, safeguarding, date(2025, 12, 10))
    section = _section(world, "vic")
    assert section is not None
    (item,) = section.items
    assert item.title == "Safeguarding" and item.action_url == reverse("training:mine")
    assert item.detail.startswith("Your Safeguarding training runs out on 20 Dec 2026")
    assert world.members["alice"].user.get_full_name() not in str(section)
    page = world.client("vic").get(reverse("inbox:inbox")).content.decode()
    assert "Training running out" in page and "See your training" in page
    # A funder has no training record and no inbox item; another organisation sees nothing.
    assert _section(world, "colin") is not None
    other = MembershipFactory(organisation=world.other_org, role=Role.COORDINATOR)
    assert training_running_out(other, today=TODAY) == []


def test_one_query_however_many_run_out(world, django_assert_num_queries):
    safeguarding = _course(world)
    hygiene = _course(world, "Food hygiene", months=24)
    colin = world.members["colin"]
    _complete(world, world.members["vic"], safeguarding, date(2025, 12, 20))
    with django_assert_num_queries(1):
        assert len(training_running_out(colin, today=TODAY)) == 1
    for n in range(8):
        member = MembershipFactory(organisation=world.org, team=world.team, role=Role.VOLUNTEER)
        _complete(world, member, safeguarding, date(2025, 12, 1 + n))
        _complete(world, member, hygiene, date(2024, 12, 1 + n))
    with django_assert_num_queries(1):
        assert len(training_running_out(colin, today=TODAY)) == 17
