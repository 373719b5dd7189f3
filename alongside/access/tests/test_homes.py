"""Each role's home opens on its work, and an organisation names roles in its own words."""

import pytest
from django.urls import reverse

from alongside.access.models import Role
from alongside.access.nav import HOMES
from alongside.audit.models import AuditEvent

WHERE = {
    "alice": "relationships:home",
    "cara": "relationships:home",
    "vic": "relationships:home",
    "colin": "inbox:inbox",
    "amir": "eligibility:foodbank",
    "sam": "safeguarding:concerns",
    "dana": "inbox:inbox",
    "fern": "reports:report",
}


@pytest.mark.parametrize("persona", sorted(WHERE))
def test_home_opens_on_the_roles_work(world, persona):
    client = world.client(persona)
    response = client.get(reverse("relationships:home"))
    if WHERE[persona] == "relationships:home":
        assert response.status_code == 200
        assert "My people" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response.url == reverse(WHERE[persona])
        page = client.get(response.url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "come with the next parts" not in body
        assert "Welcome to" not in body


def test_every_home_is_a_page_its_role_may_open(world):
    by_role = {m.role: name for name, m in world.members.items() if name != "olly"}
    assert set(HOMES) <= set(Role.values)
    for role, url_name in HOMES.items():
        assert world.client(by_role[role]).get(reverse(url_name)).status_code == 200, role


def test_signing_in_lands_on_the_home(world):
    from alongside.testing.factories import UserFactory  # noqa: F401 - the world made the users

    user = world.user("amir")
    user.set_password("a long enough password")
    user.save()
    client = world.client("fern")
    client.logout()
    response = client.post(
        reverse("access:login"),
        {"login": "amir", "password": "a long enough password"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("eligibility:foodbank")


def test_the_data_lead_renames_a_role_and_every_page_uses_it(world):
    client = world.client("dana")
    settings_page = reverse("access:organisation_settings")
    form = client.get(settings_page).content.decode()
    assert "What you call the “Assessor” role" in form
    response = client.post(
        settings_page,
        {
            "late_record_days": 14,
            "two_step_sign_in": world.org.two_step_sign_in,
            "role_name_assessor": "  Foodbank   desk ",
        },
    )
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.role_names == {"assessor": "Foodbank desk"}
    assert world.members["amir"].role == Role.ASSESSOR  # the code never changes
    event = AuditEvent.objects.get(action="access.organisation.role_names_changed")
    assert event.summary == {"before": {}, "after": {"assessor": "Foodbank desk"}}
    workers = client.get(reverse("workers:list")).content.decode()
    assert "Foodbank desk" in workers
    assert ">Assessor<" not in workers
    # Emptying the name goes back to the default; too long a name is refused on its field.
    response = client.post(settings_page, {"role_name_assessor": "x" * 61})
    assert response.status_code == 400
    assert "role_name_assessor" in response.content.decode()
    client.post(settings_page, {"role_name_assessor": ""})
    world.org.refresh_from_db()
    assert world.org.role_names == {}
    assert world.org.role_name(Role.ASSESSOR) == "Assessor"


def test_only_the_data_lead_renames_roles(world):
    settings_page = reverse("access:organisation_settings")
    for persona in ("colin", "amir", "sam"):
        response = world.client(persona).post(settings_page, {"role_name_assessor": "Desk"})
        assert response.status_code == 404
    world.org.refresh_from_db()
    assert world.org.role_names == {}
