from django.urls import reverse

from alongside.access.models import Role
from alongside.common.factories import MembershipFactory


def test_user_with_two_organisations_switches_between_them(world):
    alice = world.user("alice")
    MembershipFactory(organisation=world.other_org, user=alice, role=Role.ASSESSOR)
    client = world.client("alice")
    assert (
        "Pat Example" in client.get(reverse("home")).content.decode()
    )  # first: Riverside, as supporter
    assert client.get(reverse("person", args=[world.other_person.pk])).status_code == 404
    response = client.post(reverse("switch_organisation"), {"organisation": world.other_org.pk})
    assert response.status_code == 302
    assert client.get(reverse("person", args=[world.other_person.pk])).status_code == 200
    # In Hillside alice is an assessor there: Riverside's people are out of reach.
    assert client.get(reverse("person", args=[world.person.pk])).status_code == 404


def test_switching_to_an_organisation_you_are_not_in_is_404(world):
    response = world.client("alice").post(
        reverse("switch_organisation"), {"organisation": world.other_org.pk}
    )
    assert response.status_code == 404
    response = world.client("alice").post(
        reverse("switch_organisation"), {"organisation": "nonsense"}
    )
    assert response.status_code == 404


def test_member_who_left_sees_nobody(world):
    membership = world.members["alice"]
    membership.left_on = membership.started_on
    membership.save()
    client = world.client("alice")
    assert client.get(reverse("person", args=[world.person.pk])).status_code == 404
    assert "not part of an organisation" in client.get(reverse("home")).content.decode()


def test_pages_need_sign_in(client, world):
    response = client.get(reverse("person", args=[world.person.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
