"""Volunteer matching: hard exclusions, capacity, weights, the pure matcher's optimal pairs with
their why, and confirming some pairs in one transaction."""

import pytest

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.connections import match_proposals, services
from alongside.connections.commonality import DEFAULT_WEIGHTS
from alongside.connections.models import (
    Introduction,
    IntroductionSide,
    Kind,
    Match,
    Status,
    VolunteerProfile,
)
from alongside.connections.tests.helpers import build_town, profile
from alongside.testing.factories import MembershipFactory, UserFactory


@pytest.fixture
def town(world):
    t = build_town(world)
    t.vols = {}
    for name, gender, langs, area in (
        ("Vera", "woman", "English, Polish", "Northfield"),
        ("Mo", "man", "English", "Southgate"),
    ):
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
            gender=gender,
            interest_ids=[t.interests["Walking"].pk],
            locality_id=t.localities[area].pk,
            availability=["tue_morning"],
        )
        t.vols[name] = m
    world.person.languages = "English, Polish"
    world.person.save()
    profile(t, world.person, wants_volunteer=True)
    return t


def pairs(proposal):
    return {(p.person.given_name, p.volunteer.user.first_name) for p in proposal.pairs}


def test_optimal_pairs_with_why(town, world):
    colin = world.members["colin"]
    proposal = match_proposals.propose(colin, DEFAULT_WEIGHTS)
    assert pairs(proposal) == {("Pat", "Vera")}
    (pair,) = proposal.pairs
    assert "both speak Polish" in pair.why and "both live in Northfield" in pair.why
    assert proposal.bound == proposal.total_score


def test_hard_exclusions(town, world):
    colin = world.members["colin"]
    vera = town.vols["Vera"]
    # The person's own wish (a man volunteer) and a safeguarding exclusion of Mo: no one.
    profile(
        town,
        world.person,
        wants_volunteer=True,
        volunteer_preference="man",
        excluded_volunteer_ids=[town.vols["Mo"].user_id],
    )
    assert match_proposals.propose(colin, DEFAULT_WEIGHTS).pairs == []
    # "Not someone from my area": Vera lives in Northfield too.
    profile(town, world.person, wants_volunteer=True, not_from_my_area=True)
    assert pairs(match_proposals.propose(colin, DEFAULT_WEIGHTS)) == {("Pat", "Mo")}
    # Not available for matching / no room.
    profile(town, world.person, wants_volunteer=True)
    services.save_volunteer_profile(vera, by=colin, capacity=1, available_for_matching=False)
    assert pairs(match_proposals.propose(colin, DEFAULT_WEIGHTS)) == {("Pat", "Mo")}


def test_confirm_some_pairs_in_one_transaction(town, world):
    colin = world.client("colin")
    page = colin.get("/connections/matching/")
    assert page.status_code == 200 and "both speak Polish" in page.content.decode()
    vera = town.vols["Vera"]
    key = f"{world.person.pk}:{vera.user_id}"
    # A pair the matcher did not propose is refused, and nothing is saved.
    bad = colin.post(
        "/connections/matching/", {"pair": [key, f"{world.person.pk}:{town.vols['Mo'].user_id}"]}
    )
    assert bad.status_code == 400
    assert Match.objects.for_system("t").count() == 0
    assert colin.post("/connections/matching/", {"pair": ["x:y"]}).status_code == 400
    assert (
        colin.post("/connections/matching/", {"pair": [key], "languages": "99"}).status_code == 400
    )
    ok = colin.post(
        "/connections/matching/", {"pair": [key], **{k: str(v) for k, v in DEFAULT_WEIGHTS.items()}}
    )
    assert ok.status_code == 302
    (match,) = Match.objects.for_system("t")
    intro = Introduction.objects.for_system("t").get(pk=match.introduction_id)
    assert intro.kind == Kind.VOLUNTEER and intro.status == Status.PROPOSED
    sides = IntroductionSide.objects.for_system("t").filter(introduction=intro)
    assert {(s.person_id, s.volunteer_id) for s in sides} == {
        (world.person.pk, None),
        (None, vera.user_id),
    }
    assert VolunteerProfile.objects.get(membership=vera).capacity == 0
    assert AuditEvent.objects.filter(action="connections.match.confirmed").count() == 1
    # Not proposed again.
    assert match_proposals.propose(world.members["colin"], DEFAULT_WEIGHTS).pairs == []


def test_weights_change_the_proposal(town, world):
    colin = world.members["colin"]
    # Two people, one volunteer with room for one: weights decide who is matched.
    ray = town.ray
    ray.languages = "English"
    ray.save()
    profile(
        town,
        ray,
        wants_volunteer=True,
        interest_ids=[town.interests["Cooking"].pk],
        locality_id=None,
        availability=[],
    )
    services.save_volunteer_profile(town.vols["Mo"], by=colin, capacity=0)
    services.save_volunteer_profile(
        town.vols["Vera"], by=colin, capacity=1, interest_ids=[town.interests["Cooking"].pk]
    )
    heavy_cooking = {**DEFAULT_WEIGHTS, "interests": 10, "languages": 0}
    assert pairs(match_proposals.propose(colin, heavy_cooking)) == {("Ray", "Vera")}
    heavy_polish = {**DEFAULT_WEIGHTS, "interests": 0, "languages": 10}
    assert pairs(match_proposals.propose(colin, heavy_polish)) == {("Pat", "Vera")}


def test_only_coordinators(town, world):
    for persona in ("alice", "cara", "vic", "amir", "sam", "dana", "fern", "olly"):
        assert world.client(persona).get("/connections/matching/").status_code == 404
