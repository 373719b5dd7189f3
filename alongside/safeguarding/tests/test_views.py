"""Views with personas: who may use each page, what they see, and bad input."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.common.factories import PersonFactory, SpellFactory
from alongside.common.testing import assert_constant_queries
from alongside.safeguarding import services
from alongside.safeguarding.models import Concern, ConcernAction, Override
from alongside.safeguarding.tests.conftest import (
    CONCERN_TEXT,
    JUSTIFICATION,
    make_concern,
    make_override,
)

REASON = "counting in a view test"
EVERYONE = ["alice", "cara", "colin", "vic", "amir", "sam", "sage", "dana", "fern", "olly"]
CONCERN_POST = {"category": "physical", "what_happened": CONCERN_TEXT, "immediate_risk": "no"}
OVERRIDE_POST = {"reason_code": "risk_to_person", "justification": JUSTIFICATION}


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def stored(model) -> int:  # type: ignore[no-untyped-def]
    return model.objects.for_system(REASON).count()


@pytest.fixture
def vics_person(sg):
    """Someone the volunteer is matched with (she cannot see Pat)."""
    person = PersonFactory(team=sg.team, given_name="Val", family_name="Matched")
    SpellFactory(person=person, worker=sg.user("vic"))
    return person


# Raising a concern


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "sam"])
def test_workers_who_see_the_person_raise_a_concern_and_see_a_confirmation(sg, name):
    client = sg.client(name)
    url = reverse("safeguarding_raise_concern", args=[sg.person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "If someone is in danger now, call 999 first." in html(page)
    response = client.post(url, CONCERN_POST)
    concern = Concern.objects.for_system(REASON).get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding_concern_raised", args=[concern.pk])
    assert (concern.raised_by, concern.category, concern.immediate_risk) == (
        sg.user(name), "physical", False,
    )  # fmt: skip
    confirmation = html(client.get(response.url))
    assert "Concern sent" in confirmation and "You raised a concern on" in confirmation
    assert "call 999 now" not in confirmation
    assert CONCERN_TEXT not in confirmation


def test_immediate_risk_confirmation_tells_the_raiser_to_call_999(sg):
    client = sg.client("alice")
    response = client.post(
        reverse("safeguarding_raise_concern", args=[sg.person.pk]),
        CONCERN_POST | {"immediate_risk": "yes"},
    )
    page = html(client.get(response.url))
    assert "You said someone is in danger now. If they are, call 999 now." in page


def test_a_volunteer_raises_for_someone_they_work_with_but_cannot_reach_others(sg, vics_person):
    client = sg.client("vic")
    assert client.get(reverse("safeguarding_raise_concern", args=[sg.person.pk])).status_code == 404
    response = client.post(
        reverse("safeguarding_raise_concern", args=[vics_person.pk]), CONCERN_POST
    )
    assert response.status_code == 302
    assert Concern.objects.for_system(REASON).get().person == vics_person


@pytest.mark.parametrize("name", ["amir", "dana", "fern", "olly"])
def test_raise_concern_is_404_for_other_roles_and_organisations(sg, name):
    url = reverse("safeguarding_raise_concern", args=[sg.person.pk])
    client = sg.client(name)
    assert client.get(url).status_code == 404
    assert client.post(url, CONCERN_POST).status_code == 404
    assert stored(Concern) == 0


@pytest.mark.parametrize(
    ("data", "anchors"),
    [
        ({"what_happened": "   "}, ["#id_what_happened"]),
        ({"category": "gossip", "immediate_risk": "maybe"}, ["#id_category", "#id_immediate_risk"]),
        ({"category": "", "what_happened": "", "immediate_risk": ""},
         ["#id_category", "#id_what_happened", "#id_immediate_risk"]),
    ],
)  # fmt: skip
def test_raise_concern_bad_input_shows_the_error_summary_and_writes_nothing(sg, data, anchors):
    response = sg.client("alice").post(
        reverse("safeguarding_raise_concern", args=[sg.person.pk]), CONCERN_POST | data
    )
    page = html(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    for anchor in anchors:
        assert f'href="{anchor}"' in page
    assert (stored(Concern), AuditEvent.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_the_confirmation_page_is_only_for_the_raiser(sg):
    concern = make_concern(sg, by="alice")
    url = reverse("safeguarding_concern_raised", args=[concern.pk])
    assert sg.client("alice").get(url).status_code == 200
    for name in ["cara", "colin", "sam", "amir", "dana", "fern", "olly"]:
        assert sg.client(name).get(url).status_code == 404, name


# Leads' concern pages


def test_lead_lists_concerns_and_the_read_is_audited(sg):
    first = make_concern(sg, by="alice")
    second = make_concern(sg, by="cara", text="Different worry")
    make_concern(sg, by="olly", person=sg.other_person, text="Not ours")
    response = sg.client("sam").get(reverse("safeguarding_concerns"))
    page = html(response)
    assert response.status_code == 200
    assert page.count("Pat Example") == 2 and "Quinn" not in page
    assert CONCERN_TEXT not in page  # the list shows no text
    event = AuditEvent.objects.get(action="safeguarding.concern.viewed")
    assert (event.actor, event.summary) == (sg.user("sam"), {"ids": sorted([first.pk, second.pk])})


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "vic", "amir", "dana", "fern", "olly"])
def test_concern_pages_are_404_for_everyone_but_leads(sg, name):
    concern = make_concern(sg)
    client = sg.client(name)
    assert client.get(reverse("safeguarding_concerns")).status_code == 404
    url = reverse("safeguarding_concern", args=[concern.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"what_was_done": "x", "status": "closed"}).status_code == 404
    assert stored(ConcernAction) == 0


def test_a_lead_of_another_organisation_cannot_open_our_concern(sg):
    concern = make_concern(sg)
    response = sg.client("oscar").get(reverse("safeguarding_concern", args=[concern.pk]))
    assert response.status_code == 404


def test_concern_list_query_count_does_not_grow_with_concerns(sg):
    people = [PersonFactory(team=sg.team) for _ in range(3)]

    def add(n: int) -> None:
        for _ in range(n):
            make_concern(sg, person=people[stored(Concern)])

    assert_constant_queries(sg.client("sam"), reverse("safeguarding_concerns"), add)


def test_lead_reads_a_concern_records_an_action_and_changes_its_status(sg):
    concern = make_concern(sg)
    client = sg.client("sam")
    url = reverse("safeguarding_concern", args=[concern.pk])
    page = html(client.get(url))
    assert CONCERN_TEXT in page and "Nothing recorded yet." in page
    read = AuditEvent.objects.get(action="safeguarding.concern.viewed")
    assert (read.person_id, read.summary) == (sg.person.pk, {"ids": [concern.pk]})
    response = client.post(
        url, {"what_was_done": "Rang adult social care", "status": "being_looked_into"}
    )
    assert response.status_code == 302 and response.url == url
    page = html(client.get(url))
    assert "Rang adult social care" in page and "Being looked into" in page
    assert Concern.objects.for_system(REASON).get().status == "being_looked_into"


def test_concern_action_bad_input_shows_errors_and_writes_nothing(sg):
    concern = make_concern(sg)
    response = sg.client("sam").post(
        reverse("safeguarding_concern", args=[concern.pk]),
        {"what_was_done": "  ", "status": "lost"},
    )
    page = html(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_what_was_done"' in page and 'href="#id_status"' in page
    assert stored(ConcernAction) == 0


# The person page


def test_person_page_shows_a_worker_only_that_they_raised_a_concern(sg):
    make_concern(sg, by="alice")
    make_concern(sg, by="colin", text="Colin's separate worry")
    today = timezone.localdate().strftime("%-d %b %Y")
    alice = html(sg.client("alice").get(reverse("person", args=[sg.person.pk])))
    assert alice.count("You raised a concern on") == 1
    assert f"You raised a concern on {today}." in alice
    assert "Raise a safeguarding concern" in alice
    assert CONCERN_TEXT not in alice and "separate worry" not in alice
    cara = html(sg.client("cara").get(reverse("person", args=[sg.person.pk])))
    assert "You raised a concern" not in cara and "Raise a safeguarding concern" in cara


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "amir", "dana", "fern", "olly"])
def test_concern_text_never_appears_on_the_person_page_for_anyone_but_leads(sg, name):
    make_concern(sg, by="alice")
    services.add_concern_action(
        Concern.objects.for_system(REASON).get(),
        by=sg.members["sam"],
        what_was_done="Secret action taken",
        status="open",
    )
    response = sg.client(name).get(reverse("person", args=[sg.person.pk]))
    assert CONCERN_TEXT not in html(response) and "Secret action" not in html(response)
    assert "Open support records (override)" not in html(response)
    if name == "amir":
        assert response.status_code == 200 and "Safeguarding" not in html(response)
    if name in ("dana", "fern", "olly"):
        assert response.status_code == 404


def test_person_page_shows_a_lead_the_concerns_and_records_the_read(sg):
    concern = make_concern(sg, by="alice")
    page = html(sg.client("sam").get(reverse("person", args=[sg.person.pk])))
    assert CONCERN_TEXT in page and "raised by Alice" in page
    assert "Open support records (override)" in page
    event = AuditEvent.objects.get(action="safeguarding.concern.viewed")
    assert (event.actor, event.person_id, event.summary) == (
        sg.user("sam"), sg.person.pk, {"ids": [concern.pk]},
    )  # fmt: skip


@pytest.mark.parametrize("name", ["sam", "alice"])
def test_person_page_query_count_does_not_grow_with_concerns(sg, name):
    def add(n: int) -> None:
        for _ in range(n):
            make_concern(sg, by="alice")

    assert_constant_queries(sg.client(name), reverse("person", args=[sg.person.pk]), add)


@pytest.mark.parametrize(("name", "queries"), [("amir", 0), ("dana", 0), ("cara", 1), ("sam", 6)])
def test_the_safeguarding_panel_costs_a_worker_one_query_and_a_lead_two_plus_the_audit(
    sg, name, queries, django_assert_num_queries
):
    for _ in range(3):
        make_concern(sg, by="alice")
    make_override(sg)
    # Sam: concerns, his override; the read's audit event: savepoint, chain tail, insert, release.
    with django_assert_num_queries(queries):
        render_tag(sg, name, "{% safeguarding_panel person %}", person=sg.person)


# Overrides


def test_lead_starts_an_override_and_sees_the_banner_with_its_end(sg):
    client = sg.client("sam")
    response = client.post(
        reverse("safeguarding_start_override", args=[sg.person.pk]), OVERRIDE_POST
    )
    override = Override.objects.for_system(REASON).get()
    assert response.status_code == 302 and response.url == reverse("person", args=[sg.person.pk])
    ends = timezone.localtime(override.expires_at).strftime("%H:%M")
    page = html(client.get(response.url))
    assert f"You can open their support records until {ends}." in page
    assert f"You have opened their support records under an override. This ends at {ends}." in page
    assert "End the override now" in page
    assert "Open support records (override)" not in page  # no second form while in force
    # Another lead sees the form, not Sam's banner.
    other = html(sg.client("sage").get(response.url))
    assert "Open support records (override)" in other and "This ends at" not in other


def test_start_override_page_while_one_is_in_force_shows_the_banner_not_the_form(sg):
    make_override(sg)
    page = html(sg.client("sam").get(reverse("safeguarding_start_override", args=[sg.person.pk])))
    assert "This ends at" in page and 'name="justification"' not in page


@pytest.mark.parametrize(
    ("data", "anchors"),
    [
        ({"justification": "   too short, sorry  "}, ["#id_justification"]),
        ({"reason_code": "nosiness"}, ["#id_reason_code"]),
        ({"reason_code": "", "justification": ""}, ["#id_reason_code", "#id_justification"]),
    ],
)
def test_start_override_bad_input_shows_the_error_summary_and_writes_nothing(
    sg, data, anchors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sg.client("sam").post(
            reverse("safeguarding_start_override", args=[sg.person.pk]), OVERRIDE_POST | data
        )
    page = html(response)
    assert response.status_code == 200 and "There is a problem" in page
    for anchor in anchors:
        assert f'href="{anchor}"' in page
    assert (stored(Override), AuditEvent.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_a_second_override_by_post_shows_the_clear_error(sg):
    make_override(sg)
    response = sg.client("sam").post(
        reverse("safeguarding_start_override", args=[sg.person.pk]), OVERRIDE_POST
    )
    assert "You already have an override in force for this person." in html(response)
    assert stored(Override) == 1


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "vic", "amir", "dana", "fern", "olly"])
def test_start_override_is_404_for_everyone_but_leads(sg, name):
    url = reverse("safeguarding_start_override", args=[sg.person.pk])
    client = sg.client(name)
    assert client.get(url).status_code == 404
    assert client.post(url, OVERRIDE_POST).status_code == 404
    assert stored(Override) == 0


def test_a_lead_of_another_organisation_cannot_override_our_person(sg):
    url = reverse("safeguarding_start_override", args=[sg.person.pk])
    assert sg.client("oscar").post(url, OVERRIDE_POST).status_code == 404
    assert stored(Override) == 0


def test_lead_ends_their_override_early(sg):
    override = make_override(sg)
    client = sg.client("sam")
    url = reverse("safeguarding_end_override", args=[override.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("person", args=[sg.person.pk])
    assert Override.objects.for_system(REASON).get().ended_at is not None
    page = html(client.get(response.url))
    assert "The override has ended." in page and "This ends at" not in page


@pytest.mark.parametrize("name", EVERYONE[:5] + ["sage", "dana", "fern", "olly"])
def test_only_the_lead_who_started_it_can_end_an_override(sg, name):
    override = make_override(sg)
    response = sg.client(name).post(reverse("safeguarding_end_override", args=[override.pk]))
    assert response.status_code == 404
    assert Override.objects.for_system(REASON).get().ended_at is None


# Review queue


@pytest.mark.parametrize("name", ["sam", "sage", "dana"])
def test_review_queue_is_for_leads_and_data_leads(sg, name):
    make_override(sg, by="sam")
    page = html(sg.client(name).get(reverse("safeguarding_overrides")))
    assert "Waiting for review" in page and "Risk of serious harm to the person" in page
    assert JUSTIFICATION not in page
    assert ("Pat Example" in page) is (name != "dana")  # data leads do not see who it was


@pytest.mark.parametrize("name", ["alice", "cara", "colin", "vic", "amir", "fern", "olly"])
def test_review_pages_are_404_for_everyone_else(sg, name):
    override = make_override(sg)
    client = sg.client(name)
    assert client.get(reverse("safeguarding_overrides")).status_code == 404
    url = reverse("safeguarding_override", args=[override.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "justified", "note": ""}).status_code == 404
    assert Override.objects.for_system(REASON).get().reviewed_at is None


def test_review_queue_of_another_organisation_is_empty_and_detail_404(sg):
    override = make_override(sg)
    client = sg.client("oscar")
    assert "Pat Example" not in html(client.get(reverse("safeguarding_overrides")))
    assert client.get(reverse("safeguarding_override", args=[override.pk])).status_code == 404


def test_review_queue_query_count_does_not_grow_with_overrides(sg):
    people = [PersonFactory(team=sg.team) for _ in range(3)]

    def add(n: int) -> None:
        for _ in range(n):
            override = make_override(sg, by="sam", person=people[stored(Override)])
            if stored(Override) % 2:
                services.review_override(
                    override, by=sg.members["sage"], outcome="justified", note=""
                )

    assert_constant_queries(sg.client("dana"), reverse("safeguarding_overrides"), add)


@pytest.mark.parametrize("name", ["sage", "dana"])
def test_another_lead_or_data_lead_reviews_an_override(sg, name):
    override = make_override(sg, minutes_ago=90)
    client = sg.client(name)
    url = reverse("safeguarding_override", args=[override.pk])
    page = html(client.get(url))
    assert "Was the override justified?" in page
    # The justification is about the person's situation: safeguarding leads read it, data leads don't.
    assert (JUSTIFICATION in page) == (name == "sage")
    read = AuditEvent.objects.get(action="safeguarding.override.viewed")
    assert (read.actor, read.summary) == (sg.user(name), {"ids": [override.pk]})
    response = client.post(url, {"outcome": "justified", "note": "Necessary and brief"})
    assert response.status_code == 302 and response.url == reverse("safeguarding_overrides")
    stored_override = Override.objects.for_system(REASON).get()
    assert (stored_override.reviewed_by, stored_override.review_outcome) == (
        sg.user(name),
        "justified",
    )
    page = html(client.get(reverse("safeguarding_overrides")))
    assert "Nothing is waiting for review." in page and "Justified" in page


def test_the_lead_who_started_an_override_sees_it_but_cannot_review_it(sg):
    override = make_override(sg)
    client = sg.client("sam")
    url = reverse("safeguarding_override", args=[override.pk])
    page = html(client.get(url))
    assert "You started this override, so you cannot review it." in page
    assert 'name="outcome"' not in page
    response = client.post(url, {"outcome": "justified", "note": ""})
    assert response.status_code == 200 and "There is a problem" in html(response)
    assert Override.objects.for_system(REASON).get().reviewed_at is None


def test_reviewing_twice_shows_an_error_and_keeps_the_first_review(sg):
    override = make_override(sg)
    url = reverse("safeguarding_override", args=[override.pk])
    sg.client("sage").post(url, {"outcome": "justified", "note": ""})
    response = sg.client("dana").post(url, {"outcome": "not_justified", "note": "No"})
    assert "This override has already been reviewed." in html(response)
    assert Override.objects.for_system(REASON).get().reviewed_by == sg.user("sage")


def test_review_bad_input_shows_the_error_summary_and_writes_nothing(sg):
    override = make_override(sg)
    response = sg.client("dana").post(
        reverse("safeguarding_override", args=[override.pk]),
        {"outcome": "not_justified", "note": "   "},
    )
    page = html(response)
    assert "There is a problem" in page and 'href="#id_note"' in page
    assert Override.objects.for_system(REASON).get().reviewed_at is None
    assert not AuditEvent.objects.filter(action="safeguarding.override.reviewed").exists()


def test_review_page_shows_support_reads_made_under_the_override(sg):
    from alongside.audit.services import record_read
    from alongside.support.models import SupportNote

    override = make_override(sg, minutes_ago=10)
    record_read(
        SupportNote,
        [11, 12],
        by=sg.user("sam"),
        organisation_id=sg.org.pk,
        person_id=sg.person.pk,
    )
    record_read(
        SupportNote, [13], by=sg.user("alice"), organisation_id=sg.org.pk, person_id=sg.person.pk
    )
    page = html(sg.client("dana").get(reverse("safeguarding_override", args=[override.pk])))
    assert "2 records" in page and "1 record<" not in page


# Nav tags


def render_tag(sg, name: str, source: str, **context: object) -> str:
    request = RequestFactory().get("/")
    request.membership = sg.members[name]
    request.user = sg.user(name)
    template = Template("{% load safeguarding %}" + source)
    return template.render(Context({"request": request, **context}))


def test_overrides_waiting_tag_shows_what_this_reviewer_could_review(sg):
    make_override(sg, by="sam")
    link = reverse("safeguarding_overrides")
    assert render_tag(sg, "sage", "{% overrides_waiting %}") == (
        f'<li><a href="{link}">Overrides <span class="badge">1'
        '<span class="visually-hidden"> waiting</span></span></a></li>'
    )
    assert render_tag(sg, "dana", "{% overrides_waiting %}").count('class="badge">1') == 1
    assert (
        render_tag(sg, "sam", "{% overrides_waiting %}")
        == f'<li><a href="{link}">Overrides</a></li>'
    )
    for name in ("alice", "amir", "fern"):
        assert render_tag(sg, name, "{% overrides_waiting %}") == ""


def test_concerns_link_tag_is_for_leads_only(sg):
    assert "/safeguarding/concerns/" in render_tag(sg, "sam", "{% safeguarding_concerns_link %}")
    for name in ("alice", "dana", "fern"):
        assert render_tag(sg, name, "{% safeguarding_concerns_link %}") == ""


def test_override_expiry_is_computed_on_every_page(sg):
    override = make_override(sg)
    client = sg.client("sam")
    url = reverse("person", args=[sg.person.pk])
    assert "This ends at" in html(client.get(url))
    Override.objects.for_system("test moves time").filter(pk=override.pk).update(
        started_at=timezone.now() - timedelta(minutes=61),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert "This ends at" not in html(client.get(url))


def test_under_an_override_the_lead_reads_support_notes_and_the_reviewer_sees_the_read(sg):
    """End to end with the support app: notes open to Sam only while his override is in force."""
    from alongside.common.factories import ContactFactory
    from alongside.support.services import save_contact_note

    contact = ContactFactory(person=sg.person, worker=sg.user("alice"))
    save_contact_note(
        contact, by=sg.members["alice"], asked_for="Help with the gas bill", text=None
    )
    url = reverse("person", args=[sg.person.pk])
    sam = sg.client("sam")
    assert "Help with the gas bill" not in html(sam.get(url))
    sam.post(reverse("safeguarding_start_override", args=[sg.person.pk]), OVERRIDE_POST)
    assert "Help with the gas bill" in html(sam.get(url))
    assert "Help with the gas bill" not in html(sg.client("sage").get(url))
    override = Override.objects.for_system(REASON).get()
    review = html(sg.client("sage").get(reverse("safeguarding_override", args=[override.pk])))
    assert "1 record" in review
    sam.post(reverse("safeguarding_end_override", args=[override.pk]))
    assert "Help with the gas bill" not in html(sam.get(url))
