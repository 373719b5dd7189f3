"""Referrals out: consent first, the plain-words check, the service's one-time link showing only
what was consented, its answer, the timeline and the inbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.inbox.queries import Kind, inbox_for
from alongside.people.models import ConsentScope, ConsentToShare
from alongside.people.queries import people_visible_to
from alongside.referrals import services
from alongside.referrals.models import OutStatus, ReferralOut
from alongside.visibility.consent import consents_for

# Every test here reads the clock (answer dates, the report period): one fixed instant.
pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)

NOTE = "Worried about the bailiffs letter CANARY-REFERRAL-NOTE"


def _post(world, **extra):
    data = {
        "service_name": "Citizens Advice Riverside",
        "service_email": "advice@example.org",
        "need": "money",
        "share_contact": "on",
        "share_note": "on",
        "note": NOTE,
    }
    data.update(extra)
    if "shown" not in data:  # the plain words as the check step showed them
        data["shown"] = services.what_is_shared(
            world.person,
            service_name=data["service_name"],
            need=services.need_for(world.org, data["need"]),
            share_contact=bool(data.get("share_contact")),
            share_note=bool(data.get("share_note")),
        )
    return world.client("alice").post(reverse("referrals:refer", args=[world.person.pk]), data)


def _refer(world, **kwargs):
    args = {
        "service": None,
        "service_name": "Citizens Advice Riverside",
        "service_email": "",
        "need": "money",
        "share_contact": True,
        "share_note": True,
        "note": NOTE,
        "consent_given": True,
    }
    args.update(kwargs)
    return services.refer(world.person, by=world.members["alice"], **args)


@pytest.mark.django_db
def test_the_page_shows_in_plain_words_what_will_be_shared_before_anything_is_sent(world):
    response = _post(world)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Citizens Advice Riverside will see their name, what it is for (Money, debt or benefits), how to contact them and the note written for the service, and nothing else from their record."
        in body
    )
    assert ReferralOut.objects.count() == 0


@pytest.mark.django_db
def test_nothing_is_sent_without_their_agreement(world):
    response = _post(world, send="yes")
    assert response.status_code == 400
    assert "nothing is sent without their agreement" in response.content.decode()
    assert ReferralOut.objects.count() == 0
    assert ConsentToShare.objects.filter(scope=ConsentScope.REFERRAL).count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_change_after_the_words_were_read_asks_for_them_to_be_read_again(world):
    shown = services.what_is_shared(
        world.person,
        service_name="Citizens Advice Riverside",
        need=services.need_for(world.org, "money"),
        share_contact=True,
        share_note=False,
    )
    response = _post(world, send="yes", consent_given="on", shown=shown)  # then ticked the note
    assert response.status_code == 400
    assert "read it with them again" in response.content.decode()
    assert ReferralOut.objects.count() == 0


@pytest.mark.django_db
def test_sending_records_consent_emails_the_link_and_shows_it_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(world, send="yes", consent_given="on")
    assert response.status_code == 200
    referral = ReferralOut.objects.get()
    assert referral.consent.scope == ConsentScope.REFERRAL
    assert referral.consent.grantee_role == "" and referral.consent.grantee_user is None
    link = response.context["link"]
    token = link.rsplit("/", 2)[-2]
    assert referral.token_hash != token and len(referral.token_hash) == 64
    assert token in mail.outbox[0].body and mail.outbox[0].to == ["advice@example.org"]
    assert NOTE not in mail.outbox[0].body  # the email holds only the link
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"people.consent.granted", "referrals.out.sent"} <= actions


@pytest.mark.django_db
def test_a_referral_consent_opens_nothing_to_anyone_here(world):
    before = {m: list(people_visible_to(world.members[m])) for m in world.members}
    _refer(world)
    assert ConsentToShare.objects.filter(scope=ConsentScope.REFERRAL).count() == 1
    for name, membership in world.members.items():
        assert not consents_for(membership).exists(), name
        assert list(people_visible_to(membership)) == before[name], name


@pytest.mark.django_db
def test_the_link_shows_only_what_was_consented_and_takes_an_answer(world, client):
    world.person.phone = "07700 900123"
    world.person.save()
    referral, token = _refer(world, share_contact=False, share_note=False)
    url = reverse("referrals:answer", args=[token])
    body = client.get(url).content.decode()
    assert "Pat" in body and "Money, debt or benefits" in body
    assert "07700 900123" not in body and NOTE not in body
    assert "no-store" in client.get(url)["Cache-Control"]
    response = client.post(url, {"status": "not_suitable", "reason": ""})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    response = client.post(url, {"status": "accepted"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == OutStatus.ACCEPTED
    client.post(url, {"status": "seen"})
    referral.refresh_from_db()
    assert referral.status == OutStatus.SEEN
    # Answered: the link says thank you and takes nothing more.
    response = client.post(url, {"status": "not_suitable", "reason": "x"})
    referral.refresh_from_db()
    assert referral.status == OutStatus.SEEN
    assert AuditEvent.objects.filter(action="referrals.out.answered").count() == 2
    # The worker who referred is told, with no words.
    from alongside.access.models import Notification

    texts = list(
        Notification.objects.filter(user=world.user("alice")).values_list("text", flat=True)
    )
    assert any("answered a referral" in t for t in texts)


@pytest.mark.django_db
def test_the_shared_note_and_contact_show_when_consented(world, client):
    world.person.phone = "07700 900123"
    world.person.save()
    _referral, token = _refer(world)
    body = client.get(reverse("referrals:answer", args=[token])).content.decode()
    assert "07700 900123" in body and NOTE in body


@pytest.mark.django_db
def test_taking_back_consent_closes_the_link(world, client):
    referral, token = _refer(world)
    # "They take it back" on the person page, as for any consent.
    world.client("alice").post(
        reverse("people:revoke_consent", args=[world.person.pk, referral.consent_id])
    )
    referral.consent.refresh_from_db()
    assert referral.consent.revoked_at is not None
    response = client.get(reverse("referrals:answer", args=[token]))
    assert response.status_code == 410
    assert NOTE not in response.content.decode() and "Pat" not in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_token_is_a_404(client, db):
    assert client.get(reverse("referrals:answer", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_the_timeline_shows_the_referral_and_its_answer(world):
    referral, token = _refer(world)
    services.answer(referral, status="accepted", reason="")
    body = (
        world.client("alice").get(reverse("people:person", args=[world.person.pk])).content.decode()
    )
    timeline = body.split('id="timeline"', 1)[1]
    assert "Referred to Citizens Advice Riverside, with their agreement" in timeline
    assert "Citizens Advice Riverside answered the referral: accepted" in timeline


@pytest.mark.django_db
def test_an_overdue_referral_is_in_the_inbox_of_the_worker_and_coordinator(world):
    referral, _token = _refer(world)
    later = timezone.localdate() + timedelta(days=services.ANSWER_DAYS + 1)
    for name in ("alice", "colin"):
        kinds = [s.kind for s in inbox_for(world.members[name], today=later).sections]
        assert Kind.REFERRAL_OVERDUE in kinds, name
    assert Kind.REFERRAL_OVERDUE not in [
        s.kind for s in inbox_for(world.members["cara"], today=later).sections
    ]
    services.answer(referral, status="seen", reason="")
    kinds = [s.kind for s in inbox_for(world.members["colin"], today=later).sections]
    assert Kind.REFERRAL_OVERDUE not in kinds


@pytest.mark.django_db
def test_the_words_on_a_referral_page_are_for_who_reads_support_records(world):
    referral, _token = _refer(world)
    url = reverse("referrals:referral", args=[referral.pk])
    assert NOTE in world.client("alice").get(url).content.decode()
    assert AuditEvent.objects.filter(action="referrals.referralout.viewed").exists()
    response = world.client("amir").get(url)  # sees Pat, reads no support records
    assert response.status_code == 200 and NOTE not in response.content.decode()
    assert world.client("olly").get(url).status_code == 404
