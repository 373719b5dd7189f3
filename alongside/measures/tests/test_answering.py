"""The person answers: one-time links, kiosk, read out; expiry, reuse, rate limit, bad input."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.common import links
from alongside.common.links import hash_token
from alongside.measures import services
from alongside.measures.builtins import ONS4, RELATIONSHIP_CHECK
from alongside.measures.models import Response, Sitting, SittingKind
from alongside.measures.tests.helpers import ONS4_ANSWERS, RC_ALL_AGREE, form_data, version
from alongside.testing.helpers import reset_rate_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    reset_rate_limits()
    yield
    reset_rate_limits()


def _link(world, keys=(RELATIONSHIP_CHECK, ONS4), **kwargs):
    return services.start_sitting(
        world.person,
        by=world.members["alice"],
        versions=[version(k) for k in keys],
        kind=SittingKind.LINK,
        **kwargs,
    )


def _stored():
    return list(Response.objects.for_system("test: what was stored"))


def test_worker_creates_a_link_shown_once_with_a_qr_code(world):
    client = world.client("alice")
    url = reverse("measures:ask", args=[world.person.pk])
    assert client.get(url).status_code == 200
    rc, ons = version(RELATIONSHIP_CHECK), version(ONS4)
    response = client.post(url, {"instruments": [rc.pk, ons.pk], "kind": "link", "days": 14})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'role="img"' in body and "/measures/a/" in body
    sitting = Sitting.objects.get()
    token = body.split("/measures/a/")[1].split("/")[0]
    assert sitting.token_hash == hash_token(token) and token not in sitting.token_hash
    assert sitting.about_worker == world.user("alice")
    assert (sitting.expires_at - timezone.now()).days == 13
    assert AuditEvent.objects.filter(action="measures.sitting.created").count() == 1


def test_person_answers_once_without_login_and_reuse_is_refused_kindly(world):
    sitting, token = _link(world)
    client = Client()
    url = reverse("measures:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hello Pat" in body and "Riverside Test Hub" in body
    assert "Example" not in body  # never the family name
    assert "CC BY 4.0" in body and "Open Government Licence" in body
    data = {**form_data(RELATIONSHIP_CHECK, RC_ALL_AGREE), **form_data(ONS4, ONS4_ANSWERS)}
    data["relationship_check-safe_to_say"] = "prefer_not"
    done = client.post(url, data)
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    stored = {r.version.instrument.key: r for r in _stored()}
    assert stored[RELATIONSHIP_CHECK].answers["safe_to_say"] is None
    assert stored[ONS4].answers == ONS4_ANSWERS
    assert stored[RELATIONSHIP_CHECK].mode == "link"
    event = AuditEvent.objects.get(action="measures.sitting.answered")
    assert event.actor is None and "answers" not in event.summary
    again = client.post(url, data)
    assert again.status_code == 410
    assert "already been answered" in again.content.decode()
    assert client.get(url).status_code == 410
    assert len(_stored()) == 2


def test_expired_link_is_refused_kindly(world):
    sitting, token = _link(world)
    Sitting.objects.filter(pk=sitting.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(reverse("measures:answer", args=[token]))
    assert response.status_code == 410
    assert "run out" in response.content.decode()
    with pytest.raises(services.SittingClosed):
        services.submit_answers(sitting, {})


def test_tokens_never_reach_the_logs(world, caplog):
    _, token = _link(world)
    Client().post(reverse("measures:answer", args=[token]), {})
    assert token not in caplog.text


def test_unknown_token_is_a_kind_404(world):
    response = Client().get(reverse("measures:answer", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_bad_input_gets_a_message_per_question_and_nothing_is_half_saved(world):
    sitting, token = _link(world)
    url = reverse("measures:answer", args=[token])
    data = {**form_data(RELATIONSHIP_CHECK, RC_ALL_AGREE), **form_data(ONS4, ONS4_ANSWERS)}
    data["ons4-life_satisfaction"] = "11"  # out of range
    del data["relationship_check-listened"]  # missing
    response = Client().post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "Choose one of the answers shown for “Overall, how satisfied are you with your life nowadays?”."
        in body
    )
    assert (
        "Choose an answer to “I felt listened to and understood.”, or “Prefer not to say”." in body
    )
    assert 'href="#id_ons4-life_satisfaction_0"' in body
    assert _stored() == []
    sitting.refresh_from_db()
    assert sitting.used_at is None


def test_service_refuses_a_partial_set_atomically(world):
    sitting, _ = _link(world)
    rc, ons = version(RELATIONSHIP_CHECK), version(ONS4)
    with pytest.raises(services.ValidationError) as error:
        services.submit_answers(sitting, {rc.pk: RC_ALL_AGREE, ons.pk: {"life_satisfaction": 3}})
    assert set(error.value.message_dict) == {"ons4-worthwhile", "ons4-happiness", "ons4-anxiety"}
    assert _stored() == []


def test_rate_limited_per_token_and_unknown_tokens_per_address(world, monkeypatch):
    monkeypatch.setattr(links, "RATE_PER_TOKEN", 3)
    monkeypatch.setattr(links, "RATE_PER_IP", 2)
    _, token = _link(world)
    client = Client()
    url = reverse("measures:answer", args=[token])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    # guessing other tokens from one address is limited, and the valid token's use did not count
    codes = [
        client.get(reverse("measures:answer", args=[f"guess{i}"])).status_code for i in range(3)
    ]
    assert codes == [404, 404, 429]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(reverse("measures:answer", args=["guess"])).status_code == 404
    assert other.get(url).status_code == 429  # the token itself is over its limit


def test_bad_tokens_from_a_shared_connection_do_not_block_a_valid_link(world):
    """70 bad tokens from one café's Wi-Fi; Pat, on the same Wi-Fi, still opens their link."""
    _, token = _link(world)
    cafe = Client(REMOTE_ADDR="192.0.2.1")
    codes = {cafe.get(reverse("measures:answer", args=[f"bad{i}"])).status_code for i in range(70)}
    assert codes == {404, 429}
    page = cafe.get(reverse("measures:answer", args=[token]))
    assert page.status_code == 200 and "Hello Pat" in page.content.decode()


def test_kiosk_shows_only_the_questions_and_ends_with_hand_back(world):
    client = world.client("alice")
    rc = version(RELATIONSHIP_CHECK)
    response = client.post(
        reverse("measures:ask", args=[world.person.pk]),
        {"instruments": [rc.pk], "kind": "kiosk", "days": 14},
    )
    sitting = Sitting.objects.get()
    assert response.url == reverse("measures:sitting", args=[sitting.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and "Hello Pat" in body
    assert "Find a person" not in body and "Example" not in body  # no navigation, no case details
    done = client.post(response.url, form_data(RELATIONSHIP_CHECK, RC_ALL_AGREE))
    assert done.url == reverse("measures:kiosk_done")
    assert "hand the tablet back" in client.get(done.url).content.decode()
    assert client.get(response.url).status_code == 410
    assert [r.mode for r in _stored()] == ["kiosk"]


def test_read_out_by_the_worker_is_marked(world):
    client = world.client("alice")
    ons = version(ONS4)
    response = client.post(
        reverse("measures:ask", args=[world.person.pk]),
        {"instruments": [ons.pk], "kind": "read_out", "days": 14},
    )
    page = client.get(response.url)
    assert "Read out by the worker" in page.content.decode()
    saved = client.post(response.url, form_data(ONS4, ONS4_ANSWERS))
    assert saved.url == reverse("people:person", args=[world.person.pk])
    (stored,) = _stored()
    assert stored.mode == "read_out" and stored.author == world.user("alice")


def test_a_sitting_is_only_for_the_worker_who_started_it(world):
    sitting, _ = services.start_sitting(
        world.person, by=world.members["alice"], versions=[version(ONS4)], kind=SittingKind.KIOSK
    )
    url = reverse("measures:sitting", args=[sitting.pk])
    for persona in ("cara", "colin", "vic", "dana", "olly"):
        assert world.client(persona).get(url).status_code == 404, persona
    assert world.client("alice").get(url).status_code == 200
