"""The canary crawl: a random token in every support and safeguarding text of the demo town must
never reach a role that may not read those spheres — not in pages, exports, API responses, error
pages, emails or logs. The supporter, who may, does see it (the positive control).
"""

import json
import logging
import re
import uuid
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from alongside.access.models import Membership
from alongside.audit.models import AuditEvent
from alongside.demo.builder import build_demo
from alongside.people.models import Person

HREF = re.compile(r'href="([^"#]+)')
MAX_PAGES = 600
NEVER = ("assessor", "funder", "datalead", "outsider")
SKIP = ("/logout/", "/admin/", "/static/", "/api/v1/docs")


def _seeds(person_ids: list[int]) -> list[str]:
    """Start pages: home, and every person's pages, exports and API answers (links may not reach all)."""
    seeds = [
        "/",
        "/people/",
        "/api/v1/people",
        "/api/v1/me/people",
        "/eligibility/",
        "/safeguarding/concerns/",
        "/safeguarding/overrides/",
        "/safeguarding/holds/",
        "/insights/continuity/",
        "/insights/continuity/export.csv",
        "/no-such-page/",
        "/signed-out/",
        "/kiosk/unlock/",
        "/schedule/",
        "/schedule/plans/",
        "/schedule/capacity/",
        "/measures/how-it-feels/",
        "/measures/outcomes/",
        "/measures/instruments/",
        "/learning/",
        "/learning/scorecard/",
        "/learning/spends/",
        "/reports/",
        "/reports/learning/",
        "/spaces/",
        "/spaces/outcomes/",
        "/connections/matching/",
        "/history-access/",
        "/audit/",
        "/audit/export.csv",
        "/workers/",
        "/people/merges/",
        "/people/equality/",
    ]
    for pk in person_ids[:5]:
        seeds += [f"/audit/?person={pk}", f"/audit/export.csv?person={pk}"]
    for pk in person_ids:
        seeds += [
            f"/people/{pk}/",
            f"/people/{pk}/who-saw-my-record/",
            f"/people/{pk}/export.csv",
            f"/api/v1/people/{pk}",
            f"/api/v1/people/{pk}/contacts",
            f"/measures/people/{pk}/",
            f"/learning/people/{pk}/needs/",
            f"/reports/people/{pk}/stories/",
            f"/connections/people/{pk}/",
            f"/spaces/people/{pk}/",
            f"/spaces/people/{pk}/ties/",
            f"/people/{pk}/close/",
            f"/people/{pk}/equality/",
            f"/people/{pk}/merge/",
            f"/people/{pk}/merge/{person_ids[0]}/",
        ]
    return seeds


def crawl(client: Client, seeds: list[str], *, follow: bool = True) -> dict[str, str]:
    """GET every same-site page reachable from the seeds (up to MAX_PAGES); path -> body."""
    seen: dict[str, str] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or any(path.startswith(skip) for skip in SKIP):
            continue
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode(errors="replace")
        seen[path] = body
        if follow and response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for href in HREF.findall(body):
                url = urlparse(urljoin(path, href.replace("&amp;", "&")))
                if not url.netloc:
                    queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return seen


@pytest.fixture
def canary_town(db):
    token = f"CANARY{uuid.uuid4().hex[:12]}"
    build_demo(people=40, canary=token)
    return token


def test_canary_never_reaches_roles_that_may_not_see_it(canary_town, caplog, settings):
    settings.DEBUG = False
    token = canary_town
    caplog.set_level(logging.DEBUG)
    users = get_user_model().objects
    riverside = Membership.objects.get(user__username="supporter").organisation_id
    people = list(Person.objects.filter(organisation_id=riverside).values_list("pk", flat=True))
    leaks = {}
    pages = {}
    for username in (*NEVER, "supporter"):
        user = users.get(username=username)
        client = Client()
        client.force_login(user)
        # The outsider legitimately reads their own organisation's notes (the demo puts the same
        # token there), so they are sent straight at every Riverside address and follow no links.
        seen = crawl(client, _seeds(people), follow=username != "outsider")
        pages[username] = len(seen)
        if username == "datalead":
            audit_pages = {path: seen.get(path, "") for path in ("/audit/", "/audit/export.csv")}
        leaks[username] = sorted(path for path, body in seen.items() if token in body)
    assert pages["assessor"] > 100 and pages["outsider"] > 100, pages
    for username in NEVER:
        assert leaks[username] == [], f"{username} saw the canary at {leaks[username][:5]}"
    assert leaks["supporter"], "positive control: the supporter should see their people's words"
    assert token not in caplog.text, "the canary reached the logs"
    # Positive control: the data lead did reach the audit page and its export.
    assert "Latest checkpoint" in audit_pages["/audit/"]
    assert "id,at,worker_id,worker,action" in audit_pages["/audit/export.csv"]
    # The audit log itself (its page, export and every summary) never holds anyone's words.
    summaries = AuditEvent.objects.values_list("summary", flat=True).iterator()
    assert not [s for s in summaries if token in json.dumps(s)], "the canary reached the audit log"


def test_canary_never_reaches_emails(canary_town, django_capture_on_commit_callbacks):
    """Raising a concern and starting an override email people: never with the sensitive words."""
    from alongside.safeguarding import services

    token = canary_town
    supporter = Membership.objects.get(user__username="supporter")
    lead = Membership.objects.get(user__username="safeguarding")
    person = Person.objects.filter(organisation_id=supporter.organisation_id).first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.raise_concern(
            person,
            by=supporter,
            category="other",
            what_happened=f"{token} happened",
            immediate_risk=False,
        )
        services.start_override(
            person,
            by=lead,
            reason_code="other",
            justification=f"{token} — a serious risk reported today",
        )
    assert mail.outbox, "emails were expected"
    for message in mail.outbox:
        assert token not in message.subject and token not in message.body
        assert person.given_name not in message.subject


def test_a_contact_does_not_open_the_canary_but_a_legitimate_request_does(canary_town):
    """Issue 11: the demo supporter records a contact with someone who is not theirs and still
    does not read the others' notes (the canary); a legitimate-relationship request opens them,
    and its notifications and the review pages carry none of them."""
    from django.utils import timezone

    from alongside.access.models import Notification
    from alongside.relationships.models import Mode
    from alongside.relationships.services import record_contact, request_history_access
    from alongside.support.models import SupportNote
    from alongside.visibility.people import has_confirmed

    token = canary_town
    supporter = Membership.objects.get(user__username="supporter")
    people = Person.objects.filter(organisation_id=supporter.organisation_id).order_by("pk")
    notes = SupportNote.objects.for_system("canary: whose notes")
    written = notes.exclude(author_id=supporter.user_id).values("person_id")
    theirs = notes.filter(author_id=supporter.user_id).values("person_id")
    person = next(
        p
        for p in people.filter(pk__in=written).exclude(pk__in=theirs)
        if not has_confirmed(supporter, p)
    )
    record_contact(
        person,
        by=supporter,
        at=timezone.now(),
        worker=supporter.user,
        mode=Mode.PHONE,
        minutes=1,
        initiated_by="us",
        asked_for="Checking in",
    )
    client = Client()
    client.force_login(supporter.user)
    pages = [f"/people/{person.pk}/", f"/api/v1/people/{person.pk}/contacts"]
    pages += [f"/people/{person.pk}/export.csv", f"/measures/people/{person.pk}/"]
    seen = crawl(client, pages, follow=False)
    assert not [path for path, body in seen.items() if token in body]
    request_history_access(person, by=supporter, reason="Covering for a colleague off sick")
    assert token in client.get(f"/people/{person.pk}/").content.decode()
    assert not [t for t in Notification.objects.values_list("text", flat=True) if token in t]
    for username in ("coordinator", "datalead"):
        reviewer = Client()
        reviewer.force_login(users_named(username))
        assert token not in reviewer.get("/history-access/").content.decode()


def users_named(username: str):
    return get_user_model().objects.get(username=username)
