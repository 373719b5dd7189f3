"""A group's times come from its real sessions: repeating sessions still running, else upcoming
one-off sessions, else the times typed on its profile."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.connections import queries, services
from alongside.connections.commonality import slots_for_session
from alongside.connections.models import Introduction, SpaceProfile
from alongside.connections.tests.helpers import build_town, profile
from alongside.spaces import services as space_services
from alongside.spaces.models import Space


@pytest.fixture
def town(world):
    return build_town(world)


def group(world, name="Tuesday club", *, times=()):
    space = Space.objects.create(organisation=world.org, name=name, venue="The hall")
    if times:
        SpaceProfile.objects.create(space=space, times=list(times))
    return space


def weekly(town, space, *, weekday, starts, ends, from_days=0, until_days=60):
    today = timezone.localdate()
    return space_services.add_pattern(
        space,
        by=town.m("colin"),
        weekday=weekday,
        starts_at=starts,
        ends_at=ends,
        every_weeks=1,
        starts_on=today + timedelta(days=from_days),
        ends_on=today + timedelta(days=until_days),
    )


def one_off(town, space, *, days, starts, ends):
    on = timezone.localdate() + timedelta(days=days)
    return space_services.add_session(
        space, by=town.m("colin"), on=on, starts_at=starts, ends_at=ends
    )


def times_of(space):
    return queries.group_times(queries.group_with_times(space))


def sentence(town, person):
    (suggestion,) = queries.suggest_groups(town.m("alice"), person)
    return suggestion.in_common.sentence


def test_a_session_falls_in_every_part_of_the_day_it_overlaps():
    assert slots_for_session(1, time(18), time(20)) == {"tue_evening"}
    assert slots_for_session(1, time(10), time(12)) == {"tue_morning"}
    assert slots_for_session(3, time(11, 30), time(13)) == {"thu_morning", "thu_afternoon"}
    assert slots_for_session(6, time(16, 30), time(17, 30)) == {"sun_afternoon", "sun_evening"}
    assert slots_for_session(0, time(9), time(18)) == {
        "mon_morning",
        "mon_afternoon",
        "mon_evening",
    }
    assert slots_for_session(7, time(9), time(10)) == set()


def test_repeating_sessions_decide_the_times_and_the_explanation(town, world):
    space = group(world, times=["mon_morning"])  # typed by hand, and now out of date
    weekly(town, space, weekday=1, starts=time(18), ends=time(20))
    assert times_of(space) == {"tue_evening"}
    profile(town, world.person, availability=["tue_evening", "mon_morning"], interest_ids=[])
    assert sentence(town, world.person) == (
        "the group meets on Tuesday evenings, when you are free"
    )


def test_a_group_without_a_profile_is_suggested_by_when_it_meets(town, world):
    space = group(world)
    weekly(town, space, weekday=2, starts=time(10), ends=time(11, 30))
    profile(town, world.person, availability=["wed_morning"], interest_ids=[], locality_id=None)
    assert sentence(town, world.person) == (
        "the group meets on Wednesday mornings, when you are free"
    )
    intro = services.propose(world.person, by=town.m("alice"), space=space)
    stored = Introduction.objects.for_system("test").get(pk=intro.pk)
    assert stored.in_common == ["the group meets on Wednesday mornings, when you are free"]


def test_ended_patterns_give_way_to_upcoming_one_off_sessions(town, world):
    space = group(world, times=["mon_morning"])
    weekly(town, space, weekday=1, starts=time(18), ends=time(20), from_days=-60, until_days=-1)
    one_off(town, space, days=3, starts=time(14), ends=time(15))
    one_off(town, space, days=-3, starts=time(19), ends=time(20))  # already happened
    cancelled = one_off(town, space, days=4, starts=time(9), ends=time(10))
    space_services.cancel_session(cancelled, by=town.m("colin"))
    on = (timezone.localdate() + timedelta(days=3)).strftime("%a").lower()[:3]
    assert times_of(space) == {f"{on}_afternoon"}


def test_without_any_sessions_the_typed_times_are_used(town, world):
    space = group(world, times=["fri_evening", "sat_morning"])
    weekly(town, space, weekday=4, starts=time(18), ends=time(20), from_days=-60, until_days=-1)
    assert times_of(space) == {"fri_evening", "sat_morning"}
    assert times_of(group(world, "Nothing yet")) == frozenset()


def test_the_connections_page_reads_groups_in_a_fixed_number_of_queries(town, world):
    profile(town, world.person, availability=["tue_evening"])
    alice = world.client("alice")
    url = f"/connections/people/{world.person.pk}/"

    def count_with(groups):
        for n in range(groups - Space.objects.count()):
            space = group(world, f"Group {n}", times=["tue_evening"])
            weekly(town, space, weekday=1, starts=time(18), ends=time(20))
            one_off(town, space, days=2, starts=time(10), ends=time(11))
            SpaceProfile.objects.get(space=space).interests.set(town.interests.values())
        with CaptureQueriesContext(connection) as captured:
            assert alice.get(url).status_code == 200
        return len(captured)

    alice.get(url)  # warm the session: the first request of a minute records when it was seen
    one, three = count_with(1), count_with(3)
    assert one == three
    assert len(queries.suggest_groups(town.m("alice"), world.person)) == 3


def test_the_group_page_says_its_times_come_from_its_sessions(town, world):
    space = group(world, times=["mon_morning"])
    space.host = world.user("cara")
    space.save()
    url = f"/connections/groups/{space.pk}/"
    before = world.client("colin").get(url).content.decode()
    assert "Only used while the group has no sessions planned" in before
    assert "meets-from-sessions" not in before
    weekly(town, space, weekday=1, starts=time(18), ends=time(20))
    after = world.client("cara").get(url).content.decode()
    assert "From its sessions, it meets on: Tuesday evening." in after
    space.is_active = False  # a group that stopped can still be described
    space.save()
    assert world.client("colin").get(url).status_code == 200
