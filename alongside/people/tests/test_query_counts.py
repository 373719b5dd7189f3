"""Query-count guards: "who saw my record" and the person page, the same count however much
there is to show."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.access.models import Role
from alongside.relationships import services as relationships
from alongside.safeguarding import services as safeguarding
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    UserFactory,
)
from alongside.testing.helpers import assert_constant_queries


def test_access_log_queries_are_constant(world):
    def add(n):
        for _ in range(n):
            # Each line by a different worker, so the actor and their role are read for each.
            raiser = MembershipFactory(organisation=world.org, user=UserFactory())
            safeguarding.raise_concern(
                world.person,
                by=raiser,
                category="other",
                what_happened="Something worrying",
                immediate_risk=False,
            )

    url = reverse("people:access_log", args=[world.person.pk])
    assert_constant_queries(world.client("dana"), url, add)
    html = world.client("dana").get(url).content.decode()
    assert html.count("raised a safeguarding concern") == 3


# The person page as Pat's named worker sees it. Counted 48 before issue 17's cut (the timeline and
# the page each read the spells, handovers and requests; six rules and panels each asked again
# whether the viewer works with Pat); 41 after; 44 with the organisation's own words (decision
# 0088): one query for every list the page shows, and one each for the two lists the quick
# contact form's demand fields offer (value/failure, what went wrong). Still constant. 31 after
# session 7's cut (issue 17): the merged-record check only when the record is not found, the
# organisation read with the person, the referrals read once for panel and timeline, the quick
# form's workers in one query read once for both fields (6 before), "confirmed", "works with" and
# "named worker" answered together (3 before), both demand lists in one query, consents with
# whether each is in force (2 before), continuity from the timeline's spells. 30 in session 13:
# the window's contacts for continuity from the timeline when it reaches back so far (the page's
# read events, when it shows notes or answers, are written together: see the test below). The
# ceiling catches a new query per panel.
PERSON_PAGE_QUERIES = 30


@pytest.mark.time_machine(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), tick=False)
def test_the_person_page_costs_the_same_however_much_the_person_has(world):
    def add(n):
        for _ in range(n):
            worker = MembershipFactory(organisation=world.org, role=Role.VOLUNTEER).user
            contact = ContactFactory(person=world.person, worker=worker)
            contact.also_present.add(world.user("cara"))
            relationships.record_worker_request(
                world.person,
                by=world.members["alice"],
                requested_worker=worker,
                in_their_words="Someone who knows the area",
                on=date(2026, 5, 30),
            )

    url = reverse("people:person", args=[world.person.pk])
    count = assert_constant_queries(world.client("alice"), url, add)
    assert count <= PERSON_PAGE_QUERIES, count


@pytest.mark.time_machine(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), tick=False)
def test_the_person_page_costs_a_coordinator_the_same_however_many_contacts(world):
    """A coordinator may change each contact on the timeline because they coordinate its
    person's team (`coordinates_contact` reads `contact.person.team_id`): the page gives each
    contact the person it already read, not a query per contact (session 8)."""

    def add(n):
        for _ in range(n):
            worker = MembershipFactory(organisation=world.org, role=Role.VOLUNTEER).user
            ContactFactory(person=world.person, worker=worker)

    url = reverse("people:person", args=[world.person.pk])
    assert_constant_queries(world.client("colin"), url, add)
    html = world.client("colin").get(url).content.decode()
    assert html.count("Wrong person? Move it") == 3


@pytest.mark.time_machine(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), tick=False)
def test_whom_the_viewer_works_with_is_asked_once_on_the_person_page(world):
    ContactFactory(person=world.person, worker=world.user("alice"))
    client = world.client("alice")
    url = reverse("people:person", args=[world.person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    # works_with and has_confirmed each ask whether Pat is among the people of a query.
    asked = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "people_person"')
    ]
    assert len(asked) <= 2, asked  # once "confirmed", once "works with"


def test_outside_the_person_page_the_answer_is_not_remembered(world):
    """A write between two questions is seen: nothing is remembered outside the page."""
    from alongside.visibility.people import has_confirmed

    cara = world.members["cara"]
    someone = PersonFactory(team=world.team)
    assert not has_confirmed(cara, someone)
    SpellFactory(person=someone, worker=cara.user, started_on=date(2026, 1, 1))
    assert has_confirmed(cara, someone)
    # Inside the block the first answer stands: why it wraps only a page that reads.
    from alongside.visibility.people import remembered_relationships

    other = PersonFactory(team=world.team)
    with remembered_relationships():
        assert not has_confirmed(cara, other)
        SpellFactory(person=other, worker=cara.user, started_on=date(2026, 1, 1))
        assert not has_confirmed(cara, other)
    assert has_confirmed(cara, other)


@pytest.mark.time_machine(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), tick=False)
def test_the_person_page_audits_what_it_shows_in_one_write(world):
    """Issue 17: the page's two read events (support notes, answers) each took a transaction, a
    read of the chain's tail and an INSERT, and read the viewer's user again for the actor. Now
    both go in one INSERT, after one read of the tail, and chain as any two events do."""
    from alongside.audit.models import AuditEvent
    from alongside.audit.verify import verify_chain
    from alongside.measures.builtins import ONS4
    from alongside.measures.tests.helpers import ONS4_ANSWERS, answered
    from alongside.support.models import SupportNote

    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    note = SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for="Help with a housing letter",
        author=world.user("alice"),
    )
    response = answered(world.person, ONS4, ONS4_ANSWERS, author=world.user("alice"))
    client = world.client("alice")
    url = reverse("people:person", args=[world.person.pk])
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in context.captured_queries]
    assert sum(s.startswith('INSERT INTO "audit_auditevent"') for s in sql) == 1, sql
    assert sum(s.startswith('SELECT "audit_auditevent"') for s in sql) == 1, sql
    # The viewer's user is read once, by the session: not again for the events' actor.
    users = [s for s in sql if s.startswith('SELECT "auth_user"."id"') and "INNER JOIN" not in s]
    assert len([s for s in users if 'WHERE "auth_user"."id" =' in s]) == 1, users
    written = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.actor_id, e.summary) for e in written] == [
        ("support.supportnote.viewed", world.user("alice").pk, {"ids": [note.pk]}),
        ("measures.response.viewed", world.user("alice").pk, {"ids": [response.pk]}),
    ]
    assert written[1].previous_hash == written[0].hash
    assert verify_chain().first_problem is None


def test_reads_kept_together_are_written_when_the_page_fails(world):
    """A page that read records and then failed still leaves its read events in the log."""
    from alongside.audit.models import AuditEvent
    from alongside.audit.services import reads_written_together, record_read
    from alongside.support.models import SupportNote

    with pytest.raises(ZeroDivisionError), reads_written_together():
        record_read(
            SupportNote,
            [1],
            by=world.members["alice"],
            organisation_id=world.org.pk,
            person_id=world.person.pk,
        )
        assert not AuditEvent.objects.filter(action="support.supportnote.viewed").exists()
        1 / 0  # noqa: B018
    assert (
        AuditEvent.objects.filter(
            action="support.supportnote.viewed", actor=world.user("alice")
        ).count()
        == 1
    )
