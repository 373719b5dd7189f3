"""Views with personas, for concerns: raising one, the leads' concern pages and the person page.

Overrides and their review are in test_override_views.py."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.safeguarding import services
from alongside.safeguarding.models import Concern, ConcernAction
from alongside.safeguarding.tests.conftest import (
    CONCERN_TEXT,
    REASON,
    html,
    make_concern,
    make_override,
    stored,
)
from alongside.testing.factories import PersonFactory, SpellFactory
from alongside.testing.helpers import assert_constant_queries, render_person_panel

CONCERN_POST = {"category": "physical", "what_happened": CONCERN_TEXT, "immediate_risk": "no"}


@pytest.fixture
def vics_person(sg):
    """Someone the volunteer is matched with (she cannot see Pat)."""
    person = PersonFactory(team=sg.team, given_name="Val", family_name="Matched")
    SpellFactory(person=person, worker=sg.user("vic"))
    return person


# Raising a concern


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "sam"])
def test_workers_who_see_the_person_raise_a_concern_and_see_a_confirmation(sg, name):
    client = sg.client(name)
    url = reverse("safeguarding:raise_concern", args=[sg.person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "If someone is in danger now, call 999 first." in html(page)
    response = client.post(url, CONCERN_POST)
    concern = Concern.objects.for_system(REASON).get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:concern_raised", args=[concern.pk])
    assert (concern.raised_by, concern.category, concern.immediate_risk) == (
        sg.user(name), "physical", False,
    )  # fmt: skip
    confirmation = html(client.get(response.url))
    assert "Concern sent" in confirmation and "You raised a concern on" in confirmation
    assert "call 999 now" not in confirmation
    assert CONCERN_TEXT not in confirmation


def test_immediate_risk_confirmation_tells_the_raiser_to_call_999(sg):
    client = sg.client("alice")
    response = client.post(
        reverse("safeguarding:raise_concern", args=[sg.person.pk]),
        CONCERN_POST | {"immediate_risk": "yes"},
    )
    page = html(client.get(response.url))
    assert "You said someone is in danger now. If they are, call 999 now." in page


def test_a_volunteer_raises_for_someone_they_work_with_but_cannot_reach_others(sg, vics_person):
    client = sg.client("vic")
    assert client.get(reverse("safeguarding:raise_concern", args=[sg.person.pk])).status_code == 404
    response = client.post(
        reverse("safeguarding:raise_concern", args=[vics_person.pk]), CONCERN_POST
    )
    assert response.status_code == 302
    assert Concern.objects.for_system(REASON).get().person == vics_person


@pytest.mark.parametrize("name", ["amir", "dana", "fern", "olly"])
def test_raise_concern_is_404_for_other_roles_and_organisations(sg, name):
    url = reverse("safeguarding:raise_concern", args=[sg.person.pk])
    client = sg.client(name)
    assert client.get(url).status_code == 404
    assert client.post(url, CONCERN_POST).status_code == 404
    assert stored(Concern) == 0


@pytest.mark.parametrize(
    ("data", "anchors"),
    [
        ({"what_happened": "   "}, ["#id_what_happened"]),
        ({"category": "gossip", "immediate_risk": "maybe"}, ["#id_category_0", "#id_immediate_risk_0"]),
        ({"category": "", "what_happened": "", "immediate_risk": ""},
         ["#id_category_0", "#id_what_happened", "#id_immediate_risk_0"]),
    ],
)  # fmt: skip
def test_raise_concern_bad_input_shows_the_error_summary_and_writes_nothing(sg, data, anchors):
    response = sg.client("alice").post(
        reverse("safeguarding:raise_concern", args=[sg.person.pk]), CONCERN_POST | data
    )
    page = html(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    for anchor in anchors:
        assert f'href="{anchor}"' in page
    assert (stored(Concern), AuditEvent.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_the_confirmation_page_is_only_for_the_raiser(sg):
    concern = make_concern(sg, by="alice")
    url = reverse("safeguarding:concern_raised", args=[concern.pk])
    assert sg.client("alice").get(url).status_code == 200
    for name in ["cara", "colin", "sam", "amir", "dana", "fern", "olly"]:
        assert sg.client(name).get(url).status_code == 404, name


# Leads' concern pages


def test_lead_lists_concerns_and_the_read_is_audited(sg):
    first = make_concern(sg, by="alice")
    second = make_concern(sg, by="cara", text="Different worry")
    make_concern(sg, by="olly", person=sg.other_person, text="Not ours")
    response = sg.client("sam").get(reverse("safeguarding:concerns"))
    page = html(response)
    assert response.status_code == 200
    assert page.count("Pat Example") == 2 and "Quinn" not in page
    assert CONCERN_TEXT not in page  # the list shows no text
    event = AuditEvent.objects.get(action="safeguarding.concern.viewed")
    assert (event.actor, event.summary) == (sg.user("sam"), {"ids": sorted([first.pk, second.pk])})


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "vic", "amir", "dana", "fern", "olly"])
def test_concern_pages_are_404_for_everyone_but_leads(sg, name):
    concern = make_concern(sg)
    client = sg.client(name)
    assert client.get(reverse("safeguarding:concerns")).status_code == 404
    url = reverse("safeguarding:concern", args=[concern.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"what_was_done": "x", "status": "closed"}).status_code == 404
    assert stored(ConcernAction) == 0


def test_a_lead_of_another_organisation_cannot_open_our_concern(sg):
    concern = make_concern(sg)
    response = sg.client("oscar").get(reverse("safeguarding:concern", args=[concern.pk]))
    assert response.status_code == 404


def test_concern_list_query_count_does_not_grow_with_concerns(sg):
    people = [PersonFactory(team=sg.team) for _ in range(3)]

    def add(n: int) -> None:
        for _ in range(n):
            make_concern(sg, person=people[stored(Concern)])

    assert_constant_queries(sg.client("sam"), reverse("safeguarding:concerns"), add)


def test_lead_reads_a_concern_records_an_action_and_changes_its_status(sg):
    concern = make_concern(sg)
    client = sg.client("sam")
    url = reverse("safeguarding:concern", args=[concern.pk])
    page = html(client.get(url))
    assert CONCERN_TEXT in page and "Nothing recorded yet." in page
    read = AuditEvent.objects.get(action="safeguarding.concern.viewed")
    assert (read.person_id, read.summary) == (sg.person.pk, {"ids": [concern.pk]})
    response = client.post(
        url, {"what_was_done": "Rang adult social care", "status": "being_looked_into"}
    )
    assert response.status_code == 302 and response.url == url
    page = html(client.get(url))
    assert "Rang adult social care" in page and "Being looked into" in page
    assert Concern.objects.for_system(REASON).get().status == "being_looked_into"


def test_concern_action_bad_input_shows_errors_and_writes_nothing(sg):
    concern = make_concern(sg)
    response = sg.client("sam").post(
        reverse("safeguarding:concern", args=[concern.pk]),
        {"what_was_done": "  ", "status": "lost"},
    )
    page = html(response)
    assert response.status_code == 400 and "There is a problem" in page
    assert 'href="#id_what_was_done"' in page and 'href="#id_status_0"' in page
    assert stored(ConcernAction) == 0


# The person page


def test_person_page_shows_a_worker_only_that_they_raised_a_concern(sg):
    make_concern(sg, by="alice")
    make_concern(sg, by="colin", text="Colin's separate worry")
    today = timezone.localdate().strftime("%-d %b %Y")
    alice = html(sg.client("alice").get(reverse("people:person", args=[sg.person.pk])))
    assert alice.count("You raised a concern on") == 1
    assert f"You raised a concern on {today}." in alice
    assert "Raise a safeguarding concern" in alice
    assert CONCERN_TEXT not in alice and "separate worry" not in alice
    cara = html(sg.client("cara").get(reverse("people:person", args=[sg.person.pk])))
    assert "You raised a concern" not in cara and "Raise a safeguarding concern" in cara


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "amir", "dana", "fern", "olly"])
def test_concern_text_never_appears_on_the_person_page_for_anyone_but_leads(sg, name):
    make_concern(sg, by="alice")
    services.add_concern_action(
        Concern.objects.for_system(REASON).get(),
        by=sg.members["sam"],
        what_was_done="Secret action taken",
        status="open",
    )
    response = sg.client(name).get(reverse("people:person", args=[sg.person.pk]))
    assert CONCERN_TEXT not in html(response) and "Secret action" not in html(response)
    assert "Open support records (override)" not in html(response)
    if name == "amir":
        assert response.status_code == 200 and "Safeguarding" not in html(response)
    if name in ("dana", "fern", "olly"):
        assert response.status_code == 404


def test_person_page_shows_a_lead_the_concerns_and_records_the_read(sg):
    concern = make_concern(sg, by="alice")
    page = html(sg.client("sam").get(reverse("people:person", args=[sg.person.pk])))
    assert CONCERN_TEXT in page and "raised by Alice" in page
    assert "Open support records (override)" in page
    event = AuditEvent.objects.get(action="safeguarding.concern.viewed")
    assert (event.actor, event.person_id, event.summary) == (
        sg.user("sam"), sg.person.pk, {"ids": [concern.pk]},
    )  # fmt: skip


@pytest.mark.parametrize("name", ["sam", "alice"])
def test_person_page_query_count_does_not_grow_with_concerns(sg, name):
    def add(n: int) -> None:
        for _ in range(n):
            make_concern(sg, by="alice")

    assert_constant_queries(sg.client(name), reverse("people:person", args=[sg.person.pk]), add)


@pytest.mark.parametrize(("name", "queries"), [("amir", 0), ("dana", 0), ("cara", 1), ("sam", 6)])
def test_the_safeguarding_panel_costs_a_worker_one_query_and_a_lead_two_plus_the_audit(
    sg, name, queries, django_assert_num_queries
):
    for _ in range(3):
        make_concern(sg, by="alice")
    make_override(sg)
    # Sam: concerns, his override; the read's audit event: savepoint, chain tail, insert, release
    # (and on PostgreSQL the advisory lock that orders appends to the chain).
    if queries and name == "sam" and connection.vendor == "postgresql":
        queries += 1
    with django_assert_num_queries(queries):
        render_person_panel("safeguarding", sg.members[name], sg.person)
