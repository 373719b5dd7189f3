"""Every list of referrals costs the same number of queries for one row or three: the referrals
in, the partners, and the person page's panel and timeline."""

import pytest
from django.urls import reverse

from alongside.referrals import services
from alongside.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)


@pytest.mark.django_db
def test_referrals_in_and_partners_cost_the_same_for_one_or_three(world):
    colin = world.members["colin"]
    partner, _key = services.add_partner(world.org, by=colin, name="Surgery", email="")
    made = []

    def add_in(n):
        for _ in range(n):
            made.append(
                services.receive(
                    partner, given_name=f"R{len(made)}", phone="1", need="money", agreed=True
                )
            )

    assert_constant_queries(world.client("colin"), reverse("referrals:incoming"), add_in)

    def add_partners(n):
        for _ in range(n):
            made.append(services.add_partner(world.org, by=colin, name=f"P{len(made)}", email=""))

    assert_constant_queries(world.client("colin"), reverse("referrals:partners"), add_partners)


@pytest.mark.django_db
def test_the_person_page_costs_the_same_for_one_referral_or_three(world):
    def add(n):
        for _ in range(n):
            referral, _token = services.refer(
                world.person,
                by=world.members["alice"],
                service=None,
                service_name="Advice",
                service_email="",
                need="money",
                share_contact=True,
                share_note=False,
                note="",
                consent_given=True,
            )
            services.answer(referral, status="seen", reason="")

    url = reverse("people:person", args=[world.person.pk])
    assert_constant_queries(world.client("alice"), url, add)


@pytest.mark.django_db
def test_visible_referrals_ask_for_their_person_by_exists_not_a_list_of_everyone(world):
    """Issue 17: `person_id IN (SELECT … everyone the worker sees)` made SQLite build a list of
    the whole organisation for a supporter's few overdue referrals (0.2 s on 100,000 people)."""
    from django.utils import timezone

    from alongside.referrals.queries import overdue_out, referrals_out_visible_to

    for query in (
        referrals_out_visible_to(world.members["alice"]),
        overdue_out(world.members["alice"], today=timezone.localdate()),
        overdue_out(world.members["colin"], today=timezone.localdate()),
    ):
        sql = str(query.query)
        assert "EXISTS(SELECT" in sql, sql
        assert '"person_id" IN (SELECT' not in sql, sql
