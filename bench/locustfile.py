"""The load of `bench/served.py`: each client asks for one page again and again, as fast as answered.

Run by bench/served.py (one locust process per page), configured by the environment:
BENCH_PATH (the page), BENCH_COOKIE (a signed-in session's cookie, or empty for the sign-in
page), BENCH_TIMES (a file each finished request appends "milliseconds status bytes" to) and
BENCH_TIMEOUT (seconds one request may take). A redirect is not followed: a page that sends the
client to sign in counts as a failure, not as a fast answer.
"""

import os
from typing import Any

from locust import FastHttpUser, constant, events, task

PATH = os.environ.get("BENCH_PATH", "/login/")
COOKIE = os.environ.get("BENCH_COOKIE", "")
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "70"))
TIMES = open(os.environ.get("BENCH_TIMES", os.devnull), "a", buffering=1)  # noqa: SIM115 - all run


@events.request.add_listener
def record(
    response_time: float, response_length: int, response: Any, exception: Any, **_: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0  # 0: no answer (refused, timed out)
    TIMES.write(f"{response_time:.3f} {status} {response_length}\n")


class Client(FastHttpUser):
    wait_time = constant(0)
    network_timeout = TIMEOUT
    connection_timeout = 10.0

    @task
    def page(self) -> None:
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(
            PATH, headers=headers, allow_redirects=False, catch_response=True, name=PATH
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
