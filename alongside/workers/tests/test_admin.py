"""The Django admin no longer changes accounts, roles or memberships (decision 0020), and what it
still changes — organisations and their teams — is in the audit log."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from alongside.access.models import Membership, Organisation, Role
from alongside.audit.models import AuditEvent
from alongside.testing.factories import OrganisationFactory, UserFactory
from alongside.testing.helpers import admin_client
from alongside.workers.models import Invitation


def test_users_groups_and_memberships_are_not_in_the_admin():
    for model in (User, Group, Membership):
        assert not admin.site.is_registered(model), model
    assert admin.site.is_registered(Organisation)


@pytest.mark.django_db
def test_an_organisation_and_its_teams_made_in_the_admin_are_audited():
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = admin_client(staff)
    response = client.post(
        "/admin/access/organisation/add/",
        {
            "name": "Brookside Pantry",
            "slug": "brookside",
            "teams-TOTAL_FORMS": "1",
            "teams-INITIAL_FORMS": "0",
            "teams-MIN_NUM_FORMS": "0",
            "teams-MAX_NUM_FORMS": "1000",
            "teams-0-name": "Pantry",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="brookside")
    events = AuditEvent.objects.filter(
        action="access.organisation.changed_in_admin", organisation=organisation
    )
    assert events.count() == 2 and {e.actor_id for e in events} == {staff.pk}
    assert any(e.summary.get("teams_added") for e in events)


@pytest.mark.django_db
def test_the_role_separation_setting_is_read_only_in_the_admin():
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    organisation = OrganisationFactory(name="Brookside Pantry", slug="brookside")
    client = admin_client(staff)
    client.post(
        f"/admin/access/organisation/{organisation.pk}/change/",
        {
            "name": "Brookside Pantry",
            "slug": "brookside",
            "allow_assessor_and_supporter": "on",
            "teams-TOTAL_FORMS": "0",
            "teams-INITIAL_FORMS": "0",
            "teams-MIN_NUM_FORMS": "0",
            "teams-MAX_NUM_FORMS": "1000",
        },
    )
    organisation.refresh_from_db()
    assert not organisation.allow_assessor_and_supporter


@pytest.mark.django_db
def test_the_first_data_lead_is_invited_from_the_command_line(django_capture_on_commit_callbacks):
    from django.core import mail

    organisation = OrganisationFactory(name="Brookside Pantry", slug="brookside")
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite_worker",
            "--organisation=brookside",
            "--email=lead@example.org",
            "--first-name=Lee",
        )
    membership = Membership.objects.get(user__email="lead@example.org")
    assert membership.role == Role.DATA_LEAD and membership.organisation == organisation
    assert Invitation.objects.filter(membership=membership).exists()
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="access.worker.invited")
    assert event.actor_id is None
    with pytest.raises(CommandError, match="already has an account"):
        call_command(
            "invite_worker",
            "--organisation=brookside",
            "--email=lead@example.org",
            "--first-name=L",
        )
