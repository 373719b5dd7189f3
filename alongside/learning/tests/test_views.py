"""Pages: who may use them (everyone else 404), answers per field, nothing half-saved, and
aggregate pages that hold no worker names and none of the person's words."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification, Role
from alongside.audit.models import AuditEvent
from alongside.common.figures import FRESH_FOR, worked_out
from alongside.common.models import WorkedOutFigures
from alongside.common.tasks import refresh_figures
from alongside.learning import queries, services
from alongside.learning.models import ContactDemand, Need, Spend
from alongside.learning.scorecard import scorecard_figures
from alongside.learning.tests.helpers import contact, demand, need, people, spend
from alongside.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-learn-7f3a"
EVERYONE = ("alice", "cara", "colin", "vic", "amir", "sam", "dana", "fern", "olly")


def test_marking_demand_from_the_contact(world):
    c = contact(world, world.person)
    url = reverse("learning:contact_demand", args=[world.person.pk, c.pk])
    client = world.client("alice")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "failure", "failure_kind": "", "in_their_words": "x"})
    assert response.status_code == 400
    assert "Choose what went wrong." in response.content.decode()
    assert not ContactDemand.objects.exists()
    response = client.post(
        url, {"kind": "failure", "failure_kind": "chasing", "in_their_words": CANARY}
    )
    assert response.status_code == 302
    page = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    assert "Failure demand" in page and "chasing progress" in page
    # the words are support sphere: not on the shared timeline
    assert CANARY not in page
    # reading them back is audited
    assert CANARY in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="learning.demandwords.viewed").count() == 1


@pytest.mark.parametrize("name", ["cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_marking_demand_is_refused_with_404(world, name):
    c = contact(world, world.person)
    url = reverse("learning:contact_demand", args=[world.person.pk, c.pk])
    assert world.client(name).get(url).status_code == 404
    assert world.client(name).post(url, {"kind": "value"}).status_code == 404
    assert not ContactDemand.objects.exists()


def test_coordinator_marks_without_reading_words_they_cannot_see(world):
    c = contact(world, world.person)
    services.mark_demand(
        c, by=world.members["alice"], kind="failure", failure_kind="chasing", in_their_words="w w w"
    )
    url = reverse("learning:contact_demand", args=[world.person.pk, c.pk])
    assert (
        world.client("colin")
        .post(url, {"kind": "failure", "failure_kind": "sent_back"})
        .status_code
        == 302
    )
    assert ContactDemand.objects.get().failure_kind == "sent_back"


def test_needs_open_and_close_through_the_pages(world):
    client = world.client("alice")
    url = reverse("learning:person_needs", args=[world.person.pk])
    response = client.post(url, {"in_their_words": "", "first_contact_on": ""})
    assert response.status_code == 400 and not Need.objects.for_system("test").exists()
    response = client.post(
        url,
        {"in_their_words": f"Somewhere to live {CANARY}", "first_contact_on": timezone.localdate()},
    )
    need_obj = Need.objects.for_system("test").get()
    assert response.status_code == 302 and response.url == reverse(
        "learning:need", args=[need_obj.pk]
    )
    need_url = reverse("learning:need", args=[need_obj.pk])
    response = client.post(need_url, {"on": timezone.localdate(), "reason": "", "words": ""})
    assert response.status_code == 400
    assert "they tell you it is sorted" in response.content.decode()
    assert Need.objects.for_system("test").get().status == "open"
    response = client.post(need_url, {"on": timezone.localdate(), "person_confirmed": "on"})
    assert response.status_code == 302
    assert Need.objects.for_system("test").get().status == "met"
    assert AuditEvent.objects.filter(action="learning.need.viewed").exists()


@pytest.mark.parametrize("name", ["cara", "vic", "dana", "fern", "olly", "amir", "sam"])
def test_a_need_is_hidden_from_who_may_not_read_support_words(world, name):
    n = need(world, world.person, opened=timezone.localdate())
    url = reverse("learning:need", args=[n.pk])
    assert world.client(name).get(url).status_code == 404
    assert (
        world.client(name)
        .post(url, {"person_confirmed": "on", "on": timezone.localdate()})
        .status_code
        == 404
    )
    assert Need.objects.for_system("test").get().status == "open"


def test_spend_pages_route_above_the_limit_to_a_coordinator(world):
    client = world.client("alice")
    url = reverse("learning:record_spend", args=[world.person.pk])
    for bad in ("0", "-3", "1.234"):
        response = client.post(
            url, {"amount": bad, "purpose": "Bus", "spent_on": timezone.localdate()}
        )
        assert response.status_code == 400, bad
        assert 'id="field-amount"' in response.content.decode()
    assert not Spend.objects.for_system("test").exists()
    response = client.post(
        url, {"amount": "75.00", "purpose": f"A cooker {CANARY}", "spent_on": timezone.localdate()}
    )
    asked = Spend.objects.for_system("test").get()
    assert response.status_code == 302 and asked.status == "asked"
    note = Notification.objects.get(user=world.user("colin"))
    assert CANARY not in note.text and note.url == reverse("learning:spend", args=[asked.pk])
    decide = reverse("learning:decide_spend", args=[asked.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404  # the spender
    assert (
        world.client("colin").post(decide, {"decision": "decline", "reason": ""}).status_code == 400
    )
    assert Spend.objects.for_system("test").get().status == "asked"
    assert world.client("colin").post(decide, {"decision": "approve"}).status_code == 302
    assert Spend.objects.for_system("test").get().status == "approved"


def test_coordinator_of_another_team_cannot_approve_through_the_page(world):
    from alongside.access.models import Team

    other = MembershipFactory(
        organisation=world.org,
        user=UserFactory(username="otto"),
        role=Role.COORDINATOR,
        team=Team.objects.create(organisation=world.org, name="Advice"),
    )
    asked = spend(world, world.person, "90.00")
    from django.test import Client

    client = Client()
    client.force_login(other.user)
    decide = reverse("learning:decide_spend", args=[asked.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert client.get(reverse("learning:spend", args=[asked.pk])).status_code == 404
    assert Spend.objects.for_system("test").get().status == "asked"


def test_settings_page_is_the_data_leads(world):
    url = reverse("learning:settings")
    for name in EVERYONE:
        if name != "dana":
            assert world.client(name).get(url).status_code == 404, name
    client = world.client("dana")
    response = client.post(url, {"discretion_limit": "-1", "currency": "GBP"})
    assert response.status_code == 400
    assert client.post(url, {"discretion_limit": "25.00", "currency": "eur"}).status_code == 302
    assert AuditEvent.objects.filter(action="learning.settings.changed").count() == 1


@pytest.mark.parametrize("url_name", ["learning:team", "learning:scorecard"])
def test_team_pages_are_for_coordinators_and_the_data_lead(world, url_name):
    url = reverse(url_name)
    for name in EVERYONE:
        status = world.client(name).get(url).status_code
        assert status == (200 if name in ("colin", "dana") else 404), name


def _busy_team(world):
    today = timezone.localdate()
    crowd = people(world, 6)
    for index, person in enumerate(crowd):
        demand(world, person, "failure", on=today - timedelta(days=2), words=f"{CANARY} {index}")
        demand(world, person, "value", on=today - timedelta(days=1))
        n = need(world, person, opened=today - timedelta(days=5), words=f"{CANARY} need")
        services.close_need(n, by=world.members["alice"], on=today, person_confirmed=True)
        spend(world, person, "12.00", purpose=f"{CANARY} spend")
    spend(world, world.person, "70.00", by="cara", purpose=f"{CANARY} asked")


@pytest.mark.parametrize("name", ["colin", "dana"])
@pytest.mark.parametrize("url_name", ["learning:team", "learning:scorecard"])
def test_aggregate_pages_hold_no_words_and_no_worker_names(world, name, url_name):
    _busy_team(world)
    url = reverse(url_name) + f"?team={world.team.pk}"
    page = world.client(name).get(url).content.decode()
    assert CANARY not in page
    for worker in ("Alice", "Cara", "alice", "cara"):
        assert worker not in page, worker
    assert "Pat" not in page
    if url_name == "learning:team":
        assert "fewer than 5" in page  # e.g. spends waiting, needs still open
        assert "50%" in page  # failure demand share: 6 of 12


def test_scorecard_shows_every_panel_with_its_definition(world):
    page = world.client("dana").get(reverse("learning:scorecard") + "?team=all").content.decode()
    for panel in (
        "autonomy",
        "continuity",
        "training",
        "attitudes",
        "separation",
        "failure_demand",
        "connection",
    ):
        assert f'id="panel-{panel}"' in page
    assert "Relationship Check" in page


def test_person_needs_page_for_workers_who_see_the_person(world):
    url = reverse("learning:person_needs", args=[world.person.pk])
    contact(world, world.person, worker="vic")  # vic met Pat
    for name in EVERYONE:
        expected = 200 if name in ("alice", "cara", "colin", "vic") else 404
        assert world.client(name).get(url).status_code == expected, name
    other = reverse("learning:person_needs", args=[world.other_person.pk])
    assert world.client("alice").get(other).status_code == 404
    assert world.client("olly").get(other).status_code == 200


def _contact_post(world, **demand):
    data = {
        # An hour ago as an instant, then written in local time: an hour back on the clock face
        # is a time that never happened in the hour after the clocks go forward.
        "at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone",
        "minutes": "20",
        "initiated_by": "person",
        "worker": world.user("alice").pk,
    }
    return data | {f"demand-{key}": value for key, value in demand.items()}


def test_demand_is_marked_while_recording_a_contact(world):
    from alongside.relationships.models import Contact

    client = world.client("alice")
    url = reverse("relationships:record_contact", args=[world.person.pk])
    page = client.get(url).content.decode()
    assert 'name="demand-kind"' in page
    response = client.post(url, _contact_post(world, kind="failure", failure_kind=""))
    assert response.status_code == 400
    assert "Choose what went wrong." in response.content.decode()
    assert not Contact.objects.exists() and not ContactDemand.objects.exists()
    response = client.post(
        url, _contact_post(world, kind="failure", failure_kind="retelling", in_their_words=CANARY)
    )
    assert response.status_code == 302
    marked = ContactDemand.objects.get()
    assert marked.contact == Contact.objects.get() and marked.failure_kind == "retelling"
    # not marking stays quick: the contact alone
    assert client.post(url, _contact_post(world), HTTP_HX_REQUEST="true").status_code == 200
    assert Contact.objects.count() == 2 and ContactDemand.objects.count() == 1


def test_a_need_opens_from_a_contact_on_its_day(world):
    c = contact(world, world.person, on=timezone.localdate() - timedelta(days=4))
    response = world.client("alice").post(
        reverse("learning:person_needs", args=[world.person.pk]),
        {"in_their_words": "Help with a debt letter", "contact": c.pk},
    )
    assert response.status_code == 302
    opened = Need.objects.for_system("test").get()
    assert opened.first_contact_id == c.pk and opened.first_contact_on == timezone.localdate(c.at)
    other = contact(world, world.other_person, worker="olly")
    response = world.client("alice").post(
        reverse("learning:person_needs", args=[world.person.pk]),
        {"in_their_words": "Help with a debt letter", "contact": other.pk},
    )
    assert response.status_code == 404


def test_a_goal_is_recorded_on_the_need_page_and_refused_to_outsiders(world):
    n = need(world, world.person, opened=timezone.localdate())
    url = reverse("learning:need", args=[n.pk])
    client = world.client("alice")
    assert "Record their goal" in client.get(url).content.decode()
    response = client.post(url, {"action": "goal", "goal": f"A job I like {CANARY}"})
    assert response.status_code == 400 and "Say who set this goal." in response.content.decode()
    assert Need.objects.for_system("test").get().goal == ""
    for name in ("cara", "olly", "fern"):
        answer = world.client(name).post(
            url, {"action": "goal", "goal": "Someone else's idea", "goal_set_by": "worker"}
        )
        assert answer.status_code == 404
    response = client.post(
        url, {"action": "goal", "goal": f"A job I like {CANARY}", "goal_set_by": "person"}
    )
    assert response.status_code == 302
    stored = Need.objects.for_system("test").get()
    assert (stored.goal, stored.goal_set_by, stored.status) == (
        f"A job I like {CANARY}",
        "person",
        "open",  # setting a goal never closes the need
    )
    page = client.get(reverse("learning:person_needs", args=[world.person.pk])).content.decode()
    assert "A job I like" in page and "they set it themselves" in page
    scorecard_page = world.client("colin").get(reverse("learning:scorecard")).content.decode()
    assert CANARY not in scorecard_page


@pytest.mark.parametrize(
    ("url_name", "compute"),
    [("learning:team", queries.team_figures), ("learning:scorecard", scorecard_figures)],
)
def test_team_pages_keep_their_figures_for_ten_minutes_then_refresh_them(
    world, url_name, compute, django_capture_on_commit_callbacks
):
    """Decision 0133: the kept figures read back equal to those worked out afresh; a page within
    ten minutes shows them as kept; then it shows them once more while one refresh is queued."""
    _busy_team(world)
    url = reverse(url_name) + f"?team={world.team.pk}"
    client = world.client("colin")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        first = client.get(url).content.decode()
        assert "These figures were worked out on" in first
        kept = WorkedOutFigures.objects.get()
        assert CANARY not in json.dumps(kept.figures)
        assert worked_out(compute, world.org.pk, world.team.pk, None, None).figures == compute(
            world.org.pk, world.team.pk, None, None
        )
        _busy_team(world)  # twice the demand, needs and spends
        assert _figures_on(client.get(url).content.decode()) == _figures_on(first)
    with time_machine.travel(now + FRESH_FOR + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            stale = client.get(url).content.decode()
        assert "Newer figures are being worked out now" in stale
        assert _figures_on(stale) == _figures_on(first)
        assert refresh_figures.call(kept.key) == "worked out"
        fresh = client.get(url).content.decode()
    assert _figures_on(fresh) != _figures_on(first)
    assert CANARY not in json.dumps(WorkedOutFigures.objects.get().figures)


def _figures_on(page: str) -> str:
    """The page's main content without the note saying when its figures were worked out."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r'<p class="muted worked-out".*?</p>', "", main)
