"""Query-count, concurrency and rate-limit helpers shared by the apps' tests."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alongside.common.models import RateCount


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


def race(attempts: list[Callable[[], object]]) -> list[object]:
    """Run the callables at the same moment, each on its own thread and database connection.

    Returns each one's result, or the exception it raised. For concurrency tests on PostgreSQL
    (with the `committed_db` fixture, since the threads must see committed rows).
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(attempts))
    outcomes: list[object] = [None] * len(attempts)

    def run(i: int, attempt: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[i] = attempt()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def reset_rate_limits() -> None:
    """Forget every counted request to the public links, so a test's own many requests are not
    refused as if they came from someone guessing tokens."""

    RateCount.objects.all().delete()
