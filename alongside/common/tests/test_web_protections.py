"""What every response does for the browser, pinned for the ASVS evidence (docs/security/asvs.md):
text shown as text, forged posts refused, types named with their charset, no CORS, no TRACE,
nothing served from the code folder, no directory listing."""

import pytest
from django.test import Client
from django.urls import reverse

from alongside.common.tests.urls_failing import INSIDE
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_what_a_worker_types_is_shown_as_text_never_as_html(world):
    world.person.given_name = SCRIPT
    world.person.save()
    page = world.client("alice").get(reverse("people:person", args=[world.person.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert SCRIPT not in body and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    api = world.client("alice").get(f"/api/v1/people/{world.person.pk}")
    assert api.json()["given_name"] == SCRIPT  # JSON carries it as data, typed as JSON
    assert api["Content-Type"] == "application/json; charset=utf-8"


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("alice"))
    assert client.post(reverse("access:logout")).status_code == 403
    assert "_auth_user_id" in client.session, "nothing happened"
    api = client.post(
        f"/api/v1/people/{world.person.pk}/contacts",
        data={"kind": "visit"},
        content_type="application/json",
    )
    assert api.status_code == 403


def test_responses_name_their_type_and_charset_and_send_no_cors_header(world):
    client = world.client("alice")
    origin = {"HTTP_ORIGIN": "https://elsewhere.example"}
    for url, kind in (
        (reverse("people:person", args=[world.person.pk]), "text/html; charset=utf-8"),
        ("/api/v1/people", "application/json; charset=utf-8"),
        (
            reverse("people:export_person_contacts", args=[world.person.pk]),
            "text/csv; charset=utf-8",
        ),
    ):
        response = client.get(url, **origin)
        assert response.status_code == 200, url
        assert response["Content-Type"] == kind, url
        assert not response.has_header("Access-Control-Allow-Origin"), url


def test_trace_is_refused_everywhere(world):
    for client in (Client(), world.client("alice")):
        for path in ("/login/", reverse("people:person", args=[world.person.pk]), "/api/v1/people"):
            response = client.generic("TRACE", path)
            assert response.status_code == 405, path


def test_nothing_is_served_from_the_code_folder_and_no_folder_is_listed(db):
    client = Client()
    for path in ("/.git/config", "/.git/HEAD", "/static/", "/static/css/", "/pyproject.toml"):
        response = client.get(path)
        assert response.status_code in (302, 404), path  # 302: to the sign-in page
        assert b"[core]" not in response.content and b"Index of" not in response.content


@pytest.mark.urls("alongside.common.tests.urls_failing")
def test_an_unexpected_error_is_a_plain_page_that_shows_nothing_of_the_inside(db):
    response = Client(raise_request_exception=False).get("/fails/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in body
    assert INSIDE not in body and "Traceback" not in body and "RuntimeError" not in body


def test_format_strings_typed_by_a_user_are_only_ever_shown(world):
    typed = "{0.__class__} {settings.SECRET_KEY} %s %(name)s %n"
    world.person.given_name = typed
    world.person.save()
    page = world.client("alice").get(reverse("people:person", args=[world.person.pk]))
    assert page.status_code == 200
    assert "{0.__class__} {settings.SECRET_KEY} %s %(name)s %n" in page.content.decode()
    assert world.client("alice").get(f"/api/v1/people/{world.person.pk}").json()["given_name"] == (
        typed
    )
