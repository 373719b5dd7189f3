"""No input to any page gives a server error, and a refused one writes nothing (issue 11, part 5).

Every URL in the project (the access matrix's list, so a new page is fuzzed as soon as it is in the
matrix) is sent, by a persona allowed to use it, generated values for every field its forms name:
dates in year 1 and 9999, "²" and other digits, huge numbers, a 5,000-character string, NUL,
text. GET pages get them as the query, POST pages as the form. No answer may be a 5xx, and an
answer of 4xx must add no audit event but reads (every write is audited, so nothing was written).

Deterministic and bounded (`derandomize=True`, a few examples, each one request per URL), so it
costs well under a minute in each `make test` run (SQLite and PostgreSQL).
"""

import re

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from alongside.access.tests.samples import Samples
from alongside.access.tests.test_matrix import MATRIX, url_patterns
from alongside.audit.models import AuditEvent
from alongside.common.once import FIELD
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

NAMES = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
# Query names some pages read without a form on the page itself.
QUERY_NAMES = ("start", "end", "q", "code", "page", "from", "team", "week", "period")
SKIPPED_NAMES = {"csrfmiddlewaretoken", FIELD}

ODD_VALUES = [
    "",
    "0",
    "-1",
    "²",
    "٣",
    "1²",
    "9" * 25,
    "9223372036854775808",
    "0001-01-01",
    "9999-12-31",
    "1900-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "1@9999-12-31T23:59:59+00:00",
    "99999999999999999999999@2026-08-13T10:00:00+01:00",
    "²:1",
    "1-²",
    "x" * 5000,
    "nul\x00byte",
    "on",
    "NaN",
    "1e999",
    "Infinity",
]
values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _writes() -> int:
    """Audit events other than reads (`<app>.<model>.viewed`: a page shown again after a refused
    form may audit the words it shows)."""
    return AuditEvent.objects.exclude(action__endswith=".viewed").count()


def _form_names(html: str) -> list[str]:
    return sorted({name for name in NAMES.findall(html) if name not in SKIPPED_NAMES})


@pytest.fixture
def targets(world):
    """(URL, method, persona, field names) for every URL, filled in with the matrix's samples and
    used by the first persona allowed to."""
    samples = Samples(world)
    found = []
    for name, pattern in url_patterns():
        entry = MATRIX[name]
        subject = "*" if "*" in entry.allowed else "related"
        allowed = sorted(entry.allowed[subject])
        if not allowed or name in {"access:logout"}:
            continue
        persona = allowed[0]
        url = reverse(name, kwargs=samples.kwargs(pattern, "related"))
        client = world.client(persona)
        with transaction.atomic():
            page = client.get(url)
            transaction.set_rollback(True)
        names = set(entry.data(world, persona, subject))
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            names |= set(_form_names(page.content.decode()))
        if entry.method == "get":
            names |= set(QUERY_NAMES)
        found.append((url, entry.method, persona, sorted(names)))
    assert len(found) > 100
    return found


@settings(
    max_examples=2,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # a failure lists every page; shrinking is slow
)
@given(data=st.data())
def test_no_input_to_any_page_is_a_server_error_or_half_written(world, targets, data):
    problems = []
    for url, method, persona, names in targets:
        sent = {name: data.draw(values, label=f"{url} {name}") for name in names}
        client = world.client(persona)
        with transaction.atomic():
            before = _writes()
            try:
                response = getattr(client, method)(url, sent)
            except Exception as error:  # noqa: BLE001 - the test client re-raises a 500
                problems.append(f"{method.upper()} {url} as {persona}: {error!r} with {sent!r}")
                transaction.set_rollback(True)
                continue
            written = _writes() - before
            transaction.set_rollback(True)
        if response.status_code >= 500:
            problems.append(f"{method.upper()} {url} as {persona}: {response.status_code}")
        elif response.status_code >= 400 and written:
            problems.append(f"{method.upper()} {url} as {persona}: refused but wrote {written}")
    assert problems == [], "\n".join(problems)
