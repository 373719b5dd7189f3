"""The database-backed rate limit for public one-time links, and the links' private responses."""

import hashlib

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from alongside.common import links
from alongside.common.models import RateCount
from alongside.testing.helpers import race

T0 = 1_800_000_000.0  # a fixed moment, at the start of a window
W = links.RATE_WINDOW_SECONDS


@pytest.mark.django_db
def test_hits_count_up_within_a_window_and_start_again_in_the_next():
    assert [links.count_hit("k", now=T0 + s) for s in (0, 1, W - 1)] == [1, 2, 3]
    assert links.count_hit("k", now=T0 + W) == 1
    assert links.count_hit("other", now=T0 + W) == 1


@pytest.mark.django_db
def test_old_windows_are_deleted_and_keys_are_stored_only_as_digests():
    links.count_hit("ip:192.0.2.7", now=T0)
    links.count_hit("ip:192.0.2.7", now=T0 + W)
    assert RateCount.objects.count() == 2  # the previous window is kept while it may still count
    links.count_hit("ip:192.0.2.7", now=T0 + 3 * W)
    assert RateCount.objects.count() == 1
    stored = RateCount.objects.get()
    assert stored.key == hashlib.sha256(b"ip:192.0.2.7").hexdigest()
    assert "192.0.2.7" not in stored.key


@pytest.mark.django_db
def test_rate_limited_per_address_and_per_token(monkeypatch):
    monkeypatch.setattr(links, "RATE_PER_IP", 3)
    monkeypatch.setattr(links, "RATE_PER_TOKEN", 2)
    factory = RequestFactory()
    here = factory.get("/", REMOTE_ADDR="192.0.2.1")
    there = factory.get("/", REMOTE_ADDR="192.0.2.2")
    assert [links.rate_limited(here, "tok-a", scope="t") for _ in range(3)] == [False, False, True]
    assert links.rate_limited(there, "tok-a", scope="t")  # the token is over, from anywhere
    assert not links.rate_limited(there, "tok-b", scope="t")
    assert links.rate_limited(here, "tok-c", scope="t")  # this address is over (4th request)
    assert not links.rate_limited(here, "tok-c", scope="other-scope")


def test_private_response_is_not_cached_indexed_or_logged():
    response = links.private(HttpResponse())
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert response._has_been_logged is True


@pytest.mark.postgresql
def test_concurrent_hits_on_two_connections_are_all_counted(committed_db):
    outcomes = race([lambda: links.count_hit("shared", now=T0) for _ in range(4)])
    assert sorted(outcomes) == [1, 2, 3, 4], outcomes  # type: ignore[type-var]
    assert RateCount.objects.get().count == 4
