"""Safeguarding holds in connections: someone on hold is never suggested, introduced or matched,
their open links close, and workers read only "Not available for matching or introductions"."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Role
from alongside.connections import match_proposals, queries, services
from alongside.connections.commonality import DEFAULT_WEIGHTS
from alongside.connections.models import Introduction, IntroductionSide, Match, Status
from alongside.connections.tests.helpers import build_town, profile
from alongside.safeguarding.models import MatchingHold
from alongside.safeguarding.services import place_matching_hold
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.helpers import assert_constant_queries, reset_rate_limits

HELD = "They are not available for introductions at the moment."
NOT_AVAILABLE = "Not available for matching or introductions"
CANARY = "Canary-c0nn: a reason only safeguarding leads read"


@pytest.fixture
def town(world):
    reset_rate_limits()
    t = build_town(world)
    t.vols = {}
    for name, langs in (("Vera", "English, Polish"), ("Mo", "English")):
        m = MembershipFactory(
            organisation=world.org,
            role=Role.VOLUNTEER,
            languages=langs,
            user=UserFactory(username=name.lower(), first_name=name),
        )
        services.save_volunteer_profile(
            m,
            by=world.members["colin"],
            capacity=1,
            interest_ids=[t.interests["Walking"].pk],
            locality_id=t.localities["Northfield"].pk,
            availability=["tue_morning"],
        )
        t.vols[name] = m
    world.person.languages = "English, Polish"
    world.person.save()
    profile(t, world.person, wants_volunteer=True)
    profile(t, t.ray)
    return t


def hold(town, *, person=None, volunteer=None):  # type: ignore[no-untyped-def]
    return place_matching_hold(by=town.m("sam"), person=person, volunteer=volunteer, reason=CANARY)


def pairs(proposal):  # type: ignore[no-untyped-def]
    return {(p.person.given_name, p.volunteer.user.first_name) for p in proposal.pairs}


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_held_people_are_never_suggested_and_a_held_person_gets_no_suggestions(town, world):
    from alongside.spaces.models import Space

    alice = town.m("alice")
    space = Space.objects.create(organisation=world.org, name="Walking club", venue="The hall")
    services.save_space_profile(
        space, by=town.m("colin"), interest_ids=[town.interests["Walking"].pk]
    )
    assert [s.person for s in queries.suggest_people(alice, world.person)] == [town.ray]
    assert [s.space for s in queries.suggest_groups(alice, world.person)] == [space]
    hold(town, person=town.ray)
    assert queries.suggest_people(alice, world.person) == []
    assert queries.suggest_people(alice, town.ray) == []
    assert queries.suggest_groups(alice, town.ray) == []
    assert [s.space for s in queries.suggest_groups(alice, world.person)] == [space]
    # Ray is not offered on Pat's suggestion form either.
    page = html(world.client("alice").get(reverse("connections:propose", args=[world.person.pk])))
    assert f'value="{town.ray.pk}"' not in page


def test_propose_is_refused_for_a_held_side_without_saying_why(town, world):
    from alongside.spaces.models import Space

    alice = town.m("alice")
    hold(town, person=town.ray)
    with pytest.raises(ValidationError) as error:
        services.propose(world.person, by=alice, other=town.ray)
    assert error.value.message_dict == {"other": [HELD]}
    with pytest.raises(ValidationError) as error:
        services.propose(town.ray, by=alice, other=world.person)
    assert error.value.messages == [HELD]
    space = Space.objects.create(organisation=world.org, name="Chess", venue="The hall")
    with pytest.raises(ValidationError) as error:
        services.propose(town.ray, by=alice, space=space)
    assert error.value.messages == [HELD]
    hold(town, volunteer=town.vols["Vera"].user)
    with pytest.raises(ValidationError) as error:
        services.propose(world.person, by=town.m("colin"), volunteer=town.vols["Vera"].user)
    assert error.value.message_dict == {"volunteer": [HELD]}
    assert Introduction.objects.for_system("t").count() == 0
    # The page: no form for Ray, the same words, and a POST saves nothing.
    client = world.client("alice")
    url = reverse("connections:propose", args=[town.ray.pk])
    page = html(client.get(url))
    assert HELD in page and 'name="other"' not in page
    assert client.post(url, {"other": world.person.pk}).status_code == 400
    assert Introduction.objects.for_system("t").count() == 0


def test_matching_leaves_out_held_volunteers_and_people(town, world):
    colin = town.m("colin")
    assert pairs(match_proposals.propose(colin, DEFAULT_WEIGHTS)) == {("Pat", "Vera")}
    hold(town, volunteer=town.vols["Vera"].user)
    assert pairs(match_proposals.propose(colin, DEFAULT_WEIGHTS)) == {("Pat", "Mo")}
    hold(town, person=world.person)
    proposal = match_proposals.propose(colin, DEFAULT_WEIGHTS)
    assert proposal.pairs == [] and proposal.people == 0
    assert proposal.unmatched == [(world.person, NOT_AVAILABLE)]
    page = html(world.client("colin").get(reverse("connections:matching")))
    assert f"{world.person.display_name}: {NOT_AVAILABLE}" in page
    assert page.count(NOT_AVAILABLE) == 2  # Pat, and Vera's row
    assert "Canary" not in page


def test_confirm_refuses_a_pair_that_became_held_after_it_was_proposed(town, world):
    colin = world.client("colin")
    vera = town.vols["Vera"]
    key = f"{world.person.pk}:{vera.user_id}"
    assert key in html(colin.get(reverse("connections:matching")))
    hold(town, volunteer=vera.user)
    response = colin.post(
        reverse("connections:matching"),
        {"pair": [key], **{k: str(v) for k, v in DEFAULT_WEIGHTS.items()}},
    )
    assert response.status_code == 400
    assert "Some pairs are no longer proposed" in html(response) and "Canary" not in html(response)
    with pytest.raises(ValidationError):
        services.confirm_matches(
            by=town.m("colin"), chosen=[(world.person.pk, vera.user_id)], weights=DEFAULT_WEIGHTS
        )
    assert Match.objects.for_system("t").count() == 0
    assert Introduction.objects.for_system("t").count() == 0


def test_a_held_sides_open_link_is_closed_like_a_withdrawal(town, world, client):
    intro = services.propose(world.person, by=town.m("alice"), other=town.ray)
    tokens = services.ask(intro, by=town.m("alice"))
    # A hold that slipped in beside an open introduction (a race): its links still close.
    MatchingHold.objects.create(
        organisation=world.org,
        person=town.ray,
        reason=CANARY,
        started_at=timezone.now(),
        started_by=world.user("sam"),
    )
    assert queries.introduction_is_held(intro)
    sides = list(IntroductionSide.objects.for_system("t").filter(introduction=intro))
    for side in sides:
        url = reverse("connections:answer", args=[tokens[side.pk]])
        reset_rate_limits()
        page = client.get(url)
        assert page.status_code == 410
        assert "This introduction is not going ahead" in html(page) and "Canary" not in html(page)
        reset_rate_limits()
        assert client.post(url, {"agree": "yes"}).status_code == 410
        with pytest.raises(services.Closed) as closed:
            services.answer(side, agree=True)
        assert closed.value.reason == "closed"
    assert {
        s.answer for s in IntroductionSide.objects.for_system("t").filter(introduction=intro)
    } == {"waiting"}
    assert Introduction.objects.for_system("t").get(pk=intro.pk).status == Status.ASKING


def test_workers_see_only_not_available(town, world):
    hold(town, person=world.person)
    hold(town, volunteer=town.vols["Mo"].user)
    for name in ("alice", "colin", "cara"):
        client = world.client(name)
        for url in (
            reverse("connections:person", args=[world.person.pk]),
            reverse("people:person", args=[world.person.pk]),
        ):
            page = html(client.get(url))
            assert NOT_AVAILABLE in page and "Canary" not in page, (name, url)
            assert world.user("sam").get_full_name() not in page, (name, url)
    matching_page = html(world.client("colin").get(reverse("connections:matching")))
    assert NOT_AVAILABLE in matching_page and "Canary" not in matching_page
    ray_page = html(world.client("alice").get(reverse("connections:person", args=[town.ray.pk])))
    assert NOT_AVAILABLE not in ray_page


def test_matching_page_query_count_does_not_grow_with_held_volunteers(town, world):
    def add(n: int) -> None:
        for _ in range(n):
            member = MembershipFactory(organisation=world.org, role=Role.VOLUNTEER)
            services.save_volunteer_profile(member, by=town.m("colin"), capacity=1)
            hold(town, volunteer=member.user)

    assert_constant_queries(world.client("colin"), reverse("connections:matching"), add)
