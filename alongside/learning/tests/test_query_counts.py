"""Query-count guards on the learning list pages: the same count with 1 row as with 3."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.learning.tests.helpers import need, people, spend
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.helpers import assert_constant_queries

# Needs and spends are dated today.
pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def test_person_needs_queries_are_constant(world):
    def add(n):
        for _ in range(n):
            need(world, world.person, opened=timezone.localdate() - timedelta(days=3))

    url = reverse("learning:person_needs", args=[world.person.pk])
    assert_constant_queries(world.client("alice"), url, add)
    assert world.client("alice").get(url).content.decode().count("Help with the rent arrears") == 3


def test_own_spends_queries_are_constant(world):
    added = []

    def add(n):
        for person in people(world, n):
            added.append(spend(world, person))

    assert_constant_queries(world.client("alice"), reverse("learning:spends"), add)
    html = world.client("alice").get(reverse("learning:spends")).content.decode()
    assert all(reverse("learning:spend", args=[s.pk]) in html for s in added)


def test_spends_waiting_for_a_decision_queries_are_constant(world):
    added = []

    def add(n):
        for person in people(world, n):
            # Over the limit: it waits for the coordinator.
            added.append(spend(world, person, "500.00"))

    assert_constant_queries(world.client("colin"), reverse("learning:spends"), add)
    html = world.client("colin").get(reverse("learning:spends")).content.decode()
    assert "Waiting for your decision" in html
    assert all(reverse("learning:spend", args=[s.pk]) in html for s in added)
