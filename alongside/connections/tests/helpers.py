"""Test helpers: a second person in Pat's organisation (Una, another team, supported by wes),
the organisation's lists, and profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alongside.access.models import Membership, Role
from alongside.conftest import World
from alongside.connections import services
from alongside.connections.models import Interest, Locality
from alongside.people.models import Person
from alongside.testing.factories import (
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class Town:
    world: World
    una: Person
    ray: Person
    wes: Membership
    interests: dict[str, Interest]
    localities: dict[str, Locality]

    def m(self, name: str) -> Membership:
        return self.world.members[name]


def build_town(world: World) -> Town:
    foodbank = TeamFactory(organisation=world.org, name="Foodbank")
    wes = MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="wes", first_name="Wes"),
        role=Role.SUPPORTER,
    )
    una = PersonFactory(team=foodbank, given_name="Una", family_name="Related-to-no-one")
    SpellFactory(person=una, worker=wes.user)
    ray = PersonFactory(team=world.team, given_name="Ray", family_name="Neighbour")
    SpellFactory(person=ray, worker=world.user("alice"))
    interests = {
        name: Interest.objects.create(organisation=world.org, name=name)
        for name in ("Walking", "Cooking", "Football")
    }
    localities = {
        name: Locality.objects.create(organisation=world.org, name=name)
        for name in ("Northfield", "Southgate")
    }
    return Town(world, una, ray, wes, interests, localities)


def profile(town: Town, person: Person, *, by: str | Membership = "alice", **kwargs: Any) -> Any:
    membership = town.m(by) if isinstance(by, str) else by
    defaults: dict[str, Any] = {
        "interest_ids": [town.interests["Walking"].pk],
        "locality_id": town.localities["Northfield"].pk,
        "availability": ["tue_morning"],
    }
    defaults.update(kwargs)
    return services.save_person_profile(person, by=membership, **defaults)
