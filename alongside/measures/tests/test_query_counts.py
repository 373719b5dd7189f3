"""Query-count guards on the measures list pages: the same count with 1 row as with 3."""

import pytest
from django.urls import reverse

from alongside.measures import services
from alongside.measures.builtins import ONS4, RELATIONSHIP_CHECK
from alongside.measures.scoring import SUM
from alongside.measures.tests.helpers import ONS4_ANSWERS, RC_ALL_AGREE, answered
from alongside.testing.factories import PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_person_answers_queries_are_constant(world):
    alice = world.user("alice")

    def add(n):
        for index in range(n):
            key = (ONS4, RELATIONSHIP_CHECK)[index % 2]
            answers = ONS4_ANSWERS if key == ONS4 else RC_ALL_AGREE
            answered(world.person, key, answers, author=alice, about=alice)

    url = reverse("measures:person_answers", args=[world.person.pk])
    assert_constant_queries(world.client("alice"), url, add)
    html = world.client("alice").get(url).content.decode()
    assert "Life satisfaction" in html and "Relationship Check" in html


def test_my_feedback_queries_are_constant(world):
    alice = world.user("alice")
    added = []

    def add(n):
        for _ in range(n):
            person = PersonFactory(team=world.team, given_name=f"Asked{len(added)}")
            added.append(person)
            SpellFactory(person=person, worker=alice)
            answered(person, RELATIONSHIP_CHECK, RC_ALL_AGREE, author=alice, about=alice)

    assert_constant_queries(world.client("alice"), reverse("measures:my_feedback"), add)
    html = world.client("alice").get(reverse("measures:my_feedback")).content.decode()
    assert all(person.display_name in html for person in added)


def test_instrument_list_queries_are_constant(world):
    added = []

    def add(n):
        for _ in range(n):
            added.append(f"Made-up scale {len(added)}")
            services.add_instrument(
                by=world.members["dana"],
                name=added[-1],
                notice="© Made-up Holder.",
                permission_confirmed=True,
                questions=["Made-up one", "Made-up two"],
                options=[(0, "No"), (1, "Yes")],
                scoring=SUM,
            )

    assert_constant_queries(world.client("dana"), reverse("measures:instruments"), add)
    html = world.client("dana").get(reverse("measures:instruments")).content.decode()
    assert len(added) == 3 and all(name in html for name in added)
