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
def test_a_known_token_counts_against_its_own_limit_only(monkeypatch):
    monkeypatch.setattr(links, "RATE_PER_IP", 3)
    monkeypatch.setattr(links, "RATE_PER_TOKEN", 2)
    here = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    there = RequestFactory().get("/", REMOTE_ADDR="192.0.2.2")
    hits = [links.rate_limited(here, "tok-a", scope="t", known=True) for _ in range(3)]
    assert hits == [False, False, True]
    assert links.rate_limited(there, "tok-a", scope="t", known=True)  # over, from anywhere
    assert not links.rate_limited(here, "tok-b", scope="t", known=True)
    assert not links.rate_limited(here, "tok-c", scope="other-scope", known=True)


@pytest.mark.django_db
def test_unknown_tokens_count_against_the_address_and_never_block_a_valid_token(monkeypatch):
    """One café's Wi-Fi: someone there tries 70 bad tokens; every valid link there still works."""
    cafe = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    home = RequestFactory().get("/", REMOTE_ADDR="192.0.2.2")
    refused = [links.rate_limited(cafe, f"bad-{i}", scope="t", known=False) for i in range(70)]
    assert refused == [False] * links.RATE_PER_IP + [True] * (70 - links.RATE_PER_IP)
    assert not links.rate_limited(cafe, "good", scope="t", known=True)
    assert not links.rate_limited(home, "bad-x", scope="t", known=False)


def test_private_response_is_not_cached_indexed_or_logged():
    response = links.private(HttpResponse())
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex"
    assert response._has_been_logged is True


@pytest.mark.postgresql
def test_concurrent_hits_on_two_connections_are_all_counted(committed_db):
    outcomes = race([lambda: links.count_hit("shared", now=T0) for _ in range(4)])
    assert sorted(outcomes) == [1, 2, 3, 4], outcomes  # type: ignore[type-var]
    assert RateCount.objects.get().count == 4


# The client's address behind trusted proxies ---------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.ALONGSIDE_TRUSTED_PROXIES = []
    assert links.client_ip(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # straight from the internet: a header the client wrote is never believed
        ("198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # through our proxy: the address the proxy saw
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
        # spoofed: the client sent "1.2.3.4" itself; the proxy appended the real address
        ("10.0.0.2", "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # two of our proxies (a load balancer, then nginx), walked from the right
        ("127.0.0.1", "1.2.3.4, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        ("::1", "2001:db8::9", "2001:db8::9"),
        # every hop trusted: the leftmost is the client
        ("10.0.0.2", "10.0.0.8", "10.0.0.8"),
        # rubbish in the header where a proxy should have written an address: stop at our proxy
        ("10.0.0.2", "203.0.113.5, not-an-address", "10.0.0.2"),
        # a trusted proxy that sent no header
        ("10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_the_forwarded_header_is_believed_only_from_a_trusted_proxy(
    settings, remote, forwarded, client
):
    settings.ALONGSIDE_TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1", "::1"]
    assert links.client_ip(_request(remote, forwarded)) == client


@pytest.mark.django_db
def test_a_spoofed_forwarded_header_does_not_escape_the_address_limit(settings, monkeypatch):
    settings.ALONGSIDE_TRUSTED_PROXIES = ["10.0.0.2"]
    monkeypatch.setattr(links, "RATE_PER_IP", 3)
    outcomes = [
        links.rate_limited(
            _request("10.0.0.2", f"192.0.2.{i}, 203.0.113.5"), f"b{i}", scope="t", known=False
        )
        for i in range(5)
    ]
    assert outcomes == [False, False, False, True, True]
