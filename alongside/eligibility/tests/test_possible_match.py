"""The foodbank desk's "Someone new" asks whether they are already on the record first."""

import pytest
from django.urls import reverse

from alongside.eligibility import services as eligibility_services
from alongside.eligibility.models import Voucher
from alongside.people.models import Person
from alongside.people.services import PossibleMatch
from alongside.testing.factories import PersonFactory


def test_the_foodbank_desk_asks_then_can_use_the_existing_person(world, make_voucher):
    dean = PersonFactory(team=world.team, given_name="Dean", family_name="Pearson")
    voucher = make_voucher()
    url = reverse("eligibility:redeem_voucher", args=[voucher.pk])
    new = {
        "person": "new",
        "given_name": "dean",
        "family_name": "PEARSON",
        "team": world.team.pk,
        "parcels": "1",
    }
    client = world.client("amir")
    response = client.post(url, new)
    assert response.status_code == 409
    assert "Is this the same person?" in response.content.decode()
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).person_id is None

    response = client.post(url, {**new, "use_person": dean.pk})
    assert response.status_code == 302
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).person_id == dean.pk
    assert Person.objects.filter(name_key="dean pearson").count() == 1


def test_the_foodbank_desk_can_confirm_someone_new(world, make_voucher):
    PersonFactory(team=world.team, given_name="Dean", family_name="Pearson")
    voucher = make_voucher()
    with pytest.raises(PossibleMatch):
        eligibility_services.redeem_voucher_for_new_person(
            voucher, by=world.members["amir"], team=world.team, given_name="Dean",
            family_name="Pearson",
        )  # fmt: skip
    eligibility_services.redeem_voucher_for_new_person(
        voucher, by=world.members["amir"], team=world.team, given_name="Dean",
        family_name="Pearson", confirm_new=True,
    )  # fmt: skip
    assert Person.objects.filter(name_key="dean pearson").count() == 2
