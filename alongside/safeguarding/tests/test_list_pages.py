"""The safeguarding lead's concerns a page at a time (decision 0128): open ones first, then
those being looked into, then closed, each newest first, read as one keyset run per status on
the (organisation, status, raised_at, id) index, in exactly `concern_list`'s order, with an
opaque cursor; a bad one is a 400, and no one but a lead reads the list."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.audit.models import AuditEvent
from alongside.common.keyset import AFTER, BadCursor, beyond, make_cursor, ordering_of, runs_page
from alongside.safeguarding import queries
from alongside.safeguarding.models import Concern, ConcernStatus
from alongside.safeguarding.tests.conftest import REASON, html
from alongside.safeguarding.views import PAGE_SIZE
from alongside.testing.plans import refuse_other_plans

LIST = reverse("safeguarding:concerns")
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
STATUSES = [ConcernStatus.OPEN, ConcernStatus.BEING_LOOKED_INTO, ConcernStatus.CLOSED]


def links(page: str) -> dict[str, str]:
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'<a href="(\?[^"]*)" rel="(next|prev)"', page)
    }


def add_concerns(world, rows, *, organisation=None):  # type: ignore[no-untyped-def]
    """Concerns stored as they are, (status, minutes after START) each, ties included."""
    organisation = organisation or world.org
    person = world.person if organisation == world.org else world.other_person
    made = [
        Concern(
            organisation=organisation,
            person=person,
            raised_by=world.user("alice"),
            raised_at=START + timedelta(minutes=minutes),
            category="physical",
            what_happened=f"Concern {n}",
            immediate_risk=False,
            status=status,
        )
        for n, (status, minutes) in enumerate(rows)
    ]
    return Concern.objects.for_system(REASON).bulk_create(made)


def walk(membership, size):  # type: ignore[no-untyped-def]
    """Every page forwards from the first, then every page back from the last."""
    pages, cursor = [], None
    while True:
        page = queries.concern_page(membership, cursor, size=size)
        pages.append([concern.pk for concern in page])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    back = [pages[-1]]
    while page.previous_cursor is not None:
        page = queries.concern_page(membership, page.previous_cursor, size=size)
        back.append([concern.pk for concern in page])
    return pages, back[::-1]


def reference(membership):  # type: ignore[no-untyped-def]
    return list(queries.concern_list(membership).values_list("pk", flat=True))


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(st.tuples(st.sampled_from(STATUSES), st.integers(0, 6)), max_size=24),
    size=st.integers(1, 7),
)
def test_pages_by_cursor_are_the_list_in_order_both_ways(world, rows, size):
    """Random statuses and times (many ties): the pages forwards, and back from the last, are
    `concern_list` cut into pages, whatever the page size; another organisation's never show."""
    with transaction.atomic():
        add_concerns(world, rows)
        add_concerns(world, [(ConcernStatus.OPEN, 3)], organisation=world.other_org)
        lead = world.members["sam"]
        expected = reference(lead)
        forwards, backwards = walk(lead, size)
        assert [pk for page in forwards for pk in page] == expected
        assert all(len(page) == size for page in forwards[:-1])
        assert backwards == forwards
        transaction.set_rollback(True)


def test_the_page_links_walk_the_list_and_each_page_is_one_audited_read(world):
    rows = [(ConcernStatus.CLOSED, i) for i in range(PAGE_SIZE)]
    rows += [(ConcernStatus.OPEN, i) for i in range(3)]
    rows += [(ConcernStatus.BEING_LOOKED_INTO, i) for i in range(2)]
    add_concerns(world, rows)
    client = world.client("sam")
    first = html(client.get(LIST))
    assert set(links(first)) == {"next"}
    assert 'aria-label="Pages of concerns"' in first
    assert first.index("Open") < first.index("Being looked into") < first.index("Closed")
    second = client.get(LIST + links(first)["next"])
    assert second.status_code == 200
    assert set(links(html(second))) == {"prev"}
    expected = reference(world.members["sam"])
    reads = AuditEvent.objects.filter(action="safeguarding.concern.viewed").order_by("pk")
    assert [sorted(event.summary["ids"]) for event in reads] == [
        sorted(expected[:PAGE_SIZE]),
        sorted(expected[PAGE_SIZE:]),
    ]
    back = html(client.get(LIST + links(html(second))["prev"]))
    assert set(links(back)) == {"next"}


def test_a_concern_raised_before_the_cursor_does_not_shift_the_next_page(world):
    add_concerns(world, [(ConcernStatus.CLOSED, i) for i in range(10)])
    lead = world.members["sam"]
    first = queries.concern_page(lead, None, size=4)
    expected_next = reference(lead)[4:8]
    add_concerns(world, [(ConcernStatus.OPEN, 100)])  # now first in the list
    assert [c.pk for c in queries.concern_page(lead, first.next_cursor, size=4)] == expected_next


@pytest.mark.parametrize("cursor", ["changed-by-hand", "", "x" * 700])
def test_a_bad_cursor_is_a_400_in_plain_words(world, cursor):
    add_concerns(world, [(ConcernStatus.OPEN, 1)])
    response = world.client("sam").get(LIST, {"cursor": cursor})
    if not cursor:  # an empty cursor is the first page
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert "This link to a page of the list is not valid" in html(response)
    assert not AuditEvent.objects.filter(action="safeguarding.concern.viewed").exists()


def test_a_cursor_from_another_list_or_run_out_of_range_is_refused(world):
    add_concerns(world, [(ConcernStatus.OPEN, i) for i in range(5)])
    lead = world.members["sam"]
    runs = queries.concern_runs(lead)
    other = runs_page(runs, None, size=2, scope="another.list").next_cursor
    with pytest.raises(BadCursor):
        queries.concern_page(lead, other, size=2)
    beyond_runs = make_cursor(f"{queries.CONCERNS_SCOPE}:runs", AFTER, [3, START, 1])
    with pytest.raises(BadCursor):
        queries.concern_page(lead, beyond_runs, size=2)


@pytest.mark.parametrize("name", ["alice", "colin", "vic", "amir", "dana", "fern", "olly"])
def test_no_one_but_a_lead_reads_the_list_even_with_a_cursor(world, name):
    add_concerns(world, [(ConcernStatus.OPEN, i) for i in range(5)])
    cursor = queries.concern_page(world.members["sam"], None, size=2).next_cursor
    for asked in (LIST, f"{LIST}?cursor={cursor}"):
        response = world.client(name).get(asked)
        assert response.status_code in (403, 404)
        assert "Concern " not in html(response)
    assert list(queries.concern_page(world.members[name], None, size=2)) == []
    assert list(queries.concern_page(world.members[name], cursor, size=2)) == []


def test_a_page_of_each_status_is_a_range_on_the_concern_index(world):
    rows = [(STATUSES[i % 3], i % 40) for i in range(600)]
    add_concerns(world, rows)
    add_concerns(world, rows, organisation=world.other_org)
    for run in queries.concern_runs(world.members["sam"]):
        row = run[100]
        query = run.filter(beyond(ordering_of(run), [row.raised_at, row.pk]))[: PAGE_SIZE + 1]
        if connection.vendor == "postgresql":
            # A few dozen rows are cheaper to sort than to read in order; with sorting (and
            # every other fallback) refused the plan shows the index gives the order on its own.
            refuse_other_plans("safeguarding_concern")
            plan = query.explain()
            assert re.search(
                r"Index Scan Backward using concern_org_status_raised on safeguarding_concern"
                r"[^\n]*\n\s+Index Cond: \([^\n]*raised_at <= ",
                plan,
            ), plan
            assert "Sort" not in plan, plan
        else:
            plan = query.explain()
            assert re.search(
                r"SEARCH safeguarding_concern USING INDEX concern_org_status_raised "
                r"\(organisation_id=\? AND status=\? AND raised_at<\?\)",
                plan,
            ), plan
            assert "TEMP B-TREE" not in plan, plan


def test_every_status_has_its_place_in_the_order():
    assert set(queries.STATUS_ORDER) == set(ConcernStatus)
