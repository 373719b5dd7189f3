"""What a session list shows of a browser: a short name for it and an approximate address.

Pure (no Django): `device_summary` reads a User-Agent header ("Firefox on Windows"); the header
is the browser's own claim, shown to help a person recognise their devices, never trusted.
`approximate_address` keeps the network, never the full address (IPv4 /24, IPv6 /48), so the
session list stores and shows no more than is needed to tell "the office" from "somewhere else".
"""

import ipaddress

# First match wins: Edge and Opera say "Chrome" too, Chrome says "Safari", so they come first.
BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)
UNKNOWN_BROWSER = "A browser"
LONGEST = 100


def device_summary(user_agent: str) -> str:
    """ "Firefox on Windows", "Safari on iPhone", or "A browser" when the header says nothing we
    know."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"[:LONGEST]
    if browser or system:
        return (browser or f"{UNKNOWN_BROWSER} on {system}")[:LONGEST]
    return UNKNOWN_BROWSER


def approximate_address(address: str) -> str:
    """ "203.0.113.x" for an IPv4 address, "2001:db8:85a3::/48" for IPv6, "" for anything else."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    if isinstance(parsed, ipaddress.IPv4Address):
        return ".".join(str(parsed).split(".")[:3]) + ".x"
    network = ipaddress.ip_network(f"{parsed}/48", strict=False)
    return str(network)
