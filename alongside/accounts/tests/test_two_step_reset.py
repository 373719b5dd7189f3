"""Someone who lost their authenticator app and their recovery codes gets a new one only after
their organisation's data lead confirms who they are, as at their invitation (ASVS 6.4.4)."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from alongside.access.models import Role
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import MembershipFactory

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)


def test_a_lost_app_is_removed_only_with_a_data_leads_word_and_is_audited(world, capsys):
    lead = MembershipFactory(organisation=world.org, role=Role.SAFEGUARDING_LEAD)
    assert Authenticator.objects.filter(user=lead.user).count() == 2
    lead_client = Client()  # a session of theirs, which the reset ends
    lead_client.force_login(lead.user)
    for refused in ("alice", lead.user.username):  # not a data lead; nobody vouches for themselves
        with pytest.raises(CommandError, match="refused") as error:
            call_command("two_step_reset", lead.user.username, "--confirmed-by", refused)
        assert error.value.returncode == 2
    outsider = MembershipFactory(role=Role.DATA_LEAD)  # a data lead of another organisation
    with pytest.raises(CommandError, match="refused"):
        call_command("two_step_reset", lead.user.username, "--confirmed-by", outsider.user.username)
    assert Authenticator.objects.filter(user=lead.user).count() == 2, "nothing changed"

    call_command("two_step_reset", lead.user.username, "--confirmed-by", "dana")
    assert "Removed 2 authenticators" in capsys.readouterr().out
    assert not Authenticator.objects.filter(user=lead.user).exists()
    [event] = AuditEvent.objects.filter(action=actions.ACCOUNT_TWO_STEP_REMOVED.name)
    assert event.actor_id == world.user("dana").pk and event.summary == {
        "type": "all",
        "lost": True,
    }
    # their old session is over; signed in again, they must set up a new app before anything
    response = lead_client.get(reverse("relationships:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("access:login"))
    lead_client.force_login(lead.user)
    response = lead_client.get(reverse("relationships:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:two_step_needed")
