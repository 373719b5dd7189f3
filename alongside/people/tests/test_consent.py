import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.people.consent import grant_consent, revoke_consent
from alongside.people.models import ConsentToShare
from alongside.support.models import SupportNote
from alongside.support.queries import support_notes_visible_to
from alongside.testing.factories import ContactFactory


@pytest.fixture
def note(world):
    contact = ContactFactory(person=world.person, worker=world.user("alice"))
    return SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        contact=contact,
        asked_for="Help with a housing letter",
        author=world.user("alice"),
    )


def _grant(world, **overrides):
    fields = dict(
        scope="all_support_notes",
        note_id=None,
        grantee_role="assessor",
        grantee_user=None,
        purpose="For the housing application",
        expires_on=timezone.now() + timedelta(days=30),
    )
    fields.update(overrides)
    return grant_consent(world.person, by=world.members["alice"], **fields)


def test_assessor_reads_support_notes_only_while_consent_is_in_force(world, note):
    amir = world.members["amir"]
    assert not support_notes_visible_to(amir).exists()
    consent = _grant(world)
    assert list(support_notes_visible_to(amir)) == [note]
    assert not support_notes_visible_to(amir, now=consent.expires_at).exists()  # expired
    revoke_consent(consent, by=world.members["alice"])
    assert not support_notes_visible_to(amir).exists()  # revoked: at once


def test_consent_for_one_note_shares_only_that_note(world, note):
    other = SupportNote.objects.create(
        organisation=world.org,
        person=world.person,
        asked_for="Something else",
        author=world.user("alice"),
    )
    _grant(
        world, scope="one_note", note_id=note.pk, grantee_role="", grantee_user=world.user("vic")
    )
    assert list(support_notes_visible_to(world.members["vic"])) == [note]
    assert other not in support_notes_visible_to(world.members["amir"])


def test_data_leads_and_funders_are_never_grantees(world, note):
    with pytest.raises(ValidationError) as error:
        _grant(world, grantee_role="data_lead")
    assert "grantee_role" in error.value.message_dict
    with pytest.raises(ValidationError):
        _grant(world, grantee_role="", grantee_user=world.user("fern"))
    assert not support_notes_visible_to(world.members["dana"]).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purpose": "  "}, "purpose"),
        ({"expires_on": timezone.now() - timedelta(days=1)}, "expires_on"),
        ({"expires_on": timezone.now() + timedelta(days=400)}, "expires_on"),
        ({"scope": "one_note", "note_id": None}, "note"),
        ({"scope": "one_note", "note_id": 999999}, "note"),
        ({"grantee_role": "assessor", "grantee_user": "both"}, "grantee_role"),
        ({"grantee_role": ""}, "grantee_role"),
        ({"scope": "everything"}, "scope"),
    ],
)
def test_bad_consent_is_refused_and_nothing_is_written(world, note, overrides, field):
    if overrides.get("grantee_user") == "both":
        overrides["grantee_user"] = world.user("vic")
    with pytest.raises(ValidationError) as error:
        _grant(world, **overrides)
    assert field in error.value.message_dict
    assert ConsentToShare.objects.count() == 0
    assert not AuditEvent.objects.filter(action="people.consent.granted").exists()


def test_consent_screen_says_in_plain_words_what_is_shared_with_whom_before_saving(world, note):
    client = world.client("alice")
    url = reverse("people:grant_consent", args=[world.person.pk])
    data = {
        "scope": "all_support_notes",
        "grantee_role": "assessor",
        "purpose": "For the housing application",
        "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    html = client.post(url, data).content.decode()
    assert (
        "Pat Example agrees that everyone in the role “Assessor” at Riverside Test Hub may read all of their "
        "support notes, including ones written later, for this reason: “For the housing application”."
        in html
    )
    assert "For the housing application" in html
    assert ConsentToShare.objects.count() == 0
    response = client.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    consent = ConsentToShare.objects.get()
    html = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    assert "What they agreed to share" in html and "In force" in html
    client.post(reverse("people:revoke_consent", args=[world.person.pk, consent.pk]))
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_consent_form_bad_input_is_answered(world, note):
    response = world.client("alice").post(
        reverse("people:grant_consent", args=[world.person.pk]),
        {"scope": "all_support_notes", "purpose": "x", "expires_on": ""},
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert ConsentToShare.objects.count() == 0


@pytest.mark.parametrize("name", ["cara", "vic", "amir", "sam", "dana", "fern", "olly"])
def test_only_the_persons_supporters_record_consent(world, note, name):
    url = reverse("people:grant_consent", args=[world.person.pk])
    assert world.client(name).get(url).status_code == 404


def test_assessor_with_consent_sees_the_words_on_the_person_page_and_the_read_is_logged(
    world, note
):
    client = world.client("amir")
    url = reverse("people:person", args=[world.person.pk])
    assert "housing letter" not in client.get(url).content.decode()
    _grant(world)
    assert "housing letter" in client.get(url).content.decode()
    read = AuditEvent.objects.filter(
        action="support.supportnote.viewed", actor=world.user("amir")
    ).get()
    assert read.summary == {"ids": [note.pk]} and read.person_id == world.person.pk


def test_who_saw_my_record_lists_reads_and_changes_in_plain_words(world, note):
    world.client("alice").get(reverse("people:person", args=[world.person.pk]))
    html = (
        world.client("alice")
        .get(reverse("people:access_log", args=[world.person.pk]))
        .content.decode()
    )
    assert "looked at your notes" in html and "(supporter)" in html
    assert "housing letter" not in html  # the log never holds the words
    assert (
        world.client("dana").get(reverse("people:access_log", args=[world.person.pk])).status_code
        == 200
    )
    for name in ("cara", "amir", "fern", "olly"):
        assert (
            world.client(name).get(reverse("people:access_log", args=[world.person.pk])).status_code
            == 404
        ), name


def test_data_lead_sees_every_event_in_the_access_log(world, note):
    from alongside.audit.queries import access_log
    from alongside.safeguarding import services

    services.raise_concern(
        world.person,
        by=world.members["alice"],
        category="other",
        what_happened="Something worrying",
        immediate_risk=False,
    )
    actions_for = {
        name: {
            line.did
            for line in access_log(world.person.pk, world.org.pk, viewer=world.members[name])
        }
        for name in ("alice", "dana")
    }
    assert "raised a safeguarding concern" in actions_for["dana"]
    assert "raised a safeguarding concern" not in actions_for["alice"]


def test_they_agree_pressed_twice_records_one_consent(world, note):
    """Only the confirm step carries a submit token (the check step saves nothing): a double
    press of "They agree" records one consent; the repeat is sent where the first led."""
    client = world.client("alice")
    url = reverse("people:grant_consent", args=[world.person.pk])
    data = {
        "scope": "all_support_notes",
        "grantee_role": "assessor",
        "purpose": "For the housing application",
        "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    assert 'name="submit_token"' not in client.get(url).content.decode()
    check = client.post(url, data).content.decode()
    token = re.search(r'name="submit_token" value="([^"]+)"', check)
    assert token is not None
    confirm = {**data, "confirm": "yes", "submit_token": token.group(1)}
    first = client.post(url, confirm)
    again = client.post(url, confirm)
    assert first.status_code == 302
    assert again.status_code == 303 and again["Location"] == first["Location"]
    assert ConsentToShare.objects.count() == 1
