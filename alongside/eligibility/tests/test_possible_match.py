"""The foodbank desk's "Someone new" asks whether they are already on the record first."""

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
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


def test_a_wrong_redemption_is_undone_with_a_reason_and_audited(world, make_voucher):
    voucher = make_voucher(person=world.person)
    client = world.client("amir")
    url = reverse("eligibility:undo_redemption", args=[voucher.pk])
    assert (
        "Undo this redemption"
        in client.get(reverse("eligibility:voucher", args=[voucher.pk])).content.decode()
    )
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why the redemption was wrong." in refused.content.decode()
    assert client.post(url, {"reason": "The other Pat Example"}).status_code == 302
    stored = Voucher.objects.for_system("test").get(pk=voucher.pk)
    assert (stored.person_id, stored.redeemed_at, stored.parcels) == (None, None, None)
    assert stored.redemption_undone_reason == "The other Pat Example"
    event = AuditEvent.objects.get(action="eligibility.voucher.redemption_undone")
    assert event.person_id == world.person.pk
    assert "Pat Example" not in str(event.summary) and "other" not in str(event.summary)
    # Never silent: it shows on the voucher, and it can be redeemed again for the right person.
    page = client.get(reverse("eligibility:voucher", args=[voucher.pk])).content.decode()
    assert "A redemption was undone on" in page
    eligibility_services.redeem_voucher(stored, by=world.members["amir"], person=world.person)


@pytest.mark.parametrize("name", ["alice", "colin", "vic", "sam", "dana", "fern", "olly"])
def test_only_an_assessor_undoes_a_redemption(world, make_voucher, name):
    voucher = make_voucher(person=world.person)
    url = reverse("eligibility:undo_redemption", args=[voucher.pk])
    assert world.client(name).post(url, {"reason": "mistake"}).status_code == 404
    assert Voucher.objects.for_system("test").get(pk=voucher.pk).person_id == world.person.pk
