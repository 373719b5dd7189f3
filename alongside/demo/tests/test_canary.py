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
from alongside.referrals.models import ReferralIn, ReferralOut
from alongside.rota.models import Shift, ShiftPattern
from alongside.volunteers.models import Volunteer

HREF = re.compile(r'href="([^"#]+)')
MAX_PAGES = 600
NEVER = ("assessor", "funder", "datalead", "outsider")
SKIP = ("/logout/", "/admin/", "/static/", "/api/v1/docs")


def _seeds(person_ids: list[int]) -> list[str]:
    """Start pages: home, and every person's pages, exports and API answers (links may not reach all)."""
    seeds = [
        "/",
        "/inbox/",
        "/my-people/",
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
        "/archive/",
        "/workers/",
        "/people/merges/",
        "/people/equality/",
        "/referrals/in/",
        "/referrals/partners/",
        "/referrals/from-a-partner/",
        "/directory/",
        "/directory/needs/",
        "/directory/imports/",
        "/oruk/services",
        "/oruk/service_at_locations",
        "/rights/",
        "/rights/retention/",
        "/volunteers/",
        "/volunteers/requirements/",
        "/volunteers/my-lived-experience/",
        "/training/completions/",
        "/shifts/",
        "/shifts/rota/",
    ]
    # The rota's pages for a few shifts and repeating shifts: cancelling, changing, who came.
    for pk in Shift.objects.order_by("starts_at").values_list("pk", flat=True)[:3]:
        seeds += [f"/shifts/rota/shifts/{pk}/", f"/shifts/rota/shifts/{pk}/cancel/"]
    for pk in ShiftPattern.objects.values_list("pk", flat=True)[:3]:
        seeds += [f"/shifts/rota/patterns/{pk}/change/"]
    # Every referral out (its note and the service's words are support sphere) and in (why the
    # partner referred them), whether or not a link reaches it.
    seeds += [f"/referrals/{pk}/" for pk in ReferralOut.objects.values_list("pk", flat=True)]
    seeds += [f"/referrals/in/{pk}/" for pk in ReferralIn.objects.values_list("pk", flat=True)]
    seeds += [f"/volunteers/{pk}/" for pk in Volunteer.objects.values_list("pk", flat=True)]
    for pk in person_ids[:5]:
        seeds += [f"/audit/?person={pk}", f"/audit/export.csv?person={pk}"]
        # The directory opened from their page, offering to refer them (issue 16).
        seeds += [f"/directory/?for={pk}"]
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
            # The data lead's rights pages hold no one's words (the review of a subject access
            # request does, on purpose and audited: no request is open in the demo town).
            f"/rights/people/{pk}/subject-access/",
            f"/rights/people/{pk}/erase/",
            f"/rights/people/{pk}/legal-hold/",
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


def test_canary_never_reaches_emails(canary_town, django_capture_on_commit_callbacks, run_tasks):
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
    run_tasks()  # the emails go through the task queue
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


class _Records(logging.Handler):
    """Keeps every record, at every level, as it was logged."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def every_log_record():
    """Every logger at DEBUG, every record kept; the levels are restored afterwards."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    keeper = _Records()
    logging.getLogger().addHandler(keeper)
    try:
        yield keeper.records
    finally:
        logging.getLogger().removeHandler(keeper)
        for logger, level in levels:
            logger.setLevel(level)


def test_canary_never_reaches_the_logs(
    canary_town, every_log_record, settings, run_tasks, django_capture_on_commit_callbacks
):
    """Issue 18, item 5: pages, searches, writes, invalid forms, refusals and the email tasks of
    someone whose records carry the canary, as the supporter who may read them (so the words are
    on the pages) and the assessor who may not, with every logger at DEBUG: no record's message,
    arguments, exception text or JSON line holds the canary, the person's name or a voucher code."""
    from django.urls import reverse

    from alongside.common.logs import JsonLinesFormatter
    from alongside.eligibility.models import Voucher
    from alongside.support.models import SupportNote

    settings.DEBUG = False  # as in production
    token = canary_town
    supporter = Membership.objects.get(user__username="supporter")
    note = (
        SupportNote.objects.for_system("canary: whose notes")
        .filter(organisation_id=supporter.organisation_id, author_id=supporter.user_id)
        .select_related("person")
        .first()
    )
    person = note.person
    client = Client()
    client.force_login(supporter.user)
    page = client.get(f"/people/{person.pk}/")
    assert token in page.content.decode(), "positive control: the supporter reads the canary"
    answers = [
        client.get("/people/", {"q": person.given_name}).status_code,
        client.get(f"/people/{person.pk}/export.csv").status_code,
        client.get(f"/api/v1/people/{person.pk}/contacts").status_code,
        client.get("/no-such-page/", {"q": token}).status_code,
        client.post(
            reverse("relationships:record_contact", args=[person.pk]),
            {"mode": "phone", "minutes": "5", "initiated_by": "them", "asked_for": token},
        ).status_code,  # invalid (no date): re-rendered with the words, 400
        client.post(
            reverse("safeguarding:raise_concern", args=[person.pk]),
            {"what_happened": f"{token} said today", "immediate_risk": "no"},
        ).status_code,  # invalid (no category): 400
    ]
    with django_capture_on_commit_callbacks(execute=True):
        answers.append(
            client.post(
                reverse("safeguarding:raise_concern", args=[person.pk]),
                {"category": "other", "what_happened": f"{token} said", "immediate_risk": "no"},
            ).status_code
        )
    run_tasks()  # the leads' emails
    assessor = Client()
    assessor.force_login(users_named("assessor"))
    voucher = (
        Voucher.objects.for_system("canary: a voucher")
        .filter(organisation_id=supporter.organisation_id)
        .first()
    )
    answers += [
        assessor.get(f"/people/{person.pk}/").status_code,
        assessor.get(f"/people/{person.pk}/export.csv").status_code,
        assessor.post(
            reverse("relationships:record_contact", args=[person.pk]), {"asked_for": token}
        ).status_code,
        assessor.get("/eligibility/", {"code": voucher.code}).status_code,
    ]
    assert answers[:4] == [200, 200, 200, 404] and answers[4:7] == [400, 400, 302], answers
    assert every_log_record, "positive control: the crawl was logged"
    assert any(r.levelno == logging.WARNING for r in every_log_record)
    formatter = JsonLinesFormatter()
    secrets = (token, person.given_name, voucher.code)
    for record in every_log_record:
        seen = " ".join(
            [
                record.getMessage(),
                repr(record.args),
                record.exc_text or "",
                formatter.format(record),
            ]
        )
        leaked = [secret for secret in secrets if secret in seen]
        assert not leaked, f"{leaked} reached the log: {record.name}: {record.getMessage()[:200]}"


def test_a_volunteer_once_supported_keeps_their_history_from_those_who_manage_volunteers(
    canary_town,
):
    """Issue 15 §1 (decision 0071): someone with support notes (holding the canary) who came
    forward to volunteer. Every volunteer-management page, the inbox and the volunteer's own
    page, as the coordinator and the data lead, never show the canary; their author does."""
    from alongside.support.models import SupportNote

    token = canary_town
    riverside = Membership.objects.get(user__username="supporter").organisation_id
    notes = SupportNote.objects.for_system("canary: someone once supported")
    person = (
        Person.objects.filter(organisation_id=riverside, pk__in=notes.values("person_id"))
        .order_by("pk")
        .first()
    )
    note = notes.filter(person=person, text__contains=token).select_related("author").first()
    volunteer = Volunteer.objects.get(
        organisation_id=person.organisation_id,
        given_name=person.given_name,
        family_name=person.family_name or "",
    )
    author = Client()
    author.force_login(note.author)
    assert token in author.get(f"/people/{person.pk}/").content.decode(), "positive control"
    seeds = [
        "/volunteers/",
        "/volunteers/requirements/",
        f"/volunteers/{volunteer.pk}/",
        "/inbox/",
    ]
    for username in ("coordinator", "datalead"):
        client = Client()
        client.force_login(users_named(username))
        seen = crawl(client, seeds, follow=False)
        # Every page a volunteer page links to, within the volunteer pages.
        more = {
            path
            for body in seen.values()
            for path in HREF.findall(body)
            if path.startswith("/volunteers/") and path not in seen
        }
        seen |= crawl(client, sorted(more), follow=False)
        assert volunteer.name in seen[f"/volunteers/{volunteer.pk}/"], "positive control"
        leaked = sorted(path for path, body in seen.items() if token in body)
        assert leaked == [], f"{username} saw the canary at {leaked}"
        # Nothing on a volunteer page links to the person's record.
        assert f"/people/{person.pk}/" not in seen[f"/volunteers/{volunteer.pk}/"]


def test_supervision_notes_reach_only_their_supervisee_and_supervisor(
    canary_town, caplog, settings
):
    """Issue 15 §4: each demo supervision note carries `SV<n>-<canary>`. The coordinator, the
    safeguarding lead, the data lead, the funder and the outsider, sent at every training page,
    every supervision's page, the scorecard, the report and the audit log, see none; the
    supporter and the volunteer see exactly the notes of the supervisions they are in (the
    positive control), and no log or audit summary holds one."""
    from alongside.training.models import Supervision, SupervisionNote

    settings.DEBUG = False
    token = canary_town
    caplog.set_level(logging.DEBUG)
    mark = re.compile(rf"SV(\d+)-{re.escape(token)}")
    notes = SupervisionNote.objects.for_system("canary: whose note is whose").select_related(
        "session__supervision__supervisee__user", "session__supervision__supervisor__user"
    )
    owners: dict[str, set[str]] = {}
    for note in notes:
        found = mark.search(note.text)
        assert found, "every demo supervision note carries its mark"
        supervision = note.session.supervision
        owners[found.group(1)] = {
            supervision.supervisee.user.username,
            supervision.supervisor.user.username,
        }
    assert owners, "the demo has supervision notes"
    seeds = [
        "/training/mine/",
        "/training/expiring/",
        "/training/courses/",
        "/training/record/",
        "/training/record-session/",
        "/training/completions/",
        "/training/supervision/",
        "/learning/scorecard/",
        "/reports/",
        "/audit/",
        "/audit/export.csv",
        "/inbox/",
        "/connections/matching/",
    ] + [f"/training/supervision/{pk}/" for pk in Supervision.objects.values_list("pk", flat=True)]
    users = get_user_model().objects
    seen_by: dict[str, set[str]] = {}
    for username in (
        "coordinator",
        "safeguarding",
        "datalead",
        "funder",
        "outsider",
        "supporter",
        "volunteer",
    ):
        client = Client()
        client.force_login(users.get(username=username))
        pages = crawl(client, seeds, follow=False)
        seen_by[username] = {n for body in pages.values() for n in mark.findall(body)}
        wrong = {n for n in seen_by[username] if username not in owners[n]}
        assert wrong == set(), (
            f"{username} read supervision notes that are not theirs: {sorted(wrong)[:5]}"
        )
    for username in ("coordinator", "safeguarding", "datalead", "funder", "outsider"):
        assert seen_by[username] == set(), username
    for username in ("supporter", "volunteer"):
        theirs = {n for n, two in owners.items() if username in two}
        assert theirs and seen_by[username] == theirs, username  # the positive control
    assert not mark.search(caplog.text), "a supervision note reached the logs"
    summaries = AuditEvent.objects.values_list("summary", flat=True).iterator()
    assert not [s for s in summaries if token in json.dumps(s)], "a note reached the audit log"
