"""Query-count, concurrency, rate-limit, person-panel and admin sign-in helpers shared by the
apps' tests."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.accounts.services import add_authenticator_app
from alongside.common.models import RateCount
from alongside.people.panels import person_panels
from alongside.testing.totp import TEST_TOTP_SECRET, totp_code


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


def render_person_panel(name: str, membership: Any, person: Any) -> str:
    """Draw one registered person-page panel for `membership`, as the person page does: its
    context function runs (with any audited read it makes), then its template."""
    panel = next(panel for panel in person_panels() if panel.name == name)
    assert panel.context is not None, f"the {name} panel draws with the page's context"
    return render_to_string(panel.template, dict(panel.context(membership, person)))


def admin_client(user: AbstractBaseUser, password: str = "pw-for-tests") -> Client:  # noqa: S107
    """A client signed in as staff `user` the only way the admin opens (decision 0026): the
    password at /login/, then a code from the authenticator app it is given here."""
    add_authenticator_app(user, TEST_TOTP_SECRET)
    client = Client()
    client.post(reverse("access:login"), {"login": user.get_username(), "password": password})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert client.get(reverse("admin:index")).status_code == 200, "the admin did not open"
    return client
