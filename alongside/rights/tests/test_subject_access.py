import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.audit.queries import access_log
from alongside.rights import services
from alongside.rights.models import RequestStatus, SubjectAccessRequest, WithholdReason
from alongside.rights.queries import gather_record, named_in
from alongside.rights.render import render_html
from alongside.rights.services.subject_access import NAME_WITHHELD, one_month_after
from alongside.rights.tests.conftest import SECRETS

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 10), date(2026, 4, 10)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_the_answer_is_due_one_calendar_month_later(received, due):
    assert one_month_after(received) == due


def test_names_are_found_as_whole_words_whatever_the_case_or_accents():
    index = {("olwen", "brightwater"): "Olwen Brightwater", ("zoe", "lee"): "Zoë Lee"}
    assert named_in("Saw OLWEN  Brightwater and zoë lee.", index) == [
        "Olwen Brightwater",
        "Zoë Lee",
    ]
    assert named_in("Olwen Brightwaters came", index) == []


def test_the_record_holds_every_sphere_and_lists_what_may_be_withheld(world, full_record):
    found = gather_record(full_record.person, viewer=world.members["dana"])
    keys = {item.key for item in found.items}
    assert f"support.supportnote:{full_record.note.pk}" in keys
    assert f"safeguarding.concern:{full_record.concern.pk}" in keys
    assert f"eligibility.voucher:{full_record.voucher.pk}" in keys
    assert f"relationships.contact:{full_record.contact.pk}" in keys
    flags = {(flag.item.key, flag.kind): flag for flag in found.flags}
    named = flags[(f"support.supportnote:{full_record.note.pk}", "third_party")]
    assert named.names == ["Olwen Brightwater"]
    assert (f"safeguarding.concern:{full_record.concern.pk}", "safeguarding") in flags
    # Only what needs a decision is listed: the contact names no one else.
    assert not any(key.startswith("relationships.contact") for key, _ in flags)


def test_request_review_withholding_and_answer_are_audited(world, full_record):
    dana = world.members["dana"]
    request = services.open_request(full_record.person, by=dana, received_on=date(2026, 3, 9))
    assert request.due_on == date(2026, 4, 9)
    found = services.read_record_for_review(request, by=dana)
    note_key = f"support.supportnote:{full_record.note.pk}"
    concern_key = f"safeguarding.concern:{full_record.concern.pk}"
    services.decide(
        request,
        by=dana,
        decisions={note_key: ("names", ""), concern_key: ("withhold", WithholdReason.SERIOUS_HARM)},
        flags=found.flags,
    )
    services.answer_request(request, by=dana)
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    text = json.dumps(request.answer)
    # The note is given with the other person's name taken out; the concern leaves no trace.
    assert SECRETS["note"] in text and "Brightwater" not in text and NAME_WITHHELD in text
    assert SECRETS["concern"] not in text and concern_key not in text
    assert SECRETS["voucher_doctor"] in text
    names = list(
        AuditEvent.objects.filter(person=full_record.person, action__startswith="rights.")
        .order_by("id")
        .values_list("action", "summary")
    )
    assert [name for name, _ in names] == [
        actions.RIGHTS_SUBJECT_ACCESS_OPENED.name,
        actions.RIGHTS_RECORD_VIEWED.name,
        actions.RIGHTS_SUBJECT_ACCESS_WITHHELD.name,
        actions.RIGHTS_SUBJECT_ACCESS_WITHHELD.name,
        actions.RIGHTS_SUBJECT_ACCESS_ANSWERED.name,
    ]
    assert names[-1][1]["sha256"] == request.answer_digest
    # No content in the audit log: ids, codes and counts only.
    assert SECRETS["note"] not in json.dumps([summary for _, summary in names])
    # "Who saw my record" says it in plain words.
    lines = access_log(full_record.person.pk, world.org.pk, viewer=dana)
    assert "answered your request with a copy of your record" in [line.did for line in lines]


def test_withholding_needs_a_reason_and_answered_requests_are_final(world, full_record):
    dana = world.members["dana"]
    request = services.open_request(full_record.person, by=dana, received_on=date(2026, 3, 9))
    found = services.read_record_for_review(request, by=dana)
    concern_key = f"safeguarding.concern:{full_record.concern.pk}"
    with pytest.raises(ValidationError) as refused:
        services.decide(
            request, by=dana, decisions={concern_key: ("withhold", "")}, flags=found.flags
        )
    assert refused.value.message_dict[concern_key] == ["Say why it is withheld."]
    with pytest.raises(ValidationError):
        services.decide(
            request, by=dana, decisions={"support.supportnote:999999": ("give", "")},
            flags=found.flags,
        )  # fmt: skip
    services.answer_request(request, by=dana)
    with pytest.raises(ValidationError):
        services.answer_request(request, by=dana)
    with pytest.raises(ValidationError):
        services.decide(request, by=dana, decisions={}, flags=found.flags)


def test_a_third_party_withholding_is_shown_as_left_out(world, full_record):
    dana = world.members["dana"]
    request = services.open_request(full_record.person, by=dana, received_on=date(2026, 3, 9))
    found = services.read_record_for_review(request, by=dana)
    note_key = f"support.supportnote:{full_record.note.pk}"
    services.decide(
        request, by=dana, decisions={note_key: ("withhold", WithholdReason.THIRD_PARTY)},
        flags=found.flags,
    )  # fmt: skip
    services.answer_request(request, by=dana)
    html = render_html(request.answer)
    assert SECRETS["note"] not in html
    assert "One record here was left out: it identifies someone else" in html


def test_received_in_the_future_is_refused(world, full_record):
    with pytest.raises(ValidationError) as refused:
        services.open_request(
            full_record.person, by=world.members["dana"], received_on=date(2026, 3, 11)
        )
    assert "received_on" in refused.value.message_dict


def test_the_pages_open_a_request_review_it_and_download_both_files(world, full_record):
    client = world.client("dana")
    person = full_record.person
    log = client.get(reverse("people:access_log", args=[person.pk])).content.decode()
    assert reverse("rights:open_request", args=[person.pk]) in log
    bad = client.post(reverse("rights:open_request", args=[person.pk]), {"received_on": ""})
    assert bad.status_code == 400
    made = client.post(
        reverse("rights:open_request", args=[person.pk]), {"received_on": "2026-03-01"}
    )
    assert made.status_code == 302
    request_url = made.url
    page = client.get(request_url).content.decode()
    assert "Olwen Brightwater" in page and "1 April 2026" in page
    assert client.post(request_url, {"item_0": "withhold", "reason_0": ""}).status_code == 400
    sar = person_request(person)
    assert client.post(reverse("rights:answer", args=[sar.pk])).status_code == 302
    pdf = client.get(reverse("rights:answer_pdf", args=[sar.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = json.loads(client.get(reverse("rights:answer_json", args=[sar.pk])).content)
    assert data["format"] == "alongside-subject-access/1"
    assert data["person"]["id"] == person.pk
    # Other roles never see these pages: a 404, as for anything they may not see.
    assert world.client("alice").get(request_url).status_code == 404


def person_request(person):
    from alongside.rights.models import SubjectAccessRequest

    return SubjectAccessRequest.objects.get(person=person)


def test_the_data_lead_s_inbox_lists_requests_by_their_deadline(world, full_record):
    services.open_request(
        full_record.person, by=world.members["dana"], received_on=date(2026, 3, 2)
    )
    body = world.client("dana").get(reverse("inbox:inbox")).content.decode()
    assert "Requests to see a record" in body and "the answer is due by 2 April 2026" in body
    assert "Quartermaine" not in body  # no names in the inbox; the request's page has them
    assert (
        "Requests to see a record"
        not in world.client("colin").get(reverse("inbox:inbox")).content.decode()
    )


def test_the_home_page_lists_requests_in_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alongside.testing.factories import PersonFactory

    client = world.client("dana")
    client.get(reverse("rights:home"))  # the session's first request does its own reads
    counts = {}
    for n in (1, 3):
        while SubjectAccessRequest.objects.count() < n:
            services.open_request(
                PersonFactory(team=world.team), by=world.members["dana"],
                received_on=date(2026, 3, 2),
            )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("rights:home")).content.decode()
        assert body.count("/rights/subject-access/") == n
        counts[n] = len(queries)
    assert counts[1] == counts[3]
