"""Reading an ORUK source into a list of services (JSON values), before any check: a JSON file,
a folder of HSDS CSV tables, or an ORUK API's `/services` address followed page by page.

No Django and no database: `directory.services.import_source` calls `read_source` and then
checks and writes. Fetching uses the standard library; tests give an `opener` (or a local
HTTP server), never the internet.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

from alongside.directory.oruk import (
    MAX_PAGES,
    MAX_SERVICES,
    TABLES,
    SourceError,
    last_page,
    services_from_csv,
    services_from_json,
)

# How many services to ask for in one page, how long to wait for one, and the most bytes read.
PER_PAGE = 100
TIMEOUT_SECONDS = 30
MAX_BYTES = 50 * 1024 * 1024

# (url) -> the response body. The default fetches over HTTP(S).
Opener = Callable[[str], bytes]


def fetch(url: str) -> bytes:
    """The body at an http(s) address (no other scheme: never `file:`)."""
    if not is_url(url):
        raise SourceError(f"{url}: only http and https addresses are read")
    return _read(url, urlopen)


def public_fetch(url: str) -> bytes:
    """As `fetch`, but only from a public address, redirects included. A feed's address is typed
    into a web page, so it must not make the server read itself or its own network (server-side
    request forgery, ASVS 1.3.6): loopback, private, link-local, shared and reserved addresses
    are refused. (A name that resolves differently between this check and the connection is not
    caught; a deployment that needs that closes outbound traffic to its own network too.)"""
    if not is_url(url):
        raise SourceError(f"{url}: only http and https addresses are read")
    check_public(url)
    return _read(url, build_opener(_PublicRedirects).open)


def check_public(url: str) -> None:
    """SourceError unless every address the URL's host resolves to is a public one."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise SourceError(f"{url}: has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as error:
        raise SourceError(f"{url}: the host could not be found ({error})") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            raise SourceError(
                f"{url}: {address} is an address inside a private network; only public "
                "addresses are read"
            )


class _PublicRedirects(HTTPRedirectHandler):
    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ):
        if not is_url(newurl):
            raise SourceError(f"{newurl}: only http and https addresses are read")
        check_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read(url: str, open_url: Callable[..., Any]) -> bytes:
    headers = {"Accept": "application/json", "User-Agent": "Alongside"}
    request = Request(url, headers=headers)  # noqa: S310 - http(s) only, checked by the callers
    with open_url(request, timeout=TIMEOUT_SECONDS) as response:
        body: bytes = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise SourceError(f"{url}: the answer is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return body


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def read_source(source: str, opener: Opener | None = None) -> list[Any]:
    """The services in `source` (a path or an http(s) URL), or SourceError saying why not."""
    if is_url(source):
        return read_pages(source, opener or fetch)
    if "://" in source:
        raise SourceError(f"{source}: only http and https addresses are read")
    path = Path(source)
    if path.is_dir():
        return services_from_csv(read_tables(path))
    return services_from_json(_json(path.read_bytes() if path.is_file() else None, source))


def _json(body: bytes | None, where: str) -> object:
    if body is None:
        raise SourceError(f"{where}: no such file or folder")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SourceError(f"{where}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise SourceError(
            f"{where}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None


def page_url(url: str, number: int) -> str:
    """`url` asking for page `number` of `PER_PAGE` (other query parameters kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("page", "per_page")]
    query += [("page", str(number)), ("per_page", str(PER_PAGE))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def read_pages(url: str, opener: Opener) -> list[Any]:
    """Every service of an ORUK API's `/services`, following its pages to the last."""
    services: list[Any] = []
    for number in range(1, MAX_PAGES + 1):
        where = page_url(url, number)
        try:
            body = opener(where)
        except SourceError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure to fetch is said, not raised
            raise SourceError(f"{where}: could not be fetched ({error})") from None
        data = _json(body, where)
        services.extend(services_from_json(data))
        if len(services) > MAX_SERVICES:
            raise SourceError(f"{url}: more than {MAX_SERVICES} services")
        if not isinstance(data, dict) or "contents" not in data or last_page(data, number):
            return services
    raise SourceError(f"{url}: more than {MAX_PAGES} pages")


def read_tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    """The HSDS CSV tables found in `folder`, by table name."""
    tables: dict[str, list[dict[str, str]]] = {}
    for table, names in TABLES.items():
        for name in names:
            path = folder / name
            if path.is_file():
                try:
                    with path.open(encoding="utf-8-sig", newline="") as handle:
                        tables[table] = list(csv.DictReader(handle))
                except UnicodeDecodeError:
                    raise SourceError(f"{path}: not UTF-8 text") from None
                except csv.Error as error:
                    raise SourceError(f"{path}: not a CSV table ({error})") from None
                break
    return tables
