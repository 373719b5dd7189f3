"""The Workers list by name a page at a time (decision 0128): the pages by cursor are
`workers_for` in its order (ties of name included), the filters stay with the cursor, a bad or
another list's cursor is a 400, and only a manager reads the list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.access.models import Role
from alongside.common.keyset import AFTER, make_cursor
from alongside.people.queries import PEOPLE_SCOPE
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.workers.queries import workers_for
from alongside.workers.views import PAGE_SIZE

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

LIST = reverse("workers:list")


def links(page: str) -> dict[str, str]:
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'<a href="(\?[^"]*)" rel="(next|prev)"', page)
    }


def add_workers(world, names, role=Role.SUPPORTER):  # type: ignore[no-untyped-def]
    for n, (first, last) in enumerate(names):
        MembershipFactory(
            organisation=world.org,
            user=UserFactory(username=f"w{n}-{first}-{last}", first_name=first, last_name=last),
            role=role,
            team=world.team,
        )


def walk(client, asked):  # type: ignore[no-untyped-def]
    """The membership ids of every page forwards, then of every page back from the last."""
    pages, url = [], asked
    while True:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([m.pk for m, _ in response.context["rows"]])
        found = links(response.content.decode())
        if "next" not in found:
            break
        url = LIST + found["next"]
    back = [pages[-1]]
    while "prev" in found:
        response = client.get(LIST + found["prev"])
        back.append([m.pk for m, _ in response.context["rows"]])
        found = links(response.content.decode())
    return pages, back[::-1]


def test_pages_by_cursor_are_the_list_in_order_with_ties_of_name(world):
    # 60 workers sharing three first names and two last names: ties broken by id alone.
    add_workers(world, [(["Ann", "Bo", "ann"][n % 3], ["Lee", "Ng"][n % 2]) for n in range(60)])
    client = world.client("dana")
    expected = list(workers_for(world.members["dana"]).values_list("pk", flat=True))
    assert len(expected) == 60 + 8
    forwards, backwards = walk(client, LIST)
    assert [pk for page in forwards for pk in page] == expected
    assert [len(page) for page in forwards] == [PAGE_SIZE, PAGE_SIZE, 68 - 2 * PAGE_SIZE]
    assert backwards == forwards


def test_the_filters_stay_with_the_cursor(world):
    add_workers(world, [("Robin", f"Filter{n:02}") for n in range(PAGE_SIZE + 4)])
    add_workers(world, [("Robin", f"Coordinator{n:02}") for n in range(3)], role=Role.COORDINATOR)
    client = world.client("dana")
    first = client.get(LIST, {"q": "robin", "role": "supporter"}).content.decode()
    assert f"{PAGE_SIZE + 4} workers" in first
    assert links(first)["next"].startswith("?q=robin&role=supporter&cursor=")
    forwards, _ = walk(client, f"{LIST}?q=robin&role=supporter")
    expected = workers_for(world.members["dana"], text="robin", role=Role.SUPPORTER)
    assert [pk for page in forwards for pk in page] == [m.pk for m in expected]


def test_a_page_is_read_by_key_not_by_offset(world):
    add_workers(world, [("Sky", f"Key{n:02}") for n in range(PAGE_SIZE * 2)])
    client = world.client("dana")
    cursor = client.get(LIST).context["page"].next_cursor
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"cursor": cursor}).status_code == 200
    page_reads = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"]]
    page_read = next(sql for sql in page_reads if f"LIMIT {PAGE_SIZE + 1}" in sql)
    assert "OFFSET" not in page_read
    assert re.search(r'"auth_user"\."first_name" >= ', page_read), page_read


def test_a_worker_added_before_the_cursor_does_not_shift_the_next_page(world):
    add_workers(world, [("Zed", f"Later{n:02}") for n in range(PAGE_SIZE * 2)])
    client = world.client("dana")
    first = client.get(LIST)
    expected = [m.pk for m in workers_for(world.members["dana"])][PAGE_SIZE : 2 * PAGE_SIZE]
    add_workers(world, [("Aaron", "Early")])
    second = client.get(LIST, {"cursor": first.context["page"].next_cursor})
    assert [m.pk for m, _ in second.context["rows"]] == expected


def test_a_bad_or_borrowed_cursor_is_a_400_in_plain_words(world):
    add_workers(world, [("Ann", f"Bad{n:02}") for n in range(PAGE_SIZE + 1)])
    client = world.client("dana")
    # the same shape of key as this list's, made for the people list: refused by its scope
    borrowed = make_cursor(PEOPLE_SCOPE, AFTER, ["Ann", "Bad00", world.members["dana"].pk])
    for cursor in ("changed-by-hand", "x" * 700, borrowed):
        response = client.get(LIST, {"cursor": cursor})
        assert response.status_code == 400
        assert "This link to a page of the list is not valid" in response.content.decode()


@pytest.mark.parametrize("name", ["alice", "vic", "amir", "sam", "fern", "olly"])
def test_only_a_manager_reads_the_list_even_with_a_cursor(world, name):
    add_workers(world, [("Ann", f"Role{n:02}") for n in range(PAGE_SIZE + 1)])
    cursor = world.client("dana").get(LIST).context["page"].next_cursor
    for asked in ({}, {"cursor": cursor}):
        response = world.client(name).get(LIST, asked)
        assert response.status_code in (403, 404)
        assert "Role00" not in response.content.decode()
