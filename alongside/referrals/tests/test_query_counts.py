"""Every list of referrals costs the same number of queries for one row or three: the referrals
in, the partners, and the person page's panel and timeline."""

import re

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


def _refer(world, person):
    referral, _token = services.refer(
        person,
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
    return referral


@pytest.mark.django_db
def test_the_person_pages_referrals_are_those_the_viewer_sees_asked_of_that_person(world):
    """Issue 17: `referrals_out_for_person` asks whether the viewer sees the one person, not
    `person_id IN (every person they see)` (0.9 s of the page on 100,000 people, SQLite). The
    same referrals as the organisation-wide read filtered to the person, for every role, for a
    person the volunteer works with and one they do not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alongside.referrals.queries import referrals_out_for_person, referrals_out_visible_to
    from alongside.testing.factories import ContactFactory, PersonFactory

    stranger = PersonFactory(organisation=world.org, team=world.person.team)
    ContactFactory(person=world.person, worker=world.user("vic"))
    made = [_refer(world, person) for person in (world.person, world.person, stranger)]
    seen_by_someone = set()
    for name, membership in world.members.items():
        for person in (world.person, stranger):
            expected = list(
                referrals_out_visible_to(membership)
                .filter(person=person)
                .order_by("-referred_at", "-id")
            )
            with CaptureQueriesContext(connection) as context:
                found = referrals_out_for_person(membership, person)
            assert found == expected, (name, person)
            seen_by_someone |= {referral.pk for referral in found}
            if not context.captured_queries:
                continue
            sql = context.captured_queries[0]["sql"]
            # The subquery of people the viewer sees is limited to the referral's person's key.
            limited = re.search(
                r'"?([A-Z]\d)"?\."id" = \("referrals_referralout"\."person_id"\)', sql
            )
            assert limited, sql
            alias = limited.group(1)
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = "\n".join(str(row[3]) for row in cursor.fetchall())
                # The person is looked up by key; no list of everyone is built or scanned.
                assert f"SEARCH {alias} USING INTEGER PRIMARY KEY" in plan, plan
                assert f"SCAN {alias}" not in plan, plan
    # The volunteer sees Pat's referrals (they met) and not the stranger's; a supporter sees all.
    assert seen_by_someone == {referral.pk for referral in made}
    vic = world.members["vic"]
    assert len(referrals_out_for_person(vic, world.person)) == 2
    assert referrals_out_for_person(vic, stranger) == []
    assert referrals_out_for_person(world.members["fern"], world.person) == []
