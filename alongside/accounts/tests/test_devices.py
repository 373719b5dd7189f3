"""The session list's short names for browsers and its approximate addresses (pure)."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.accounts.devices import approximate_address, device_summary


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36", "Chrome on macOS"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iPad"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
        ("curl/8.5.0", "A browser"),
        ("", "A browser"),
    ],
)  # fmt: skip
def test_a_browser_is_named_by_what_it_says_it_is(agent, summary):
    assert device_summary(agent) == summary


@pytest.mark.parametrize(
    ("address", "approximate"),
    [
        ("203.0.113.77", "203.0.113.x"),
        ("::ffff:198.51.100.9", "198.51.100.x"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48"),
        ("unknown", ""),
        ("", ""),
    ],
)
def test_only_the_network_of_an_address_is_kept(address, approximate):
    assert approximate_address(address) == approximate


@given(st.ip_addresses())
def test_no_address_is_kept_whole(address):
    """IPv4: the last octet goes; IPv6: everything past the /48 network goes."""
    kept = approximate_address(str(address))
    mapped = getattr(address, "ipv4_mapped", None)
    v4 = mapped or (address if address.version == 4 else None)
    if v4 is not None:
        assert kept == ".".join(str(v4).split(".")[:3]) + ".x"
    else:
        network = ipaddress.ip_network(kept)
        assert network.prefixlen == 48 and address in network


@given(st.text(max_size=500))
def test_any_header_gives_a_short_name(agent):
    assert 0 < len(device_summary(agent)) <= 100
