"""gunicorn's access log, with the deploy guide's settings, holds no query string, referrer or
one-time link token (issue 18, item 3; decision 0025)."""

import io
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from gunicorn.config import Config

from alongside.ops.gunicorn_logging import AccessLogger, loggable_path

CONF = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"


def access_line(path: str, query: str, *, referer: str = "") -> str:
    """The line gunicorn writes for one request, with our config file's settings."""
    cfg = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    logger = cfg.logger_class(cfg)
    assert isinstance(logger, AccessLogger)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.handlers = [handler]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-Id", "abc123")])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    logger.access(response, request, environ, timedelta(milliseconds=25))
    return stream.getvalue()


def test_no_query_string_or_referrer_reaches_the_access_log():
    line = access_line(
        "/people/", "q=Zebedee", referer="https://alongside.example.org/eligibility/?code=FB-77"
    )
    assert '"GET /people/ HTTP/1.1" 200 512 25ms abc123' in line
    assert "Zebedee" not in line and "FB-77" not in line and "?" not in line


def test_a_one_time_link_token_never_reaches_the_access_log():
    line = access_line("/measures/a/s3cr3t-t0ken/", "")
    assert "s3cr3t-t0ken" not in line and "/measures/a/[token]/" in line


def _token_routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += _token_routes(pattern, namespace)
        elif isinstance(pattern, URLPattern) and "token" in pattern.pattern.converters:
            names.append(f"{prefix}{pattern.name}")
    return names


def test_every_one_time_link_route_is_hidden():
    names = _token_routes(get_resolver())
    assert len(names) >= 3, names  # measures:answer, connections:answer, workers:accept
    for name in names:
        path = reverse(name, args=["s3cr3t-t0ken"])
        assert "s3cr3t-t0ken" not in loggable_path(path), name
