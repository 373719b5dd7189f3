"""Inviting a worker: the one-time link, its single use, expiry, tampering, resend and withdraw;
bad input answered 400 with nothing half-saved."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from alongside.access.models import Membership, Role
from alongside.audit.models import AuditEvent
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import TeamFactory
from alongside.workers.models import Invitation

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

LINK = re.compile(r"https?://\S+/workers/welcome/(\S+)/")
NEW_PASSWORD = "a long river walk at dawn"


def invite(client, capture, **fields):
    data = {
        "email": "nia@example.org",
        "first_name": "Nia",
        "last_name": "Jones",
        "role": "supporter",
    }
    data.update(fields)
    with capture(execute=True):
        return client.post(reverse("workers:invite"), data)


def token_from_last_email() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def counts():
    return User.objects.count(), Membership.objects.count(), Invitation.objects.count()


def test_the_data_lead_invites_and_the_worker_sets_a_password_then_signs_in(
    world, django_capture_on_commit_callbacks
):
    response = invite(world.client("dana"), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="nia@example.org")
    assert not user.is_active and not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.role, membership.organisation) == (Role.SUPPORTER, world.org)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nia@example.org"]
    token = token_from_last_email()
    invitation = membership.invitation
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert AuditEvent.objects.filter(action="access.worker.invited").count() == 1

    page = Client().get(reverse("workers:accept", args=[token]))
    assert page.status_code == 200 and b"nia@example.org" in page.content
    done = Client().post(
        reverse("workers:accept", args=[token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done.url == resolve_url(settings.LOGIN_URL)
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert Client().login(username="nia@example.org", password=NEW_PASSWORD)
    assert AuditEvent.objects.get(action="access.invitation.accepted").actor_id == user.pk

    again = Client().get(reverse("workers:accept", args=[token]))
    assert again.status_code == 410, "a link works once"
    reuse = Client().post(
        reverse("workers:accept", args=[token]),
        {"new_password1": "another walk by the sea", "new_password2": "another walk by the sea"},
    )
    assert reuse.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_weak_password_is_refused_by_django_validators(world, django_capture_on_commit_callbacks):
    invite(world.client("dana"), django_capture_on_commit_callbacks)
    token = token_from_last_email()
    response = Client().post(
        reverse("workers:accept", args=[token]),
        {"new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 400
    assert b"too common" in response.content
    assert not User.objects.get(email="nia@example.org").is_active


def test_an_expired_link_is_refused(world, django_capture_on_commit_callbacks, time_machine):
    invite(world.client("dana"), django_capture_on_commit_callbacks)
    token = token_from_last_email()
    time_machine.shift(timedelta(days=7, minutes=1))
    response = Client().post(
        reverse("workers:accept", args=[token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 410
    assert not User.objects.get(email="nia@example.org").is_active


def test_a_tampered_link_is_refused(world, django_capture_on_commit_callbacks):
    invite(world.client("dana"), django_capture_on_commit_callbacks)
    token = token_from_last_email()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert Client().get(reverse("workers:accept", args=[tampered])).status_code == 404
    assert Client().get(reverse("workers:accept", args=["not-a-token"])).status_code == 404


def test_sending_again_replaces_the_link_and_withdrawing_closes_it(
    world, django_capture_on_commit_callbacks
):
    dana = world.client("dana")
    invite(dana, django_capture_on_commit_callbacks)
    first = token_from_last_email()
    membership = Membership.objects.get(user__email="nia@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert dana.post(reverse("workers:resend", args=[membership.pk])).status_code == 302
    second = token_from_last_email()
    assert first != second
    assert Client().get(reverse("workers:accept", args=[first])).status_code == 404
    assert Client().get(reverse("workers:accept", args=[second])).status_code == 200

    assert dana.post(reverse("workers:withdraw", args=[membership.pk])).status_code == 302
    assert Client().get(reverse("workers:accept", args=[second])).status_code == 410
    membership.refresh_from_db()
    assert membership.left_on is not None and not membership.is_active
    assert {"access.invitation.resent", "access.invitation.withdrawn"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_the_invitation_email_holds_no_support_words(world, django_capture_on_commit_callbacks):
    invite(world.client("dana"), django_capture_on_commit_callbacks)
    body = mail.outbox[-1].body
    assert "Riverside Test Hub" in body and "Pat" not in body
    assert "Alongside" in mail.outbox[-1].subject


@pytest.mark.parametrize(
    ("persona", "fields", "field", "words"),
    [
        ("dana", {"email": "not an email"}, "email", "Enter an email address"),
        ("dana", {"email": "alice@example.org"}, "email", "already has an account"),
        ("dana", {"team": "999999"}, "team", "Choose one of your organisation"),
        ("dana", {"role": "king"}, "role", "Choose a role from the list"),
        ("dana", {"first_name": ""}, "first_name", "Enter their first name"),
        ("dana", {"email": ""}, "email", "Enter their email address"),
        ("colin", {"role": "data_lead"}, "role", "Only the data lead gives that role"),
        ("colin", {"role": "safeguarding_lead"}, "role", "Only the data lead gives that role"),
        ("colin", {"role": "coordinator"}, "role", "Only the data lead gives that role"),
        ("colin", {"team": ""}, "team", "Choose a team"),
        ("colin", {"team": "other"}, "team", "Choose your own team"),
    ],
)
def test_bad_input_is_answered_400_on_the_field_and_nothing_is_saved(
    world, django_capture_on_commit_callbacks, persona, fields, field, words
):
    User.objects.filter(username="alice").update(email="alice@example.org")
    other_team = TeamFactory(organisation=world.org, name="Foodbank")
    if fields.get("team") == "other":
        fields["team"] = str(other_team.pk)
    fields.setdefault("team", str(world.team.pk))
    before = counts()
    response = invite(world.client(persona), django_capture_on_commit_callbacks, **fields)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert counts() == before
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="access.worker.invited").exists()


def test_a_coordinator_invites_into_their_own_team(world, django_capture_on_commit_callbacks):
    response = invite(
        world.client("colin"), django_capture_on_commit_callbacks, team=str(world.team.pk)
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="nia@example.org").team == world.team


@pytest.mark.parametrize("persona", ["alice", "cara", "vic", "amir", "sam", "fern", "olly"])
def test_other_roles_cannot_invite(world, django_capture_on_commit_callbacks, persona):
    response = invite(world.client(persona), django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not User.objects.filter(email="nia@example.org").exists()


def test_a_bad_address_is_shown_with_the_other_mistakes(world, django_capture_on_commit_callbacks):
    response = invite(
        world.client("dana"), django_capture_on_commit_callbacks, email="bad", first_name=""
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email", "first_name"}
