"""Query-count guards on every list, and the person panel's reads (and their audit)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.eligibility.models import ReferralPartner
from alongside.testing.factories import PersonFactory
from alongside.testing.helpers import assert_constant_queries, render_person_panel


def test_foodbank_waiting_list_queries_are_constant(world, make_voucher):
    assert_constant_queries(
        world.client("amir"),
        reverse("eligibility:foodbank"),
        lambda n: [make_voucher() for _ in range(n)],
    )


def test_foodbank_recent_list_queries_are_constant(world, make_voucher):
    assert_constant_queries(
        world.client("amir"),
        reverse("eligibility:foodbank"),
        lambda n: [make_voucher(person=PersonFactory(team=world.team)) for _ in range(n)],
    )


def test_partner_list_queries_are_constant(world):
    def add(n):
        for _ in range(n):
            ReferralPartner.objects.create(
                organisation=world.org,
                name=f"Partner {ReferralPartner.objects.count()}",
                kind="school",
            )

    assert_constant_queries(world.client("amir"), reverse("eligibility:partners"), add)


def test_redeem_search_results_queries_are_constant(world, make_voucher):
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk]) + "?q=Robin"
    assert_constant_queries(
        world.client("amir"),
        url,
        lambda n: [PersonFactory(team=world.team, given_name="Robin") for _ in range(n)],
    )


@pytest.mark.parametrize("name", ["amir", "alice"])
def test_person_page_queries_are_constant_with_vouchers(world, make_voucher, name):
    assert_constant_queries(
        world.client(name),
        reverse("people:person", args=[world.person.pk]),
        lambda n: [make_voucher(person=world.person) for _ in range(n)],
    )


def _render_panel(world, name):
    with CaptureQueriesContext(connection) as queries:
        html = render_person_panel("vouchers", world.members[name], world.person)
    return html, [query["sql"] for query in queries.captured_queries]


def test_person_panel_reads_once_and_audits_the_read_for_the_assessor(world, make_voucher):
    html, queries = _render_panel(world, "amir")
    assert len(queries) == 1 and "No vouchers redeemed." in html  # nothing shown, nothing audited
    first = make_voucher(person=world.person, code="PANEL1", parcels=2)
    second = make_voucher(person=world.person, code="PANEL2")
    html, queries = _render_panel(world, "amir")
    assert "PANEL1" in html and "PANEL2" in html and "Foodbank vouchers" in html
    assert len([sql for sql in queries if "eligibility_voucher" in sql]) == 1
    event = AuditEvent.objects.get()
    assert (event.action, event.person_id, event.summary) == (
        "eligibility.voucher.viewed",
        world.person.pk,
        {"ids": sorted([first.pk, second.pk])},
    )


def test_person_panel_is_nothing_and_no_query_for_other_roles(world, make_voucher):
    make_voucher(person=world.person, code="PANEL1")
    for name in ("alice", "cara", "colin", "vic", "sam", "dana", "fern", "olly"):
        html, queries = _render_panel(world, name)
        assert (html.strip(), queries) == ("", []), name
    assert AuditEvent.objects.count() == 0


def test_voucher_page_read_is_audited(world, make_voucher):
    voucher = make_voucher(person=world.person)
    world.client("amir").get(reverse("eligibility:voucher", args=[voucher.pk]))
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.person_id, event.summary) == (
        "eligibility.voucher.viewed",
        world.user("amir"),
        world.person.pk,
        {"ids": [voucher.pk]},
    )
