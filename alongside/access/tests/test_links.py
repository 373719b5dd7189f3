"""Links are built from the rules their pages check: no one is shown a link that leads to a 404
(or a 403, or a page that refuses a GET)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.access.tests.samples import Samples
from alongside.testing.factories import ContactFactory

PERSONAS = ("alice", "cara", "colin", "vic", "amir", "sam", "dana", "fern", "olly")
# What a link must never answer the persona who is shown it: hidden (404), refused (403), a
# page that takes no GET (405), or a failure.
DEAD = (403, 404, 405, 500)
HREF = re.compile(r'<a [^>]*href="(/[^"#]*)"')


def nav_links(body: str) -> list[str]:
    nav = body.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return HREF.findall(nav)


def page_links(body: str) -> list[str]:
    main = body.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return HREF.findall(main)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_nav_link_opens_for_each_role(world, persona):
    client = world.client(persona)
    home = client.get(reverse("relationships:home"), follow=True)
    links = nav_links(home.content.decode())
    assert links, "everyone has at least their messages"
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, (persona, href, response.status_code)


@pytest.mark.parametrize("persona", ["alice", "cara", "colin", "vic", "amir", "sam"])
def test_every_link_on_the_person_page_opens_for_each_role(world, persona):
    ContactFactory(person=world.person, worker=world.user("alice"), at=timezone.now())
    # A contact removed as recorded on the wrong person: its timeline entry shows no dead link.
    ContactFactory(
        person=world.person,
        worker=world.user("alice"),
        at=timezone.now() - timedelta(days=1),
        removed_at=timezone.now(),
        removed_by=world.user("alice"),
        removed_reason="Wrong Pat",
    )
    client = world.client(persona)
    body = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    for href in set(page_links(body)):
        response = client.get(href)
        assert response.status_code != 404, (persona, href)


def test_change_this_contact_is_shown_only_to_who_may_change_it(world):
    contact = ContactFactory(
        person=world.person,
        worker=world.user("alice"),
        recorded_by=world.user("alice"),
        at=timezone.now() - timedelta(hours=1),
    )
    change = reverse("relationships:edit_contact", args=[world.person.pk, contact.pk])
    remove = reverse("relationships:remove_contact", args=[world.person.pk, contact.pk])

    def shown(persona: str) -> bool:
        response = world.client(persona).get(reverse("people:person", args=[world.person.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert (change in body) == (remove in body), persona
        return change in body

    # Assessors and safeguarding leads were shown the link and got a 404 behind it.
    assert not shown("amir")
    assert not shown("sam")
    assert not shown("cara")
    assert shown("alice")
    assert shown("colin")
    assert world.client("alice").get(change).status_code == 200
    assert world.client("sam").get(change).status_code == 404


def crawl(client, start: str, *, pages: int, check=None) -> dict[str, tuple[str, int]]:
    """Follow the links shown (nav and main) from `start`, breadth first, up to `pages` pages:
    each link's URL -> (the page it was shown on, the status it answered). `check(href,
    response)`, when given, is called on every response."""
    seen: dict[str, tuple[str, int]] = {}
    queue = [(start, "")]
    while queue and len(seen) < pages:
        href, shown_on = queue.pop(0)
        if href in seen or href.startswith(("/static/", "/logout", "/admin/")):
            continue
        response = client.get(href)
        seen[href] = (shown_on, response.status_code)
        if check is not None:
            check(href, response)
        if response.status_code == 302 and response.url.startswith("/"):
            queue.append((response.url, href))  # a role's home opens elsewhere (access/nav.py)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            body = response.content.decode()
            for link in HREF.findall(body):
                if link not in seen:
                    queue.append((link.replace("&amp;", "&"), href))
    return seen


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_shown_to_a_role_leads_to_a_404(world, persona):
    """Walk what each role is shown, with one of everything in the organisation (the access
    matrix's samples): every link a page offers must open for whoever it is offered to."""
    Samples(world)
    found = crawl(world.client(persona), reverse("relationships:home"), pages=120)
    broken = {href: seen for href, seen in found.items() if seen[1] in DEAD}
    assert not broken, (persona, broken)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shown_to_a_role_may_be_kept_by_the_browser(world, persona):
    """Shared computers (decision 0013): every page a role opens, whatever its status, is sent
    `Cache-Control: no-store, private`, so Back or the history on a shared computer shows
    nothing from the cache once the session is over."""
    Samples(world)
    stored: dict[str, str] = {}

    def no_store(href, response):
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        if not {"no-store", "private"} <= directives:
            stored[href] = response.get("Cache-Control", "")

    found = crawl(world.client(persona), reverse("relationships:home"), pages=60, check=no_store)
    assert len(found) > 3  # the funder viewer is shown the fewest pages
    assert not stored, (persona, stored)


def test_plan_for_their_people_is_shown_only_to_who_may_plan(world):
    """Found by crawling the demo as the data lead: a leaving worker's page offered "Plan for
    their people", which only their team's coordinator may open (404 for the data lead)."""
    cara = world.members["cara"]
    cara.team = world.team
    cara.leaving_on = timezone.localdate() + timedelta(days=20)
    cara.save()
    plan = reverse("scheduling:leaving_worker", args=[cara.pk])
    worker_page = reverse("workers:worker", args=[cara.pk])
    assert plan not in world.client("dana").get(worker_page).content.decode()
    assert world.client("dana").get(plan).status_code == 404
    assert plan in world.client("colin").get(worker_page).content.decode()
    assert world.client("colin").get(plan).status_code == 200
