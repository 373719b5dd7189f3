"""Text messages through a pluggable backend, like Django's email backends.

`ALONGSIDE_SMS_BACKEND` names a class with `send(to, body)`. Built in: the console backend
(the demo: prints the message) and the in-memory backend (tests: appends to `outbox`). A
provider's backend is a small class in a deployment's own package.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "alongside.scheduling.sms.ConsoleBackend"


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


outbox: list[TextMessage] = []


class ConsoleBackend:
    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"Text message to {to}:\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()


class LocmemBackend:
    def send(self, to: str, body: str) -> None:
        outbox.append(TextMessage(to, body))


def send_text(to: str, body: str) -> None:
    backend = import_string(getattr(settings, "ALONGSIDE_SMS_BACKEND", DEFAULT_BACKEND))
    backend().send(to, body)
