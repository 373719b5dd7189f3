"""Issue 16 gaps closed in session 5: a referral partner switched off (and back on) from the
partners page by a coordinator or the data lead, its key and form stopping at once with a clear
message, audited; and "Refer someone" both ways between the directory and a person's page."""

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.directory.models import Service, ServiceSource
from alongside.directory.services import add_term
from alongside.referrals import services
from alongside.referrals.models import ReferralIn

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)

SWITCHED_OFF = "Referrals from your organisation are switched off at the moment."


def _page(response):
    return response.content.decode()


def _form(key):
    return {"key": key, "given_name": "Robin", "phone": "0700", "need": "money", "agreed": "on"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colin", "dana"])
def test_a_switched_off_partner_is_told_so_on_the_form_and_the_api_until_switched_back_on(
    world, client, who
):
    partner, key = services.add_partner(
        world.org, by=world.members["colin"], name="Riverside Surgery", email=""
    )
    manager = world.client(who)
    page = _page(manager.get(reverse("referrals:partners")))
    assert "Riverside Surgery" in page and "Switch off" in page
    switch = reverse("referrals:switch_partner", args=[partner.pk])
    assert manager.post(switch).status_code == 302
    partner.refresh_from_db()
    assert not partner.active
    assert AuditEvent.objects.filter(action="referrals.partner.switched_off").count() == 1
    assert "Switched off: their key and form do not work" in _page(
        manager.get(reverse("referrals:partners"))
    )
    # At once: the form refuses with a clear message, the API with a 403 that says so.
    form = reverse("referrals:partner_form")
    response = client.post(form, _form(key))
    assert response.status_code == 403 and SWITCHED_OFF in _page(response)
    response = client.post(form, {"key": key})
    assert response.status_code == 403 and 'name="given_name"' not in _page(response)
    api = client.post(
        "/api/v1/referrals/in",
        {"given_name": "Robin", "phone": "0700", "need": "money", "agreed": True},
        content_type="application/json",
        headers={"X-Partner-Key": key},
    )
    assert api.status_code == 403 and SWITCHED_OFF in api.json()["detail"]
    assert client.get("/api/v1/referrals/needs", headers={"X-Partner-Key": key}).status_code == 403
    assert ReferralIn.objects.count() == 0
    # A wrong key is still "does not work" (404 on the API): nothing learnt from a guess.
    assert "That key does not work" in _page(client.post(form, _form("guess")))
    # Back on: the same key works again.
    assert manager.post(switch, {"active": "on"}).status_code == 302
    assert AuditEvent.objects.filter(action="referrals.partner.switched_on").count() == 1
    response = client.post(form, _form(key))
    assert response.status_code == 200 and ReferralIn.objects.count() == 1


@pytest.mark.django_db
def test_the_data_lead_rotates_a_key_from_the_same_page(world, client):
    partner, key = services.add_partner(
        world.org, by=world.members["colin"], name="Riverside Surgery", email=""
    )
    response = world.client("dana").post(reverse("referrals:rotate_key", args=[partner.pk]))
    assert response.status_code == 200
    assert services.partner_for_key(key) is None
    assert "Referral partners" in _page(world.client("dana").get(reverse("inbox:inbox")))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "amir", "fern"])
def test_only_coordinators_and_the_data_lead_switch_partners(world, who):
    partner, _key = services.add_partner(
        world.org, by=world.members["colin"], name="Riverside Surgery", email=""
    )
    client = world.client(who)
    assert client.get(reverse("referrals:partners")).status_code == 404
    response = client.post(reverse("referrals:switch_partner", args=[partner.pk]))
    assert response.status_code == 404
    partner.refresh_from_db()
    assert partner.active


def _service(world, **extra):
    need = add_term(world.members["colin"], "Lonely since the move")
    service = Service.objects.create(
        organisation=world.org,
        name="Knit and natter",
        source=ServiceSource.LOCAL,
        status="active",
        **extra,
    )
    service.terms.add(need)
    return service, need


@pytest.mark.django_db
def test_refer_someone_from_a_directory_entry_picks_the_person_then_fills_the_service(world):
    service, need = _service(world)
    client = world.client("alice")
    page = _page(client.get(reverse("directory:service", args=[service.pk])))
    start = reverse("referrals:refer_to_service", args=[service.pk])
    assert f'href="{start}"' in page
    page = _page(client.get(start))
    assert '<form id="pick-person" method="get"' in page
    page = _page(client.get(start, {"person_search": world.person.given_name}))
    assert f'name="person" value="{world.person.pk}"' in page
    response = client.post(start, {"person": world.person.pk})
    refer = reverse("referrals:refer", args=[world.person.pk])
    assert response.status_code == 302 and response["Location"] == f"{refer}?service={service.pk}"
    page = _page(client.get(response["Location"]))
    assert f'<option value="{service.pk}" selected>Knit and natter</option>' in page
    assert f'<option value="{need.code}" selected>' in page
    # Someone they cannot see cannot be picked.
    response = client.post(start, {"person": world.other_person.pk})
    assert response.status_code == 400


@pytest.mark.django_db
def test_from_the_person_page_the_directory_opens_for_them_and_offers_to_refer_them(world):
    service, _need = _service(world)
    client = world.client("alice")
    person_page = _page(client.get(reverse("people:person", args=[world.person.pk])))
    search = f"{reverse('directory:search')}?for={world.person.pk}"
    assert f'href="{search}"' in person_page
    page = _page(client.get(search))
    refer = f"{reverse('referrals:refer', args=[world.person.pk])}?service={service.pk}"
    assert f"Finding a service for {world.person.display_name}" in page
    assert f'href="{refer}"' in page
    assert 'name="for"' in page  # a search keeps who it is for
    page = _page(client.get(reverse("directory:search"), {"for": world.person.pk, "words": "knit"}))
    assert f'href="{refer}"' in page
    detail = _page(
        client.get(f"{reverse('directory:service', args=[service.pk])}?for={world.person.pk}")
    )
    assert f'href="{refer}"' in detail
    # Someone they cannot see: the directory opens as usual, for nobody.
    page = _page(client.get(f"{reverse('directory:search')}?for={world.other_person.pk}"))
    assert "Finding a service for" not in page and world.other_person.given_name not in page
