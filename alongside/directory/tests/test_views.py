"""The directory's pages: search by need, words, place and day with opening times in words; local
services added, changed and checked by who keeps them; stale entries flagged; the needs list;
imports and feeds with what changed; the feed refresh task."""

import json
import threading
import urllib.request
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.directory import oruk
from alongside.directory.models import (
    DirectoryFeed,
    DirectoryRefresh,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSource,
)
from alongside.directory.oruk import SourceError
from alongside.directory.services import add_term, import_services
from alongside.directory.sources import _PublicRedirects, public_fetch
from alongside.directory.tasks import refresh_feed
from alongside.directory.tests.helpers import SERVICE_ID, example
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.helpers import assert_constant_queries

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(SUMMER_MIDDAY)]


def local(world, name, *, postcode="RV1 2AB", at=(53.80, -1.55), byday="TU", checked=None):
    service = Service.objects.create(
        organisation=world.org,
        name=name,
        source=ServiceSource.LOCAL,
        last_checked=checked or timezone.localdate(),
    )
    place = Location.objects.create(
        organisation=world.org,
        name=f"{name} hall",
        postal_code=postcode,
        latitude=at[0],
        longitude=at[1],
    )
    ServiceAtLocation.objects.create(service=service, location=place)
    Schedule.objects.create(
        service=service, freq="WEEKLY", byday=byday, opens_at="10:00", closes_at="12:00"
    )
    return service


def results(response) -> str:
    """The search page's results, without the form (whose place list names every hall)."""
    return response.content.decode().split('id="results-heading"', 1)[1]


def test_search_by_words_place_distance_and_day_with_times_in_words(world):
    knit = local(world, "Knit and natter", byday="TU")
    local(world, "Debt drop-in", postcode="RV2 4CD", at=(53.83, -1.50), byday="MO")
    client = world.client("alice")
    page = results(client.get(reverse("directory:search")))
    assert "Knit and natter" in page and "Tuesdays, 10am to 12pm" in page
    found = results(client.get(reverse("directory:search"), {"words": "knit"}))
    assert "Knit and natter" in found and "Debt drop-in" not in found
    found = results(client.get(reverse("directory:search"), {"district": "rv2"}))
    assert "Debt drop-in" in found and "Knit and natter" not in found
    found = results(client.get(reverse("directory:search"), {"day": "TU"}))
    assert "Knit and natter" in found and "Debt drop-in" not in found
    near = Location.objects.get(name="Knit and natter hall")
    found = client.get(reverse("directory:search"), {"near": near.pk, "within": "1"})
    body = results(found)
    assert "Knit and natter" in body and "0.0 km away" in body and "Debt drop-in" not in body
    found = client.get(reverse("directory:search"), {"near": near.pk, "within": "10"})
    assert "Debt drop-in" in results(found)
    assert client.get(reverse("directory:service", args=[knit.pk])).status_code == 200


def test_search_by_need(world):
    knit = local(world, "Knit and natter")
    local(world, "Debt drop-in")
    loneliness = add_term(world.members["colin"], "Loneliness")
    knit.terms.add(loneliness)
    found = world.client("vic").get(reverse("directory:search"), {"need": loneliness.pk})
    assert "Knit and natter" in results(found)
    assert "Debt drop-in" not in results(found)


def test_a_bad_search_is_a_400_on_the_field(world):
    response = world.client("alice").get(reverse("directory:search"), {"need": "99999"})
    assert response.status_code == 400


def test_an_entry_not_checked_for_a_year_is_flagged(world):
    old = local(world, "Knit and natter", checked=date(2025, 1, 1))
    client = world.client("colin")
    assert "Not checked for a year" in client.get(reverse("directory:search")).content.decode()
    page = client.get(reverse("directory:service", args=[old.pk])).content.decode()
    assert "Not checked for over a year" in page
    assert "Knit and natter" in client.get(reverse("directory:imports")).content.decode()
    response = client.post(reverse("directory:check_service", args=[old.pk]))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.last_checked == timezone.localdate()
    assert AuditEvent.objects.filter(action="directory.service.checked").count() == 1
    page = client.get(reverse("directory:service", args=[old.pk])).content.decode()
    assert "Not checked for over a year" not in page


def test_a_coordinator_adds_a_local_service_with_its_time_and_place(world):
    client = world.client("colin")
    need = add_term(world.members["colin"], "Forms and letters")
    assert client.get(reverse("directory:add_service")).status_code == 200
    response = client.post(
        reverse("directory:add_service"),
        {
            "name": "The vicar who helps with forms",
            "description": "Bring the letter.",
            "status": "active",
            "terms": [need.pk],
            "keeper": world.members["colin"].pk,
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(name="The vicar who helps with forms")
    assert service.source == ServiceSource.LOCAL and service.published
    assert service.last_checked == timezone.localdate()
    assert service.keeper == world.members["colin"]
    assert service.directory_organisation.name == world.org.name
    response = client.post(
        reverse("directory:add_schedule", args=[service.pk]),
        {"freq": "WEEKLY", "byday": ["TH"], "opens_at": "14:00", "closes_at": "16:00"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("directory:add_place", args=[service.pk]),
        {"name": "St Mark's", "postal_code": "RV1 2AB", "latitude": "53.8", "longitude": "-1.55"},
    )
    assert response.status_code == 302
    page = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Thursdays, 2pm to 4pm" in page and "St Mark&#x27;s" in page
    actions = list(
        AuditEvent.objects.filter(action__startswith="directory.").values_list("action", flat=True)
    )
    assert actions.count("directory.service.added") == 1
    assert actions.count("directory.service.changed") == 2
    # The published entry is on the public API at once.
    served = client.get(reverse("oruk:service", args=[service.oruk_id]))
    assert served.status_code == 200 and json.loads(served.content)["schedules"][0]["byday"] == "TH"


def test_mistakes_are_400_on_the_right_field_and_save_nothing(world):
    client = world.client("colin")
    service = local(world, "Knit and natter")
    response = client.post(
        reverse("directory:add_schedule", args=[service.pk]),
        {"freq": "WEEKLY", "byday": ["TH"], "opens_at": "16:00", "closes_at": "14:00"},
    )
    assert response.status_code == 400
    assert "closing time must be after" in response.content.decode()
    assert Schedule.objects.filter(service=service).count() == 1
    response = client.post(
        reverse("directory:add_place", args=[service.pk]),
        {"name": "Nowhere", "latitude": "100", "longitude": "1"},
    )
    assert response.status_code == 400 and "latitude from -90 to 90" in response.content.decode()
    response = client.post(
        reverse("directory:edit_service", args=[service.pk]),
        {"name": "", "status": "active", "minimum_age": "60", "maximum_age": "18"},
    )
    assert response.status_code == 400
    assert "oldest age must not be less" in response.content.decode()


def test_an_imported_entry_is_kept_by_its_source(world):
    import_services(world.org, [example("service_full.json")])
    imported = Service.objects.get(oruk_id=SERVICE_ID)
    client = world.client("colin")
    assert client.get(reverse("directory:edit_service", args=[imported.pk])).status_code == 404
    page = client.get(reverse("directory:service", args=[imported.pk])).content.decode()
    assert "Community Counselling" in page and "Imported" in page
    assert "Change this entry" not in page


def test_the_needs_list_is_the_organisations_own(world):
    client = world.client("dana")
    response = client.post(reverse("directory:needs"), {"name": "Getting active"})
    assert response.status_code == 302
    page = client.get(reverse("directory:needs")).content.decode()
    assert "Getting active" in page and "Ours" in page
    assert (
        "Getting active"
        not in world.client("olly").get(reverse("directory:search")).content.decode()
    )


def test_the_search_page_asks_the_same_queries_for_one_or_three_services(world):
    count = iter(range(100))

    def add_rows(n):
        for _ in range(n):
            local(world, f"Service {next(count)}")

    assert_constant_queries(world.client("alice"), reverse("directory:search"), add_rows)


class Feed(BaseHTTPRequestHandler):
    """An ORUK API's /services with two pages of one service each."""

    pages: list[dict] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        query = parse_qs(urlsplit(self.path).query)
        number = int(query.get("page", ["1"])[0])
        body = json.dumps(self.pages[number - 1]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return


@pytest.fixture
def feed_server(settings):
    # The test's feed is on this machine: a deployment refuses that (below).
    settings.ALONGSIDE_DIRECTORY_PRIVATE_FEEDS = True
    server = HTTPServer(("127.0.0.1", 0), Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/services"
    server.shutdown()


def two_pages(second_name="Second service"):
    first = example("service_full.json")
    second = example("service_full.json")
    second["id"] = "5d1c9a7e-3f2b-4c6d-8e9f-0a1b2c3d4e5f"
    second["name"] = second_name
    return [
        oruk.page([first], total=2, number=1, size=1),
        oruk.page([second], total=2, number=2, size=1),
    ]


def test_a_feed_is_read_page_by_page_and_what_changed_is_shown(world, feed_server):
    Feed.pages = two_pages()
    feed = DirectoryFeed.objects.create(organisation=world.org, name="Council", url=feed_server)
    assert refresh_feed.call(feed.pk, False) == "2 created, 0 updated, 0 unchanged"
    assert Service.objects.filter(feed=feed).count() == 2
    Feed.pages = two_pages("Second service, renamed")
    assert refresh_feed.call(feed.pk, False) == "0 created, 1 updated, 1 unchanged"
    latest = DirectoryRefresh.objects.filter(feed=feed).first()
    assert latest.changes == [
        {
            "oruk_id": "5d1c9a7e-3f2b-4c6d-8e9f-0a1b2c3d4e5f",
            "name": "Second service, renamed",
            "change": "updated",
            "fields": ["name"],
        }
    ]
    page = world.client("colin").get(reverse("directory:imports")).content.decode()
    assert "Second service, renamed: changed (name)" in page
    assert "0 new, 1 changed, 1 unchanged." in page


def test_a_feed_with_a_bad_record_writes_nothing_and_says_why(world, feed_server):
    pages = two_pages()
    pages[1]["contents"][0]["status"] = "maybe"
    Feed.pages = pages
    feed = DirectoryFeed.objects.create(organisation=world.org, name="Council", url=feed_server)
    assert refresh_feed.call(feed.pk, False) == "refused: 1 problem(s)"
    assert Service.objects.count() == 0
    refresh = DirectoryRefresh.objects.get(feed=feed)
    assert not refresh.ok and "status" in refresh.problems[0]
    page = world.client("colin").get(reverse("directory:imports")).content.decode()
    assert "Not read: nothing was changed." in page


def test_a_feed_inside_a_private_network_is_not_read(world, feed_server, settings):
    """A feed's address is typed into a web page: the server must not read its own network."""
    settings.ALONGSIDE_DIRECTORY_PRIVATE_FEEDS = False
    Feed.pages = two_pages()
    feed = DirectoryFeed.objects.create(organisation=world.org, name="Inside", url=feed_server)
    assert refresh_feed.call(feed.pk, False) == "refused: 1 problem(s)"
    assert Service.objects.count() == 0
    refresh = DirectoryRefresh.objects.get(feed=feed)
    assert "127.0.0.1 is an address inside a private network" in refresh.problems[0]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8/services",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/services",
        "http://[::ffff:127.0.0.1]/services",
        "http://192.168.1.1/services",
        "http://100.64.0.1/services",
    ],
)
def test_private_addresses_and_redirects_to_them_are_refused(url):
    with pytest.raises(SourceError, match="inside a private network"):
        public_fetch(url)
    request = urllib.request.Request("https://203.0.113.5/services")
    with pytest.raises(SourceError, match="inside a private network"):
        _PublicRedirects().redirect_request(request, None, 302, "Found", {}, url)


def test_adding_a_feed_queues_a_read_now_and_the_next_one_later(
    world, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client = world.client("colin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:imports"),
            {
                "name": "Council",
                "url": "https://example.org/api/services",
                "refresh_hours": "24",
                "active": "on",
            },
        )
    assert response.status_code == 302
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_feed")
    assert queued.count() == 2
    later = max(queued.values_list("run_after", flat=True))
    assert later - timezone.now() > timedelta(hours=23)


def test_a_drop_in_space_is_listed_with_its_sessions_as_opening_times(world):
    from datetime import time as clock

    from alongside.spaces.models import SessionPattern, Space

    space = Space.objects.create(
        organisation=world.org, name="Tuesday lunch club", about="Soup and company", venue="Hall"
    )
    SessionPattern.objects.create(
        organisation=world.org,
        space=space,
        weekday=1,
        starts_at=clock(12),
        ends_at=clock(14),
        starts_on=date(2026, 1, 6),
        ends_on=date(2027, 12, 28),
        created_by=world.user("colin"),
    )
    Space.objects.create(
        organisation=world.org, name="Invited only", access="invitation", venue="Back room"
    )
    client = world.client("colin")
    page = client.get(reverse("directory:imports")).content.decode()
    assert "Tuesday lunch club" in page and "Invited only" not in page
    response = client.post(reverse("directory:list_space", args=[space.pk]))
    assert response.status_code == 302
    service = Service.objects.get(name="Tuesday lunch club")
    assert not service.published and service.source == ServiceSource.LOCAL
    page = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Tuesdays, 12pm to 2pm" in page and "Hall" in page
    client.post(reverse("directory:list_space", args=[space.pk]))
    assert Service.objects.filter(name="Tuesday lunch club").count() == 1  # brought up to date
    invited = Space.objects.get(name="Invited only")
    assert client.post(reverse("directory:list_space", args=[invited.pk])).status_code == 404


def test_the_command_line_imports_an_api_address_page_by_page(world, feed_server):
    from io import StringIO

    from django.core.management import CommandError, call_command

    Feed.pages = two_pages()
    out = StringIO()
    call_command("directory", "import", feed_server, f"--organisation={world.org.slug}", stdout=out)
    assert out.getvalue().strip() == "2 created, 0 updated, 0 unchanged"
    with pytest.raises(CommandError) as refused:
        call_command("directory", "import", feed_server, "--organisation=nowhere")
    assert refused.value.returncode == 2
