"""Query-count guards on the spaces list pages: the same count with 1 row as with 3."""

import pytest
from django.urls import reverse

from alongside.spaces.models import Space
from alongside.spaces.tests.helpers import attend, make_session, make_space
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import PersonFactory
from alongside.testing.helpers import assert_constant_queries

# Sessions are made for today, and the list shows the coming weeks from today.
pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def test_space_list_queries_are_constant(world):
    def add(n):
        for _ in range(n):
            space = make_space(
                world.org,
                team=world.team,
                host=world.user("alice"),
                name=f"Space {Space.objects.count()}",
            )
            make_session(space)

    assert_constant_queries(world.client("alice"), reverse("spaces:list"), add)
    html = world.client("alice").get(reverse("spaces:list")).content.decode()
    assert all(f"Space {index}" in html for index in range(3))


def test_register_queries_are_constant(world):
    session = make_session(make_space(world.org, team=world.team, host=world.user("alice")))

    def add(n):
        for _ in range(n):
            attend(session, PersonFactory(team=world.team))

    url = reverse("spaces:register", args=[session.pk])
    assert_constant_queries(world.client("alice"), url, add)
    html = world.client("alice").get(url).content.decode()
    assert html.count('id="person-') == 3
