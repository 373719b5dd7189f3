"""The security headers every page is sent (ASVS 5.0 3.4.3: a content security policy that also
shuts out plugins and a changed base URL)."""

from django.urls import reverse


def csp_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_every_page_has_a_policy_that_forbids_plugins_and_a_foreign_base(client, world):
    for response in (
        client.get(reverse("access:login")),  # signed out
        world.client("alice").get(reverse("relationships:home")),  # signed in
    ):
        policy = csp_of(response)
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'"
        assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
