"""Test helpers shared by the apps' tests."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def assert_constant_queries(client: Client, url: str, add_rows: Callable[[int], None]) -> int:
    """The page's query count with 1 row equals the count with 3 rows. `add_rows(n)` adds n rows.

    The caller sets up zero rows; this adds one, measures, adds two more and measures again.
    Returns the count, so a test can also pin it.
    """
    client.get(url)  # warm the session and any per-process caches
    add_rows(1)
    one = count_queries(client, url)
    add_rows(2)
    three = count_queries(client, url)
    assert one == three, f"{url}: {one} queries with 1 row, {three} with 3 rows"
    return one
