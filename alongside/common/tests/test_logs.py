"""Issue 18, item 5: logs a security team can use. JSON lines through the handler the settings
configure, each with time, level, logger, message, request id, user id and client address;
refusals, not-found and rate-limited answers are warnings; no query string, SQL parameter or
name is ever written."""

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from alongside.common import links
from alongside.common.logs import JsonLinesFormatter

Lines = Callable[[], list[dict[str, object]]]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """What the configured console handler writes (settings.LOGGING), parsed line by line."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonLinesFormatter)
    )
    assert not logging.getLogger("django").handlers, "Django's records reach the root's handler"
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]


def warnings_in(lines: list[dict[str, object]]) -> list[dict[str, object]]:
    return [line for line in lines if line["level"] == "WARNING"]


def test_a_log_line_has_time_level_logger_request_id_user_id_and_address(world, log_lines):
    client = world.client("alice")
    response = client.get(reverse("people:person", args=[world.other_person.pk]))
    assert response.status_code == 404
    (line,) = warnings_in(log_lines())
    assert line["logger"] == "alongside.security"
    assert line["message"] == f"not found (404): GET /people/{world.other_person.pk}/"
    assert line["request_id"] == response["X-Request-Id"]
    assert line["user_id"] == world.user("alice").pk
    assert line["source_address"] == "127.0.0.1"
    when = datetime.fromisoformat(str(line["time"]))
    assert when.utcoffset() == timedelta(0), "UTC"
    assert set(line) == {
        "time", "level", "logger", "message", "request_id", "user_id", "source_address",
    }  # fmt: skip


def test_refused_not_found_and_rate_limited_answers_are_warnings_without_query_strings(
    world, log_lines, monkeypatch
):
    alice = world.user("alice")
    # Not found: another organisation's person, asked for with a name in the query string.
    client = world.client("alice")
    found = client.get(reverse("people:person", args=[world.other_person.pk]), {"q": "Quinn"})
    # Refused: a form sent without its CSRF token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    refused = strict.post(reverse("people:person_create") + "?q=Quinn", {"given_name": "Zed"})
    # Rate limited: a one-time link guessed too often (its path, the token, is never logged).
    monkeypatch.setattr(links, "RATE_PER_IP", 1)
    anonymous = Client(REMOTE_ADDR="198.51.100.4")
    guesses = [anonymous.get(reverse("measures:answer", args=[f"guess{i}"])) for i in range(2)]
    assert [found.status_code, refused.status_code, *[g.status_code for g in guesses]] == [
        404, 403, 404, 429,
    ]  # fmt: skip
    lines = log_lines()
    text = json.dumps(lines)
    assert "Quinn" not in text and "guess" not in text and "?" not in text
    by_request = {line["request_id"]: line for line in warnings_in(lines)}
    assert by_request[found["X-Request-Id"]]["user_id"] == alice.pk
    assert by_request[refused["X-Request-Id"]]["user_id"] == alice.pk
    assert by_request[refused["X-Request-Id"]]["message"].startswith("Forbidden (CSRF")
    busy = by_request[guesses[1]["X-Request-Id"]]
    assert busy["message"] == "rate limited (429): GET (a one-time link: its path is not logged)"
    assert (busy["logger"], busy["user_id"], busy["source_address"]) == (
        "alongside.security", None, "198.51.100.4",
    )  # fmt: skip
    unknown = by_request[guesses[0]["X-Request-Id"]]
    assert unknown["message"] == "not found (404): GET (a one-time link: its path is not logged)"


def test_a_rate_limited_sign_in_is_a_warning(world, log_lines, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    client = Client()
    answers = [
        client.post(reverse("access:login"), {"login": "alice", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    assert 429 in answers, answers
    (line,) = [li for li in warnings_in(log_lines()) if "(429)" in str(li["message"])][:1]
    assert line["message"] == "rate limited (429): POST /login/"
    assert line["source_address"] == "127.0.0.1" and line["request_id"]


def test_request_lines_and_sql_parameters_are_not_logged(log_lines):
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET /eligibility/?code=FB-1234&q=Sam HTTP/1.1", 200, 512
    )
    database = logging.getLogger("django.db.backends")
    level = database.level
    database.setLevel(logging.DEBUG)
    try:
        database.debug(
            "(%.3f) %s; args=%s; alias=%s",
            0.001,
            'SELECT 1 FROM "people_person" WHERE "given_name" = %s',
            ("Sam",),
            "default",
            extra={"duration": 0.001, "sql": "...", "params": ("Sam",), "alias": "default"},
        )
    finally:
        database.setLevel(level)
    server, sql = log_lines()
    assert server["message"] == '"GET /eligibility/ HTTP/1.1" 200 512'
    assert sql["message"].endswith("args=[not logged]; alias=default")
    assert "Sam" not in json.dumps([server, sql]) and "FB-1234" not in server["message"]


def test_a_forged_line_in_a_path_stays_inside_one_json_line(world, log_lines):
    """Log injection: a newline sent in the path cannot start a second, forged line."""
    forged = '/no-such-page/\n{"level": "INFO", "message": "all is well"}'
    response = world.client("alice").get(forged)
    assert response.status_code == 404
    lines = log_lines()
    assert [line["level"] for line in lines] == ["WARNING"], lines
    assert "all is well" in str(lines[0]["message"])  # inside the message, escaped
