from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Role
from alongside.audit.models import AuditEvent
from alongside.eligibility.models import ReferralPartner, Voucher
from alongside.people.models import Person
from alongside.relationships.models import WorkerRequest
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    UserFactory,
)

NOT_ALLOWED = ["alice", "cara", "vic", "colin", "sam", "dana", "fern", "olly"]


def _stored(voucher: Voucher) -> Voucher:
    return Voucher.objects.for_system("test").get(pk=voucher.pk)


def _urls(voucher: Voucher, partner: ReferralPartner) -> list[tuple[str, str]]:
    """Every eligibility URL, with the method it answers."""
    return [
        ("get", reverse("eligibility:foodbank")),
        ("post", reverse("eligibility:foodbank")),
        ("get", reverse("eligibility:record_voucher")),
        ("post", reverse("eligibility:record_voucher")),
        ("get", reverse("eligibility:voucher", args=[voucher.pk])),
        ("get", reverse("eligibility:redeem_voucher", args=[voucher.pk])),
        ("post", reverse("eligibility:redeem_voucher", args=[voucher.pk])),
        ("post", reverse("eligibility:accept_support_offer", args=[voucher.pk])),
        ("get", reverse("eligibility:partners")),
        ("post", reverse("eligibility:partners")),
        ("post", reverse("eligibility:change_partner", args=[partner.pk])),
    ]


def test_the_assessor_reaches_every_page(world, partner, make_voucher):
    voucher = make_voucher()
    client = world.client("amir")
    for name, args in (
        ("eligibility:foodbank", []),
        ("eligibility:record_voucher", []),
        ("eligibility:voucher", [voucher.pk]),
        ("eligibility:redeem_voucher", [voucher.pk]),
        ("eligibility:partners", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name


@pytest.mark.parametrize("name", NOT_ALLOWED)
def test_every_other_role_and_the_outsider_get_404_everywhere(world, partner, make_voucher, name):
    voucher = make_voucher(person=world.person)
    client = world.client(name)
    for method, url in _urls(voucher, partner):
        response = getattr(client, method)(url, {"active": "no", "agreed": "on"})
        assert response.status_code == 404, (method, url)
    assert ReferralPartner.objects.get().active is True
    assert WorkerRequest.objects.count() == 0


def test_an_assessor_of_another_organisation_gets_404_for_our_records(world, partner, make_voucher):
    MembershipFactory(
        organisation=world.other_org, role=Role.ASSESSOR, user=UserFactory(username="oscar")
    )
    voucher = make_voucher(person=world.person)
    client = world.client("amir")
    client.force_login(world.other_org.memberships.get(role=Role.ASSESSOR).user)
    assert client.get(reverse("eligibility:foodbank")).status_code == 200
    with_our_ids = [
        (method, url)
        for method, url in _urls(voucher, partner)
        if f"/{voucher.pk}/" in url or f"/{partner.pk}/" in url
    ]
    assert len(with_our_ids) == 5
    for method, url in with_our_ids:
        response = getattr(client, method)(url, {"active": "no", "agreed": "on"})
        assert response.status_code == 404, (method, url)
    # ...and finding our voucher's code finds nothing.
    response = client.post(reverse("eligibility:foodbank"), {"code": voucher.code})
    assert response.status_code == 400
    assert "No voucher has this code" in response.content.decode()


def test_the_outsider_gets_404_even_for_a_voucher_of_their_own_organisation(world):
    theirs = ReferralPartner.objects.create(
        organisation=world.other_org, name="Hillside GP", kind="gp_surgery"
    )
    voucher = Voucher.objects.create(
        organisation=world.other_org,
        partner=theirs,
        code="HILL1",
        adults=1,
        issued_on=timezone.localdate(),
        issued_by_name="Dr Hill",
        recorded_by=world.user("olly"),
    )
    client = world.client("olly")
    for method, url in _urls(voucher, theirs):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    # Our assessor cannot reach the other organisation's voucher either.
    amir = world.client("amir")
    assert amir.get(reverse("eligibility:voucher", args=[voucher.pk])).status_code == 404
    assert amir.get(reverse("eligibility:redeem_voucher", args=[voucher.pk])).status_code == 404


def _voucher_post(world, partner, **overrides):
    data = {
        "code": "fb 1023",
        "partner": partner.pk,
        "issued_by_name": "Dr Okafor",
        "issued_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "adults": "2",
        "children": "1",
        "reason_codes": ["benefit_delay", "debt"],
    }
    data.update(overrides)
    return data


def test_record_voucher_then_see_it(world, partner):
    client = world.client("amir")
    response = client.post(reverse("eligibility:record_voucher"), _voucher_post(world, partner))
    voucher = Voucher.objects.for_system("test").get()
    assert response.status_code == 302
    assert response.url == reverse("eligibility:voucher", args=[voucher.pk])
    html = client.get(response.url).content.decode()
    assert "Voucher FB1023" in html
    assert "2 adults, 1 child" in html
    assert "Benefit delay, Debt" in html
    assert "Redeem this voucher" in html


def test_record_voucher_bad_input_names_each_field_and_saves_nothing(world, partner):
    data = _voucher_post(
        world,
        partner,
        adults="0",
        children="40",
        reason_codes=[],
        issued_on=(timezone.localdate() + timedelta(days=3)).isoformat(),
    )
    response = world.client("amir").post(reverse("eligibility:record_voucher"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    for anchor in ("#id_adults", "#id_children", "#id_reason_codes_0", "#id_issued_on"):
        assert f'href="{anchor}"' in html, anchor
    assert "A household has at least one adult" in html
    assert Voucher.objects.for_system("test").count() == 0
    assert AuditEvent.objects.count() == 0


def test_record_voucher_refuses_a_duplicate_and_an_inactive_partner(world, partner, make_voucher):
    make_voucher(code="FB1023")
    client = world.client("amir")
    response = client.post(reverse("eligibility:record_voucher"), _voucher_post(world, partner))
    assert "A voucher with code FB1023 is already recorded." in response.content.decode()
    partner.active = False
    partner.save()
    data = _voucher_post(world, partner, code="NEW1")
    response = client.post(reverse("eligibility:record_voucher"), data)
    assert 'href="#id_partner"' in response.content.decode()
    assert Voucher.objects.for_system("test").count() == 1


def test_find_voucher_by_code_ignores_case_and_spaces(world, make_voucher):
    voucher = make_voucher(code="FB1023")
    client = world.client("amir")
    response = client.post(reverse("eligibility:foodbank"), {"code": " fb 10 23 "})
    assert response.status_code == 302
    assert response.url == reverse("eligibility:voucher", args=[voucher.pk])
    response = client.post(reverse("eligibility:foodbank"), {"code": "NOPE"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_code"' in html and "No voucher has this code" in html


def test_redeem_page_finds_only_people_the_assessor_may_see(world, make_voucher):
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    html = world.client("amir").get(url, {"q": "e"}).content.decode()
    assert "Pat Example" in html
    assert "Quinn" not in html


def test_redeem_for_someone_found_by_search(world, make_voucher):
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    response = world.client("amir").post(
        url, {"q": "pat", "person": world.person.pk, "parcels": "2"}
    )
    assert response.status_code == 302
    assert response.url == reverse("eligibility:voucher", args=[voucher.pk])
    stored = _stored(voucher)
    assert (stored.person_id, stored.parcels) == (world.person.pk, 2)
    html = world.client("amir").get(response.url).content.decode()
    assert "2 parcels for" in html and "Pat Example" in html
    assert 'id="support-offer"' not in html
    assert 'id="separation-warning"' not in html


def test_redeem_for_someone_new(world, make_voucher):
    voucher = make_voucher()
    response = world.client("amir").post(
        reverse("eligibility:redeem_voucher", args=[voucher.pk]),
        {
            "person": "new",
            "given_name": "Jo",
            "family_name": "Bloggs",
            "team": world.team.pk,
            "parcels": "1",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(given_name="Jo", family_name="Bloggs")
    assert _stored(voucher).person_id == person.pk


def test_redeem_bad_input_is_answered_and_nothing_saved(world, make_voucher):
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    client = world.client("amir")
    people = Person.objects.count()
    cases = [
        ({"parcels": "1"}, "#id_person_0"),
        ({"person": "new", "parcels": "1"}, "#id_given_name"),
        ({"person": "new", "given_name": "Jo", "parcels": "1"}, "#id_team"),
        ({"person": world.other_person.pk, "parcels": "1"}, "#id_person_0"),
        ({"person": world.person.pk, "parcels": "9"}, "#id_parcels"),
    ]
    for data, anchor in cases:
        html = client.post(url, data).content.decode()
        assert "There is a problem" in html and f'href="{anchor}"' in html, data
    assert _stored(voucher).redeemed_at is None
    assert Person.objects.count() == people


def test_redeeming_a_redeemed_voucher_goes_back_to_it(world, make_voucher):
    voucher = make_voucher(person=world.person)
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    response = world.client("amir").post(
        url, {"person": "new", "given_name": "Jo", "team": world.team.pk, "parcels": "1"}
    )
    assert response.status_code == 302
    assert response.url == reverse("eligibility:voucher", args=[voucher.pk])
    assert _stored(voucher).person_id == world.person.pk
    assert not Person.objects.filter(given_name="Jo").exists()


def test_a_supporter_is_refused_with_a_plain_reason(world, make_voucher):
    ContactFactory(person=world.person, worker=world.user("amir"))
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    client = world.client("amir")
    html = client.get(url, {"q": "Pat"}).content.decode()
    assert "Pat Example (Link workers) – you support them" in html
    assert "so you can't check their voucher" in html
    html = client.post(
        url, {"q": "Pat", "person": world.person.pk, "parcels": "1"}
    ).content.decode()
    assert "You support Pat Example" in html
    assert "Ask another assessor who does not support them" in html
    assert _stored(voucher).redeemed_at is None


def test_a_relaxed_organisation_allows_it_with_a_warning(world, make_voucher):
    world.org.allow_assessor_and_supporter = True
    world.org.save()
    ContactFactory(person=world.person, worker=world.user("amir"))
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    client = world.client("amir")
    html = client.get(url, {"q": "Pat"}).content.decode()
    assert "Your organisation lets you check their voucher too" in html
    response = client.post(url, {"person": world.person.pk, "parcels": "1"}, follow=True)
    html = response.content.decode()
    assert 'id="separation-warning"' in html
    assert "You also support this person." in html
    assert _stored(voucher).role_separation_relaxed is True


def test_third_redemption_succeeds_and_offers_deeper_support(world, make_voucher):
    make_voucher(person=world.person, days_ago=70)
    make_voucher(person=world.person, days_ago=35)
    voucher = make_voucher()
    client = world.client("amir")
    response = client.post(
        reverse("eligibility:redeem_voucher", args=[voucher.pk]),
        {"person": world.person.pk, "parcels": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert _stored(voucher).is_redeemed
    assert 'id="support-offer"' in html
    assert "Would Pat Example like to talk to someone?" in html
    assert "Pat Example has been to us 2 times before in the last six months." in html
    assert "today's parcel is theirs whatever they say" in html
    offer = reverse("eligibility:accept_support_offer", args=[voucher.pk])
    assert f'action="{offer}"' in html

    # Only when they agree.
    html = client.post(offer, {}).content.decode()
    assert 'href="#id_agreed"' in html
    assert WorkerRequest.objects.count() == 0

    response = client.post(offer, {"agreed": "on"})
    assert response.status_code == 302
    request = WorkerRequest.objects.get()
    assert (request.person, request.in_their_words, request.requested_worker) == (
        world.person,
        "Would like to talk to someone about what is going on",
        None,
    )
    html = client.get(response.url).content.decode()
    assert "They have already asked to talk to a worker" in html
    assert f'action="{offer}"' not in html


def test_partners_add_deactivate_and_reactivate(world):
    client = world.client("amir")
    response = client.post(
        reverse("eligibility:partners"), {"name": "Hill School", "kind": "school"}
    )
    assert response.status_code == 302
    partner = ReferralPartner.objects.get()
    html = client.post(
        reverse("eligibility:partners"), {"name": "hill school", "kind": "school"}
    ).content.decode()
    assert 'href="#id_name"' in html and "already a partner with this name" in html
    html = client.post(
        reverse("eligibility:partners"), {"name": " ", "kind": "school"}
    ).content.decode()
    assert 'href="#id_name"' in html and "Enter the partner" in html
    html = client.post(
        reverse("eligibility:partners"), {"name": "Hill GP", "kind": ""}
    ).content.decode()
    assert 'href="#id_kind_0"' in html
    change = reverse("eligibility:change_partner", args=[partner.pk])
    assert client.get(change).status_code == 405
    client.post(change, {"active": "no"})
    partner.refresh_from_db()
    assert partner.active is False
    form = client.get(reverse("eligibility:record_voucher")).content.decode()
    assert f'<option value="{partner.pk}"' not in form
    client.post(change, {"active": "yes"})
    partner.refresh_from_db()
    assert partner.active is True
    assert ReferralPartner.objects.count() == 1


def test_foodbank_page_shows_waiting_recent_and_twelve_months(world, make_voucher):
    make_voucher(code="WAIT1")
    make_voucher(person=world.person, code="DONE1", parcels=2)
    make_voucher(person=world.person, code="DONE2", parcels=1, days_ago=0)
    html = world.client("amir").get(reverse("eligibility:foodbank")).content.decode()
    assert "WAIT1" in html and "DONE1" in html and "DONE2" in html
    month = timezone.localdate().strftime("%b %Y")
    assert f'<th scope="row">{month}</th>' in html
    # The 12-month total: 3 parcels, 1 person, 2 vouchers.
    assert '<th scope="row">12 months</th><td>3</td><td>1</td><td>2</td>' in html


def test_record_voucher_form_starts_with_today_in_a_date_input_format(world, partner):
    html = world.client("amir").get(reverse("eligibility:record_voucher")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert f'<option value="{partner.pk}">Riverside Surgery</option>' in html


def test_a_voucher_code_is_looked_up_by_post_never_in_the_address(world, make_voucher):
    """A voucher code in `?code=` would sit in the browser's history and every proxy's log."""
    voucher = make_voucher(code="FB1023")
    client = world.client("amir")
    page = client.get(reverse("eligibility:foodbank")).content.decode()
    assert '<form method="post" role="search"' in page
    found = client.post(reverse("eligibility:foodbank"), {"code": " fb 10 23 "})
    assert found.status_code == 302
    assert found.url == reverse("eligibility:voucher", args=[voucher.pk])
    assert "FB1023" not in found.url
    # A code put in the address is not looked up (so no link or bookmark ever carries one).
    ignored = client.get(reverse("eligibility:foodbank"), {"code": "FB1023"})
    assert ignored.status_code == 200 and "No voucher has this code" not in ignored.content.decode()
