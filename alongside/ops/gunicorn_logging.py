"""gunicorn's access log without personal data (issue 18, item 3; decision 0025).

`config/gunicorn.conf.py` names `AccessLogger` and a format of method, path, status, size, time
and request id. Whatever the format, the atoms it may use say no more than that: no query string
(a name searched for, a voucher code), no referrer (the previous page's query string), and a
one-time link's path with its token replaced, since the token still opens the link.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

# Paths whose last part is a one-time link's token (measures:answer, connections:answer, referrals:answer,
# workers:accept). `ops/tests/test_gunicorn_logging.py` checks every `<token>` URL is here.
ONE_TIME_LINK = re.compile(r"^(/(?:measures/a|connections/i|workers/welcome|referrals/r)/)[^/]+")
HIDDEN = "[token]"


def loggable_path(path: str) -> str:
    """The path as the access log may show it: a one-time link's token replaced."""
    return ONE_TIME_LINK.sub(rf"\g<1>{HIDDEN}", path)


class AccessLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's logger, with the access log's atoms cleaned before any format reads them."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = loggable_path(str(environ.get("PATH_INFO") or ""))
        method, protocol = environ.get("REQUEST_METHOD", "-"), environ.get("SERVER_PROTOCOL", "-")
        atoms.update({"U": path, "r": f"{method} {path} {protocol}", "q": "", "f": "-"})
        for key in list(atoms):
            if key in ("{referer}i", "{query_string}e", "{raw_uri}e", "{request_uri}e"):
                atoms[key] = "-"
            elif key in ("{path_info}e", "{script_name}e"):
                atoms[key] = loggable_path(str(atoms[key]))
        return atoms
