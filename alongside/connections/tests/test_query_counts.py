"""Query-count guards on the connections list pages: the same count with 1 row as with 3."""

from django.urls import reverse

from alongside.connections import services
from alongside.connections.models import Interest
from alongside.connections.tests.helpers import build_town
from alongside.testing.factories import PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries, reset_rate_limits


def test_introductions_on_the_person_page_queries_are_constant(world):
    reset_rate_limits()
    town = build_town(world)

    def add(n):
        for _ in range(n):
            other = PersonFactory(team=town.una.team)
            SpellFactory(person=other, worker=town.wes.user)
            services.propose(world.person, by=town.m("alice"), other=other)

    assert_constant_queries(
        world.client("alice"), reverse("connections:person", args=[world.person.pk]), add
    )


def test_lists_page_queries_are_constant(world):
    def add(n):
        for _ in range(n):
            Interest.objects.create(
                organisation=world.org, name=f"Interest {Interest.objects.count()}"
            )

    assert_constant_queries(world.client("colin"), reverse("connections:lists"), add)
    html = world.client("colin").get(reverse("connections:lists")).content.decode()
    assert all(f"Interest {index}" in html for index in range(3))
