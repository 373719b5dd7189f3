"""The inbox: each kind of work appears, goes when it is handled, reaches only who may see it, and
costs a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification, Role
from alongside.audit.models import AuditEvent
from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.eligibility.services import accept_support_offer
from alongside.inbox.queries import (
    STOPPED_WEEKS,
    Kind,
    inbox_for,
    worker_requests_waiting_count,
)
from alongside.relationships.models import WorkerRequest
from alongside.relationships.services import (
    assign_named_worker,
    record_contact,
    record_worker_request,
)
from alongside.safeguarding.models import Concern, Override
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def kinds(world, persona):
    return {s.kind: [i.person for i in s.items] for s in inbox_for(world.members[persona]).sections}


def page(world, persona):
    response = world.client(persona).get(reverse("inbox:inbox"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_worker_request_waits_for_the_coordinator_until_a_worker_is_chosen(world):
    newcomer = PersonFactory(team=world.team, given_name="Nia", family_name="Newcomer")
    record_worker_request(
        newcomer,
        by=world.members["cara"],
        requested_worker=world.user("alice"),
        in_their_words="Someone who knows the area",
        on=timezone.localdate(),
    )
    assert newcomer in kinds(world, "colin")[Kind.WORKER_REQUEST]
    body = page(world, "colin")
    assert "Nia Newcomer" in body and "They asked for Alice" in body
    assign = reverse("relationships:assign_named_worker", args=[newcomer.pk])
    assert assign in body  # "Choose a worker with them", the existing flow
    # The worker asked for sees it in their own to do; the coordinator was told in the app.
    assert newcomer in kinds(world, "alice")[Kind.WORKER_REQUEST]
    assert Notification.objects.filter(user=world.user("colin"), url="/inbox/").exists()
    assert Notification.objects.filter(user=world.user("alice")).exists()
    # The form opens with the worker they asked for, ticked as their choice.
    form = world.client("colin").get(assign).content.decode()
    assert "On 12 Aug 2026 they asked for a worker." in form
    assert f'value="{world.user("alice").pk}" checked' in form
    response = world.client("colin").post(
        assign,
        {
            "worker": world.user("alice").pk,
            "started_on": timezone.localdate().isoformat(),
            "chosen_by_person": "on",
        },
    )
    assert response.status_code == 302
    assert WorkerRequest.objects.get(person=newcomer).status == WorkerRequest.Status.AGREED
    assert Kind.WORKER_REQUEST not in kinds(world, "colin")
    assert Notification.objects.filter(
        user=world.user("alice"), text__startswith="You are now someone"
    ).exists()
    event = AuditEvent.objects.filter(action="relationships.named_worker.assigned").last()
    assert event.summary["worker_requests_answered"] == [WorkerRequest.objects.get().pk]


def test_the_foodbank_yes_reaches_a_coordinator_of_another_team(world):
    """The foodbank has no coordinator: "They said yes" goes to every coordinator, who may
    answer it although the person is not in their team."""
    foodbank = TeamFactory(organisation=world.org, name="Foodbank")
    visitor = PersonFactory(team=foodbank, given_name="Fay", family_name="Visitor")
    partner = ReferralPartner.objects.create(
        organisation=world.org, name="Riverside Surgery", kind="gp_surgery"
    )
    voucher = Voucher.objects.create(
        organisation=world.org,
        partner=partner,
        code="RIV-2026-000123",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name="Dr Issuer",
        person=visitor,
        redeemed_at=timezone.now(),
        redeemed_by=world.user("amir"),
        recorded_by=world.user("amir"),
        parcels=1,
    )
    accept_support_offer(voucher, by=world.members["amir"], on=timezone.localdate())
    assert visitor in kinds(world, "colin")[Kind.WORKER_REQUEST]
    assert Notification.objects.filter(user=world.user("colin"), url="/inbox/").exists()
    assign = reverse("relationships:assign_named_worker", args=[visitor.pk])
    assert assign in page(world, "colin")
    assert world.client("colin").get(assign).status_code == 200
    assert worker_requests_waiting_count(world.members["colin"]) == 1  # the navigation's badge
    # A team with its own coordinator keeps its requests to itself.
    own = MembershipFactory(
        organisation=world.org, user=UserFactory(), role=Role.COORDINATOR, team=foodbank
    )
    assert Kind.WORKER_REQUEST not in kinds(world, "colin")
    assert worker_requests_waiting_count(world.members["colin"]) == 0
    assert world.client("colin").get(assign).status_code == 404
    # Once that coordinator has left, the other teams' coordinators answer again.
    own.left_on = timezone.localdate() - timedelta(days=1)
    own.save(update_fields=["left_on"])
    assert visitor in kinds(world, "colin")[Kind.WORKER_REQUEST]
    assert worker_requests_waiting_count(world.members["colin"]) == 1


def test_a_new_person_without_a_worker_is_listed_until_one_is_chosen(world):
    newcomer = PersonFactory(team=world.team, given_name="Ned", family_name="New")
    assert newcomer in kinds(world, "colin")[Kind.NO_NAMED_WORKER]
    assign_named_worker(
        newcomer,
        worker=world.user("cara"),
        by=world.members["colin"],
        started_on=timezone.localdate(),
    )
    assert Kind.NO_NAMED_WORKER not in kinds(world, "colin")


def test_an_overdue_follow_up_is_listed_for_worker_and_coordinator_until_a_contact(world):
    ContactFactory(
        person=world.person,
        worker=world.user("alice"),
        at=timezone.now() - timedelta(days=10),
        follow_up_on=timezone.localdate() - timedelta(days=2),
    )
    assert world.person in kinds(world, "alice")[Kind.FOLLOW_UP]
    assert world.person in kinds(world, "colin")[Kind.FOLLOW_UP]
    # Listed once: not also as "stopped coming".
    assert world.person not in kinds(world, "colin").get(Kind.STOPPED_COMING, [])
    assert Kind.FOLLOW_UP not in kinds(world, "cara")
    record_contact(
        world.person,
        by=world.members["alice"],
        worker=world.user("alice"),
        at=timezone.now() - timedelta(hours=1),
        mode="phone",
        minutes=10,
        initiated_by="us",
    )
    assert Kind.FOLLOW_UP not in kinds(world, "alice")
    assert Kind.FOLLOW_UP not in kinds(world, "colin")


def test_someone_who_stopped_coming_is_listed_and_the_named_worker_can_be_told(world):
    ContactFactory(
        person=world.person,
        worker=world.user("alice"),
        at=timezone.now() - timedelta(weeks=STOPPED_WEEKS + 1),
    )
    assert world.person in kinds(world, "colin")[Kind.STOPPED_COMING]
    assert world.person in kinds(world, "alice")[Kind.STOPPED_COMING]
    tell = reverse("inbox:tell_named_worker", args=[world.person.pk])
    assert tell in page(world, "colin")
    assert tell not in page(world, "alice")  # she is the named worker
    assert world.client("alice").post(tell).status_code == 404
    assert world.client("colin").post(tell).status_code == 302
    told = Notification.objects.get(user=world.user("alice"))
    assert "Pat" not in told.text and told.url == reverse("people:person", args=[world.person.pk])
    assert AuditEvent.objects.filter(
        action="inbox.named_worker_told", person_id=world.person.pk
    ).exists()
    ContactFactory(person=world.person, worker=world.user("alice"), at=timezone.now())
    assert Kind.STOPPED_COMING not in kinds(world, "colin")


def test_safeguarding_items_go_to_the_leads_and_history_reviews_to_reviewers(world):
    from alongside.relationships.services import request_history_access

    concern = Concern.objects.create(
        organisation=world.org,
        person=world.person,
        raised_by=world.user("alice"),
        raised_at=timezone.now() - timedelta(hours=3),
        category="neglect",
        what_happened="SECRET words about what happened",
        immediate_risk=False,
    )
    Override.objects.create(
        organisation=world.org,
        person=world.person,
        lead=world.user("sam"),
        reason_code="risk_to_person",
        justification="SECRET justification",
        started_at=timezone.now() - timedelta(hours=1),
        expires_at=timezone.now() + timedelta(days=3),
    )
    request_history_access(world.person, by=world.members["cara"], reason="SECRET reason")
    assert set(kinds(world, "sam")) == {Kind.CONCERN, Kind.HISTORY}  # not their own override
    assert set(kinds(world, "dana")) == {Kind.OVERRIDE, Kind.HISTORY}
    assert kinds(world, "dana")[Kind.HISTORY] == [None]  # the data lead sees no names
    assert Kind.HISTORY in kinds(world, "colin")
    body = page(world, "sam") + page(world, "dana") + page(world, "colin")
    assert "SECRET" not in body
    assert "Pat Example" not in page(world, "dana")
    assert reverse("safeguarding:concern", args=[concern.pk]) in page(world, "sam")
    concern.status = "closed"
    concern.save()
    assert Kind.CONCERN not in kinds(world, "sam")


@pytest.mark.parametrize("persona", ["amir", "fern", "olly"])
def test_roles_without_an_inbox_are_refused_or_see_nothing_of_another_organisation(world, persona):
    record_worker_request(
        world.person,
        by=world.members["alice"],
        requested_worker=None,
        in_their_words="A change please",
        on=timezone.localdate(),
    )
    response = world.client(persona).get(reverse("inbox:inbox"))
    if persona == "olly":
        assert response.status_code == 200
        assert "Pat" not in response.content.decode()
    else:
        assert response.status_code == 404


def test_the_inbox_costs_the_same_queries_for_one_item_or_many(
    world, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            person = PersonFactory(team=world.team)
            SpellFactory(person=person, worker=world.user("alice"))
            ContactFactory(
                person=person,
                worker=world.user("alice"),
                at=timezone.now() - timedelta(days=5),
                follow_up_on=timezone.localdate() - timedelta(days=1),
            )
            record_worker_request(
                PersonFactory(team=world.team),
                by=world.members["cara"],
                requested_worker=world.user("alice"),
                in_their_words="",
                on=timezone.localdate(),
            )

    add(1)
    client = world.client("colin")
    client.get(reverse("inbox:inbox"))
    with django_assert_max_num_queries(20) as one:
        assert client.get(reverse("inbox:inbox")).status_code == 200
    add(3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("inbox:inbox")).status_code == 200


def test_no_support_words_reach_the_inbox_of_anyone(world):
    """What was said at a contact (support sphere) is never shown in an inbox, not even to the
    named worker: the inbox says who and when, and links to the page that may say more."""
    contact = record_contact(
        world.person,
        by=world.members["alice"],
        worker=world.user("alice"),
        at=timezone.now() - timedelta(days=10),
        mode="phone",
        minutes=10,
        initiated_by="us",
        follow_up_on=timezone.localdate() - timedelta(days=3),
        asked_for="CANARY asked for help with rent",
        notes="CANARY notes about the landlord",
    )
    assert SupportNote.objects.for_system("test").get(contact=contact).text.startswith("CANARY")
    for persona in ("alice", "colin", "sam", "dana", "vic", "cara"):
        body = page(world, persona)
        assert "CANARY" not in body, persona
    assert world.person in kinds(world, "alice")[Kind.FOLLOW_UP]  # positive control


def test_stopped_coming_asks_who_is_in_the_team_per_spell_not_as_a_list_of_everyone(world):
    """Issue 17: the coordinator's "stopped coming" limited spells with `person IN (SELECT …
    every person in the team)`, which SQLite built over the whole team (45,000 people on the
    large demo). Now a correlated EXISTS, a primary-key probe per open spell, on both engines
    (the open spells read from the maintained last contact since decision 0126)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alongside.inbox.queries import stopped_coming

    ContactFactory(
        person=world.person,
        worker=world.user("alice"),
        at=timezone.now() - timedelta(weeks=STOPPED_WEEKS + 1),
    )
    with CaptureQueriesContext(connection) as context:
        items = stopped_coming(world.members["colin"], today=timezone.localdate())
    assert [item.person for item in items] == [world.person]
    sql = context.captured_queries[0]["sql"].replace('"U0"', "U0")
    assert 'FROM "inbox_lastcontact"' in sql, sql
    assert 'IN (SELECT U0."id" FROM "people_person" U0' not in sql, sql
    assert 'EXISTS(SELECT 1 AS "a" FROM "people_person" U0' in sql.replace("%s", "1"), sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + context.captured_queries[0]["sql"])
            plan = "\n".join(str(row[3]) for row in cursor.fetchall())
        people = [line for line in plan.splitlines() if "people_pers" in line or " U0 " in line]
        assert not any("LIST SUBQUERY" in line for line in plan.splitlines()), plan
        assert all("PRIMARY KEY" in line or "contact" in line for line in people), plan


def test_a_long_section_shows_its_first_items_and_links_to_the_rest(world):
    """Issue 17: the page draws inbox.views.SHOWN items per section; `?all=<kind>` draws that
    section whole, and only that one."""
    from alongside.inbox.views import SHOWN

    newcomers = [
        PersonFactory(team=world.team, given_name=f"Newcomer{n:02d}", family_name="Nobody")
        for n in range(SHOWN + 2)
    ]
    assert len(kinds(world, "colin")[Kind.NO_NAMED_WORKER]) == SHOWN + 2
    body = page(world, "colin")
    shown = [p for p in newcomers if f"{p.given_name} Nobody" in body]
    assert len(shown) == SHOWN
    link = f'href="?all={Kind.NO_NAMED_WORKER}#inbox-{Kind.NO_NAMED_WORKER}"'
    assert link in body and f"Show all {SHOWN + 2}" in body
    response = world.client("colin").get(reverse("inbox:inbox"), {"all": Kind.NO_NAMED_WORKER})
    whole = response.content.decode()
    assert all(f"{p.given_name} Nobody" in whole for p in newcomers)
    assert link not in whole


def test_only_the_items_drawn_are_worked_out(world):
    """Issue 17: the page counts up to LIMIT items per section but works out (words, links,
    rules, named workers) only the SHOWN it draws; the rest cost their row. Follow-ups (one
    query for the named workers of the items made) and new people, 12 of each."""
    from unittest import mock

    from alongside.inbox import queries
    from alongside.inbox.views import SHOWN

    alice = world.user("alice")
    for n in range(SHOWN + 2):
        PersonFactory(team=world.team, given_name=f"Newcomer{n:02d}", family_name="Nobody")
        promised = PersonFactory(team=world.team, given_name=f"Promised{n:02d}")
        SpellFactory(person=promised, worker=alice)
        ContactFactory(
            person=promised,
            worker=alice,
            at=timezone.now() - timedelta(days=3),
            follow_up_on=timezone.localdate() - timedelta(days=1),
        )
    made = mock.patch.object(queries, "Item", wraps=queries.Item)
    asked = mock.patch.object(queries, "_named_workers", wraps=queries._named_workers)
    with made as item, asked as named_workers:
        body = page(world, "colin")
    built = [call.kwargs["kind"] for call in item.call_args_list]
    assert built.count(Kind.NO_NAMED_WORKER) == SHOWN
    assert built.count(Kind.FOLLOW_UP) == SHOWN
    assert [len(set(call.args[0])) for call in named_workers.call_args_list] == [SHOWN]
    assert body.count("Show all 12") == 2
    # Asked for every item (a section whole, or a test reading them), every one is made.
    with made as item:
        follow_ups = queries.overdue_follow_ups(world.members["colin"], today=timezone.localdate())
        assert len(follow_ups) == SHOWN + 2 and item.call_count == 0
        assert len(list(follow_ups)) == SHOWN + 2 and item.call_count == SHOWN + 2
        assert follow_ups[SHOWN + 1] == list(follow_ups)[-1] and item.call_count == SHOWN + 2
