"""Logs a security team can use: one JSON object per line (issue 18, item 5; decision 0024).

`JsonLinesFormatter` (on python-json-logger) writes, for every record: `time` (UTC, ISO 8601),
`level`, `logger`, `message`, `request_id`, `user_id` (a number, or null) and `source_address`
(the client's, behind our trusted proxies), read from the request's context
(`common/request_context.py`), plus `exc_info` when there is one. Nothing else: attributes a
library adds to a record (Django's `request`, the SQL parameters of `django.db.backends`) are
left out, because they can hold a query string, a name or someone's words.

`PrivacyFilter`, on the same handler, takes query strings out of request lines
(`django.server`, the development server's access log) and SQL parameters out of
`django.db.backends` debug lines, so the message itself says no more than a path.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from alongside.common.request_context import current_facts, current_request_id

QUERY_STRING = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    """`GET /people/?q=Sam HTTP/1.1` -> `GET /people/ HTTP/1.1`."""
    return QUERY_STRING.sub("", text)


class JsonLinesFormatter(JsonFormatter):
    """One JSON object per line with the fixed fields above, and nothing a record's `extra` adds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self,
        log_data: dict[str, Any],
        record: logging.LogRecord,
        message_dict: dict[str, Any],
    ) -> None:
        facts = current_facts()
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.getMessage()
        log_data["request_id"] = current_request_id() or None
        log_data["user_id"] = facts.user_id
        log_data["source_address"] = facts.client_address or None
        for key in ("exc_info", "stack_info"):
            if message_dict.get(key):
                log_data[key] = message_dict[key]


class PrivacyFilter(logging.Filter):
    """Rewrite records before any handler formats them: no query strings in request lines, no SQL
    parameters, and no template context (Django's debug line for a missing template variable
    carries the whole context, names and all, in its exception). Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.server":
            record.msg = without_query(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(
                    without_query(arg) if isinstance(arg, str) else arg for arg in record.args
                )
        elif record.name == "django.db.backends" and _is_query_line(record.args):
            duration, sql, _params, alias = record.args  # type: ignore[misc]
            record.args = (duration, sql, "[not logged]", alias)
        elif record.name == "django.template":
            record.exc_info = None  # the variable and template names stay in the message
            record.exc_text = None
        return True


def _is_query_line(args: object) -> bool:
    """Django's query debug line: `(duration, sql, params, alias)`."""
    return isinstance(args, tuple) and len(args) == 4
