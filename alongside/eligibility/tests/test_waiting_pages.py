"""The food bank's waiting vouchers a page at a time by key (decision 0114), on their own partial
index of unredeemed vouchers by (organisation, issued on, id) on both engines."""

import re

from django.db import connection
from django.urls import reverse

from alongside.common.keyset import beyond, ordering_of
from alongside.eligibility.queries import waiting_vouchers
from alongside.eligibility.views import PAGE_SIZE
from alongside.testing.plans import refuse_other_plans

FOODBANK = reverse("eligibility:foodbank")


def next_link(html: str) -> str | None:
    found = re.search(r'<a href="(\?cursor=[^"]*)" rel="next"', html)
    return found.group(1) if found else None


def test_waiting_vouchers_page_oldest_first_and_back(world, make_voucher):
    for i in range(PAGE_SIZE + 3):
        make_voucher(code=f"W{i:03}", days_ago=200 - i)
    make_voucher(person=world.person, code="DONE1")
    client = world.client("amir")
    first = client.get(FOODBANK).content.decode()
    assert "W000" in first and "W049" in first and "W050" not in first
    assert 'aria-label="Pages of waiting vouchers"' in first
    second = client.get(FOODBANK + next_link(first)).content.decode()
    assert "W050" in second and "W052" in second and "W049" not in second
    assert next_link(second) is None and 'rel="prev"' in second
    bad = client.get(FOODBANK, {"cursor": next_link(first)[8:-2]})
    assert bad.status_code == 400


def test_a_page_of_waiting_vouchers_is_a_range_on_their_index(world, make_voucher):
    for i in range(300):
        make_voucher(code=f"P{i:03}", days_ago=i % 90)
    for i in range(300):
        make_voucher(person=world.person, code=f"R{i:03}", days_ago=i % 90)
    rows = waiting_vouchers(world.members["amir"])
    key = [rows[100].issued_on, rows[100].pk]
    query = rows.filter(beyond(ordering_of(rows), key))[: PAGE_SIZE + 1]
    if connection.vendor == "postgresql":
        refuse_other_plans("eligibility_voucher")
        plan = query.explain()
        assert re.search(
            r"Index Scan using voucher_waiting_by_issue on eligibility_voucher[^\n]*\n"
            r"\s+Index Cond: \([^\n]*issued_on >= ",
            plan,
        ), plan
        assert "Sort" not in plan, plan
    else:
        plan = query.explain()
        assert re.search(
            r"SEARCH eligibility_voucher USING INDEX voucher_waiting_by_issue "
            r"\(organisation_id=\? AND issued_on>\?\)",
            plan,
        ), plan
        assert "TEMP B-TREE" not in plan, plan
