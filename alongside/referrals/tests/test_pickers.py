"""Issue 16's two worker choices use the worker picker (decision 0045): the triage page's "their
named worker" and the directory's "who keeps this entry". Any worker of the organisation can be
chosen by typing (the 300-name case), never a first page of a list; a worker of another
organisation is refused in plain words and nothing is saved."""

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from alongside.access.models import Membership, Role
from alongside.conftest import World
from alongside.directory.models import Service
from alongside.referrals import services
from alongside.referrals.models import InStatus, ReferralIn
from alongside.relationships.models import NamedWorkerSpell
from alongside.testing.clock import SUMMER_MIDDAY

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


@pytest.fixture
def outsider(world: World) -> Membership:
    """Olly, a supporter of another organisation, renamed to match the search."""
    membership: Membership = world.members["olly"]
    User.objects.filter(pk=membership.user_id).update(first_name="Olly", last_name="Zimmer")
    return membership


def _incoming(world: World) -> ReferralIn:
    partner, _key = services.add_partner(
        world.org, by=world.members["colin"], name="Riverside Surgery", email=""
    )
    return services.receive(
        partner,
        given_name="Robin",
        family_name="Newcombe",
        phone="07700 900555",
        need=services.needs_of(world.org)[0].code,
        agreed=True,
    )


def _html(response: Any) -> str:
    return str(response.content.decode())


def test_triage_finds_a_named_worker_beyond_any_list_by_typing(world, zoe):
    referral = _incoming(world)
    client = world.client("colin")
    url = reverse("referrals:incoming_one", args=[referral.pk])
    html = _html(client.get(url))
    assert "Aaron000" not in html  # no list of everyone: search first
    assert '<form id="pick-worker" method="get"' in html
    html = _html(client.get(url, {"worker_search": "zimm"}))
    assert re.search(rf'name="worker" value="{zoe.pk}"', html)
    assert "Supporter · Link workers" in html
    response = client.post(url, {"decision": "accept", "team": world.team.pk, "worker": zoe.pk})
    assert response.status_code == 302, _html(response)[:3000]
    referral.refresh_from_db()
    assert referral.status == InStatus.ACCEPTED
    assert NamedWorkerSpell.objects.get(person=referral.person).worker == zoe


def test_triage_refuses_a_worker_of_another_organisation(world, outsider):
    referral = _incoming(world)
    client = world.client("colin")
    url = reverse("referrals:incoming_one", args=[referral.pk])
    assert "Olly" not in _html(client.get(url, {"worker_search": "zimm"}))
    spells = NamedWorkerSpell.objects.count()
    response = client.post(
        url, {"decision": "accept", "team": world.team.pk, "worker": outsider.user_id}
    )
    assert response.status_code == 400 and REFUSED in _html(response)
    referral.refresh_from_db()
    assert referral.status == InStatus.WAITING and NamedWorkerSpell.objects.count() == spells


def _service(world: World, keeper: int) -> dict[str, Any]:
    return {"name": "Knit and natter", "status": "active", "keeper": keeper}


def test_the_directory_keeper_is_found_by_typing_and_saved(world, zoe):
    client = world.client("colin")
    url = reverse("directory:add_service")
    html = _html(client.get(url))
    assert "Aaron000" not in html
    assert '<form id="pick-keeper" method="get"' in html
    membership = Membership.objects.get(user=zoe)
    html = _html(client.get(url, {"keeper_search": "zimm"}))
    assert re.search(rf'name="keeper" value="{membership.pk}"', html)
    response = client.post(url, _service(world, membership.pk))
    assert response.status_code == 302, _html(response)[:3000]
    assert Service.objects.get(name="Knit and natter").keeper == membership


def test_the_directory_keeper_refuses_a_worker_of_another_organisation(world, outsider):
    client = world.client("colin")
    url = reverse("directory:add_service")
    assert "Olly" not in _html(client.get(url, {"keeper_search": "zimm"}))
    response = client.post(url, _service(world, outsider.pk))
    assert response.status_code == 400 and REFUSED in _html(response)
    assert not Service.objects.filter(name="Knit and natter").exists()
