"""The worker picker (access/pickers.py) on every form that chooses a worker: any worker of the
organisation can be chosen, not the first names of a list (the 300-name case); what is offered
and accepted are the organisation's workers only; a refusal is in plain words and saves
nothing; it works without JavaScript; a search costs the same queries however many match."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.conftest import World
from alongside.people.models import ConsentToShare
from alongside.relationships.models import (
    Allocation,
    Contact,
    Handover,
    NamedWorkerSpell,
    WorkerRequest,
)
from alongside.spaces.models import Space
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import PersonFactory
from alongside.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

User = get_user_model()
REFUSED = "Choose a worker from the list. The worker you chose cannot be chosen here."


@pytest.fixture
def zoe(world: World) -> Any:
    """310 workers whose names sort before Zoe Zimmer, then Zoe Zimmer (a link worker)."""
    users = User.objects.bulk_create(
        User(username=f"aaron{n:03d}", first_name=f"Aaron{n:03d}", last_name="Marsh")
        for n in range(310)
    )
    Membership.objects.bulk_create(
        Membership(organisation=world.org, user=u, role=Role.SUPPORTER, started_on=date(2024, 1, 1))
        for u in users
    )
    user = User.objects.create(username="zoe", first_name="Zoe", last_name="Zimmer")
    Membership.objects.create(
        organisation=world.org,
        user=user,
        role=Role.SUPPORTER,
        team=world.team,
        started_on=date(2024, 1, 1),
    )
    return user


def html_of(response: Any) -> str:
    return str(response.content.decode())


def _contact(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "mode": "phone",
        "minutes": "20",
        "initiated_by": "person",
        "asked_for": "",
        "worker": world.user("alice").pk,
        **fields,
    }


# Each form that chooses a worker: who uses it, its URL, the picker's name, what else it needs,
# and how many records it made (to show the save, and that a refusal saved nothing).
Case = tuple[str, str, str, Callable[[World], dict[str, Any]], Callable[[], int]]
CASES: dict[str, Case] = {
    "assign named worker": (
        "colin",
        "relationships:assign_named_worker",
        "worker",
        lambda w: {"started_on": timezone.localdate().isoformat()},
        lambda: NamedWorkerSpell.objects.count(),
    ),
    "their request": (
        "alice",
        "relationships:record_worker_request",
        "requested_worker",
        lambda w: {"in_their_words": "Zoe helped my sister"},
        lambda: WorkerRequest.objects.count(),
    ),
    "handover": (
        "colin",
        "relationships:plan_handover",
        "to_worker",
        lambda w: {"reason": "person_chose"},
        lambda: Handover.objects.count(),
    ),
    "allocation": (
        "colin",
        "relationships:allocate_worker",
        "worker",
        lambda w: {},
        lambda: Allocation.objects.count(),
    ),
    "contact: worker": (
        "alice",
        "relationships:record_contact",
        "worker",
        lambda w: {k: v for k, v in _contact(w).items() if k != "worker"},
        lambda: Contact.objects.count(),
    ),
    "contact: also there": (
        "alice",
        "relationships:record_contact",
        "also_present",
        _contact,
        lambda: Contact.also_present.through.objects.count(),
    ),
}


def subject(world: World, case: str) -> Any:
    """Pat, or for a first named worker someone who has none yet."""
    return PersonFactory(team=world.team) if case == "assign named worker" else world.person


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_worker_beyond_any_list_is_found_by_typing_and_saved(world, zoe, case):
    who, url_name, field, extra, made = CASES[case]
    client = world.client(who)
    url = reverse(url_name, args=[subject(world, case).pk])
    html = html_of(client.get(url))
    assert "Aaron000" not in html  # no list of everyone: search first
    # Without JavaScript: "Find" is a GET form of its own, outside the form that saves.
    assert f'<form id="pick-{field}" method="get"' in html
    assert f'name="{field}_search" form="pick-{field}"' in html
    html = html_of(client.get(url, {f"{field}_search": "zimm"}))
    assert re.search(rf'name="{field}" value="{zoe.pk}"', html)
    assert "Supporter · Link workers" in html  # role and team tell two workers apart
    before = made()
    response = client.post(url, {**extra(world), field: zoe.pk})
    assert response.status_code == 302, html_of(response)
    assert made() == before + 1


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_someone_who_is_not_a_worker_here_is_not_offered_and_is_refused(world, case):
    who, url_name, field, extra, made = CASES[case]
    client = world.client(who)
    url = reverse(url_name, args=[subject(world, case).pk])
    for outsider in ("olly", "fern"):  # another organisation's worker; the funder
        html = html_of(client.get(url, {f"{field}_search": outsider}))
        assert f'value="{world.user(outsider).pk}"' not in html
        assert "who can be chosen here" in html
        before = made()
        response = client.post(url, {**extra(world), field: world.user(outsider).pk})
        assert response.status_code == 400
        assert REFUSED in html_of(response)
        assert made() == before  # nothing half-saved


def test_a_link_pre_fills_the_handover(world, zoe):
    url = reverse("relationships:plan_handover", args=[world.person.pk])
    html = html_of(world.client("colin").get(url, {"reason": "worker_left", "to_worker": zoe.pk}))
    assert re.search(rf'value="{zoe.pk}"\s+checked', html) and "Zoe Zimmer" in html
    assert re.search(r'value="worker_left"[^>]*checked', html)
    # Someone the picker would not accept is not shown, even from a link.
    html = html_of(world.client("colin").get(url, {"to_worker": world.user("olly").pk}))
    assert f'value="{world.user("olly").pk}"' not in html


def test_a_request_for_a_worker_pre_fills_the_coordinators_answer(world, zoe):
    WorkerRequest.objects.create(
        organisation=world.org,
        person=world.person,
        requested_worker=zoe,
        requested_on=timezone.localdate(),
        recorded_by=world.user("alice"),
    )
    html = html_of(
        world.client("colin").get(
            reverse("relationships:assign_named_worker", args=[world.person.pk])
        )
    )
    assert re.search(rf'value="{zoe.pk}"\s+checked', html)
    assert "Zoe Zimmer" in html


def test_the_contact_page_keeps_workers_ticked_while_searching_for_another(world, zoe):
    url = reverse("relationships:record_contact", args=[world.person.pk])
    html = html_of(
        world.client("alice").get(url, {"also_present_search": "aaron001", "also_present": zoe.pk})
    )
    assert re.search(
        rf'type="checkbox" id="id_also_present_{zoe.pk}" name="also_present" value="{zoe.pk}"\s+checked',
        html,
    )
    assert 'name="also_present" value=' in html.split("Aaron001")[0]
    # The person page's quick form lists only the workers around the person, as before.
    html = html_of(world.client("alice").get(reverse("people:person", args=[world.person.pk])))
    assert 'name="quick" value="1"' in html and "Zoe Zimmer" not in html


def test_consent_shared_with_one_worker_found_by_typing(world, zoe):
    client = world.client("alice")
    url = reverse("people:grant_consent", args=[world.person.pk])
    html = html_of(client.get(url, {"grantee_user_search": "zoe"}))
    assert f'name="grantee_user" value="{zoe.pk}"' in html
    expires = (timezone.localdate().replace(day=1) + timezone.timedelta(days=60)).isoformat()
    data = {
        "scope": "all_support_notes",
        "grantee_user": zoe.pk,
        "purpose": "So Zoe can cover",
        "expires_on": expires,
        "confirm": "yes",
    }
    response = client.post(url, {**data, "grantee_user": world.user("olly").pk})
    assert response.status_code == 400 and REFUSED in html_of(response)
    assert ConsentToShare.objects.count() == 0
    response = client.post(url, data)
    assert response.status_code == 302, html_of(response)
    assert ConsentToShare.objects.get().grantee_user == zoe


def test_a_spaces_host_found_by_typing(world, zoe):
    client = world.client("colin")
    url = reverse("spaces:create")
    html = html_of(client.get(url, {"host_search": "zimmer"}))
    assert f'name="host" value="{zoe.pk}"' in html
    data = {
        "name": "Tuesday lunch",
        "access": "drop_in",
        "venue": "The library",
        "team": world.team.pk,
        "host": world.user("fern").pk,
    }
    response = client.post(url, data)
    assert response.status_code == 400 and REFUSED in html_of(response)
    assert Space.objects.count() == 0
    response = client.post(url, {**data, "host": zoe.pk})
    assert response.status_code == 302, html_of(response)
    assert Space.objects.get().host == zoe


def test_a_worker_search_costs_the_same_queries_however_many_match(world):
    url = (
        reverse("relationships:record_contact", args=[world.person.pk])
        + "?worker_search=bea&also_present_search=bea"
    )

    def add(n: int) -> None:
        for _ in range(n):
            user = User.objects.create(
                username=f"bea{User.objects.count()}", first_name="Bea", last_name="Stone"
            )
            Membership.objects.create(
                organisation=world.org, user=user, role=Role.VOLUNTEER, started_on=date(2024, 1, 1)
            )

    assert_constant_queries(world.client("alice"), url, add)


def test_a_person_found_by_their_birthday_in_a_crowd_of_the_same_name(world):
    """The second identifier in the person picker: two Dean Pearsons told apart."""
    PersonFactory(team=world.team, given_name="Dean", family_name="Pearson",
                  date_of_birth=date(1980, 2, 1), postcode="LS6 1AA")  # fmt: skip
    PersonFactory(team=world.team, given_name="Dean", family_name="Pearson",
                  date_of_birth=date(1991, 7, 9), postcode="LS2 9ZZ")  # fmt: skip
    html = html_of(
        world.client("alice").get(
            reverse("connections:propose", args=[world.person.pk]), {"other_search": "dean"}
        )
    )
    assert "born 1980" in html and "LS6" in html
    assert "born 1991" in html and "LS2" in html


def test_the_audit_logs_worker_filter_finds_anyone_who_worked_here(world, zoe):
    url = reverse("audit:log")
    client = world.client("dana")
    html = html_of(client.get(url))
    assert 'name="worker_search"' in html and "Aaron000" not in html
    html = html_of(client.get(url, {"worker_search": "zoe"}))
    assert f'name="worker" value="{zoe.pk}"' in html
    html = html_of(client.get(url, {"worker_search": "olly"}))
    assert f'value="{world.user("olly").pk}"' not in html


@pytest.fixture
def crowd(world: World) -> dict[str, Any]:
    """2,500 workers, then Aydın Yılmaz and Mairead O'Brien (decision 0081's size)."""
    users = User.objects.bulk_create(
        User(username=f"w{n:04d}", first_name=f"Worker{n:04d}", last_name="Crowd")
        for n in range(2500)
    )
    Membership.objects.bulk_create(
        Membership(organisation=world.org, user=u, role=Role.VOLUNTEER, started_on=date(2024, 1, 1))
        for u in users
    )
    named = {}
    for username, first, last in (("aydin", "Aydın", "Yılmaz"), ("mob", "Mairead", "O'Brien")):
        user = User.objects.create(username=username + "1", first_name=first, last_name=last)
        Membership.objects.create(
            organisation=world.org, user=user, role=Role.SUPPORTER, started_on=date(2024, 1, 1)
        )
        named[username] = user
    return named


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Aydin", "aydin"),
        ("AYDIN yilmaz", "aydin"),
        ("obrien", "mob"),
        ("O’Brien", "mob"),
        ("mairead o'brien", "mob"),
    ],
)
def test_the_worker_picker_folds_names_as_the_person_search_does(world, crowd, typed, who):
    url = reverse("relationships:record_contact", args=[world.person.pk])
    html = html_of(world.client("alice").get(url, {"worker_search": typed}))
    assert f'name="worker" value="{crowd[who].pk}"' in html
    other = crowd["mob" if who == "aydin" else "aydin"]
    assert f'value="{other.pk}"' not in html


def test_a_folded_worker_search_is_one_narrow_read_of_names_then_the_rows_shown(world, crowd):
    from alongside.access.pickers import WorkerPicker
    from alongside.access.queries import worker_users

    picker = WorkerPicker()
    workers = worker_users(world.org.pk)
    found = picker.find(workers, world.members["alice"], "worker00")
    assert [u.username for u in found] == [f"w{n:04d}" for n in range(10)]
    assert picker.find(workers, world.members["alice"], "nobody") == []
    assert picker.find(workers, world.members["alice"], " ' ") == []
