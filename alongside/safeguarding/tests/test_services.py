"""Services: every rule, and every refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alongside.access.models import Notification
from alongside.audit.models import AuditEvent
from alongside.safeguarding import services
from alongside.safeguarding.models import (
    OVERRIDE_DURATION,
    Concern,
    ConcernAction,
    ConcernStatus,
    Override,
)
from alongside.safeguarding.tests.conftest import (
    CONCERN_TEXT,
    JUSTIFICATION,
    make_concern,
    make_override,
)

REASON = "storage and counting in a test"


def counts() -> tuple[int, ...]:
    return (
        Concern.objects.for_system(REASON).count(),
        ConcernAction.objects.for_system(REASON).count(),
        Override.objects.for_system(REASON).count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
        len(mail.outbox),
    )


def recipients(text_part: str) -> set[str]:
    return {n.user.username for n in Notification.objects.filter(text__contains=text_part)}


# Concerns


def test_raise_concern_writes_concern_audit_and_tells_every_safeguarding_lead(
    sg, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = services.raise_concern(
            sg.person,
            by=sg.members["alice"],
            category="financial",
            what_happened=f"  {CONCERN_TEXT}  ",
            immediate_risk=True,
        )
    stored = Concern.objects.for_system(REASON).get()
    assert (stored.pk, stored.raised_by, stored.category, stored.status, stored.immediate_risk) == (
        concern.pk, sg.user("alice"), "financial", ConcernStatus.OPEN, True,
    )  # fmt: skip
    assert stored.what_happened == CONCERN_TEXT
    event = AuditEvent.objects.get(action="safeguarding.concern.raised")
    assert (event.actor, event.person_id, event.sphere) == (
        sg.user("alice"),
        sg.person.pk,
        "safeguarding",
    )
    assert event.summary == {"category": "financial", "immediate_risk": True}
    assert recipients("safeguarding concern") == {"sam", "sage"}
    note = Notification.objects.filter(user=sg.user("sam")).get()
    assert note.text == "A new safeguarding concern was raised for a person."
    assert note.url == f"/safeguarding/concerns/{concern.pk}/"
    run_tasks()  # the emails go through the task queue
    assert sorted(m.to[0] for m in mail.outbox) == ["sage@example.org", "sam@example.org"]
    for message in mail.outbox:
        assert message.subject == "New safeguarding concern"
        assert "Pat" not in message.subject and "Example" not in message.subject
        assert "Bruises" not in message.body and "Pat" not in message.body
        assert f"/safeguarding/concerns/{concern.pk}/" in message.body


def test_raise_concern_by_a_lead_does_not_notify_themself(
    sg, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_concern(sg, by="sam")
    assert recipients("safeguarding concern") == {"sage"}
    run_tasks()  # the emails go through the task queue
    assert [m.to for m in mail.outbox] == [["sage@example.org"]]


@pytest.mark.parametrize("name", ["colin", "cara"])
def test_raise_concern_by_other_workers_who_see_the_person(sg, name):
    concern = make_concern(sg, by=name)
    assert concern.raised_by == sg.user(name)


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("category", {"category": "witchcraft"}),
        ("what_happened", {"what_happened": ""}),
        ("what_happened", {"what_happened": "   \n  "}),
    ],
)
def test_raise_concern_bad_input_writes_nothing(
    sg, field, data, django_capture_on_commit_callbacks
):
    arguments = {"category": "neglect", "what_happened": CONCERN_TEXT, "immediate_risk": False}
    arguments.update(data)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.raise_concern(sg.person, by=sg.members["alice"], **arguments)
    assert list(error.value.message_dict) == [field]
    assert counts() == before


@pytest.mark.parametrize("name", ["amir", "dana", "fern", "olly"])
def test_raise_concern_refused_to_roles_without_it_and_other_organisations(sg, name):
    before = counts()
    with pytest.raises(PermissionDenied):
        make_concern(sg, by=name)
    assert counts() == before


def test_add_concern_action_records_it_and_changes_status(sg):
    concern = make_concern(sg)
    action = services.add_concern_action(
        concern,
        by=sg.members["sage"],
        what_was_done=" Rang adult social care. ",
        status="being_looked_into",
    )
    assert (action.by, action.what_was_done, action.status) == (
        sg.user("sage"), "Rang adult social care.", "being_looked_into",
    )  # fmt: skip
    assert Concern.objects.for_system(REASON).get().status == "being_looked_into"
    event = AuditEvent.objects.get(action="safeguarding.concern.action_added")
    assert event.summary == {
        "action": action.pk,
        "status_before": "open",
        "status": "being_looked_into",
    }
    services.add_concern_action(
        concern, by=sg.members["sam"], what_was_done="Closed.", status="closed"
    )
    assert [a.status for a in ConcernAction.objects.for_system(REASON).order_by("at", "id")] == [
        "being_looked_into", "closed",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "data"),
    [("what_was_done", {"what_was_done": "  "}), ("status", {"status": "forgotten"})],
)
def test_add_concern_action_bad_input_writes_nothing(sg, field, data):
    concern = make_concern(sg)
    arguments = {"what_was_done": "Rang the GP.", "status": "closed"} | data
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.add_concern_action(concern, by=sg.members["sam"], **arguments)
    assert list(error.value.message_dict) == [field]
    assert counts() == before
    assert Concern.objects.for_system(REASON).get().status == "open"


@pytest.mark.parametrize("name", ["alice", "colin", "dana", "amir", "oscar"])
def test_add_concern_action_only_by_a_lead_of_the_organisation(sg, name):
    concern = make_concern(sg)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.add_concern_action(
            concern, by=sg.members[name], what_was_done="x", status="closed"
        )
    assert counts() == before


# Overrides


def test_start_override_writes_override_audit_and_tells_other_leads_and_data_leads(
    sg, django_capture_on_commit_callbacks, run_tasks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        override = services.start_override(
            sg.person,
            by=sg.members["sam"],
            reason_code="child_protection",
            justification=f"   {JUSTIFICATION}   ",
            now=now,
        )
    stored = Override.objects.for_system(REASON).get()
    assert (stored.pk, stored.lead, stored.reason_code, stored.justification) == (
        override.pk, sg.user("sam"), "child_protection", JUSTIFICATION,
    )  # fmt: skip
    assert (stored.started_at, stored.expires_at) == (now, now + timedelta(minutes=60))
    assert stored.reviewed_at is None and stored.ended_at is None
    event = AuditEvent.objects.get(action="safeguarding.override.started")
    assert (event.actor, event.person_id, event.sphere) == (
        sg.user("sam"),
        sg.person.pk,
        "safeguarding",
    )
    assert event.summary == {
        "reason_code": "child_protection",
        "expires_at": stored.expires_at.isoformat(),
    }
    assert JUSTIFICATION not in str(event.summary)
    assert recipients("override") == {"sage", "dana"}
    run_tasks()  # the emails go through the task queue
    assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.org", "sage@example.org"]
    for note in Notification.objects.all():
        assert note.url == f"/safeguarding/overrides/{override.pk}/"
        assert "Pat" not in note.text and "unreachable" not in note.text
    for message in mail.outbox:
        assert message.subject == "Safeguarding override to review"
        assert "Pat" not in message.subject and "Example" not in message.subject
        assert "unreachable" not in message.body and "Pat" not in message.body


def test_start_override_accepts_exactly_the_minimum_justification(sg):
    override = services.start_override(
        sg.person, by=sg.members["sam"], reason_code="other", justification="  " + "x" * 20 + "  "
    )
    assert override.justification == "x" * 20


@pytest.mark.parametrize(
    ("field", "reason_code", "justification"),
    [
        ("justification", "risk_to_person", "x" * 19),
        ("justification", "risk_to_person", "   " + "x" * 19 + "          "),
        ("justification", "risk_to_person", ""),
        ("reason_code", "curiosity", JUSTIFICATION),
        ("reason_code", "", JUSTIFICATION),
    ],
)
def test_start_override_bad_input_writes_nothing(
    sg, field, reason_code, justification, django_capture_on_commit_callbacks
):
    before = counts()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.start_override(
            sg.person, by=sg.members["sam"], reason_code=reason_code, justification=justification
        )
    assert list(error.value.message_dict) == [field]
    assert counts() == before


@pytest.mark.parametrize("name", ["alice", "colin", "vic", "amir", "dana", "fern", "oscar"])
def test_start_override_only_by_a_safeguarding_lead_of_the_persons_organisation(sg, name):
    before = counts()
    with pytest.raises(PermissionDenied):
        make_override(sg, by=name)
    assert counts() == before


def test_start_override_by_a_lead_who_has_left_is_refused(sg):
    sam = sg.members["sam"]
    sam.left_on = timezone.localdate()
    sam.save()
    with pytest.raises(PermissionDenied):
        make_override(sg, by="sam")
    assert Override.objects.for_system(REASON).count() == 0


def test_a_second_override_while_one_is_in_force_is_refused_with_its_end_time(
    sg, django_capture_on_commit_callbacks
):
    first = make_override(sg, minutes_ago=10)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        make_override(sg)
    ends = timezone.localtime(first.expires_at).strftime("%H:%M")
    assert error.value.messages == [
        f"You already have an override in force for this person. It ends at {ends}. "
        "End it before you start another."
    ]
    assert counts() == before


def test_another_lead_may_start_their_own_override_for_the_same_person(sg):
    make_override(sg, by="sam")
    second = make_override(sg, by="sage")
    assert second.lead == sg.user("sage")


def test_a_new_override_may_start_once_the_last_has_expired_or_ended(sg):
    make_override(sg, minutes_ago=61)
    second = make_override(sg)  # the first expired a minute ago
    services.end_override(second, by=sg.members["sam"])
    third = make_override(sg)
    assert Override.objects.for_system(REASON).count() == 3
    assert third.expires_at - third.started_at == OVERRIDE_DURATION


def test_end_override_ends_it_now_and_is_audited(sg):
    now = timezone.now()
    override = make_override(sg, minutes_ago=15, now=now)
    services.end_override(override, by=sg.members["sam"], now=now)
    stored = Override.objects.for_system(REASON).get()
    assert stored.ended_at == now and stored.ends_at == now
    event = AuditEvent.objects.get(action="safeguarding.override.ended")
    assert event.summary == {"minutes_early": 45}


def test_end_override_twice_or_after_expiry_is_refused(sg):
    override = make_override(sg, minutes_ago=5)
    services.end_override(override, by=sg.members["sam"])
    before = counts()
    with pytest.raises(ValidationError):
        services.end_override(override, by=sg.members["sam"])
    expired = make_override(sg, minutes_ago=70)
    with pytest.raises(ValidationError):
        services.end_override(expired, by=sg.members["sam"])
    assert counts()[3] == before[3] + 1  # only the second override's start was audited


@pytest.mark.parametrize("name", ["sage", "dana", "alice"])
def test_end_override_only_by_its_lead(sg, name):
    override = make_override(sg)
    with pytest.raises(PermissionDenied):
        services.end_override(override, by=sg.members[name])
    assert Override.objects.for_system(REASON).get().ended_at is None


# Review


@pytest.mark.parametrize("name", ["sage", "dana"])
def test_review_override_by_another_lead_or_a_data_lead(sg, name):
    override = make_override(sg, minutes_ago=90)
    services.review_override(override, by=sg.members[name], outcome="justified", note="  Fine.  ")
    stored = Override.objects.for_system(REASON).get()
    assert (stored.reviewed_by, stored.review_outcome, stored.review_note) == (
        sg.user(name), "justified", "Fine.",
    )  # fmt: skip
    assert stored.reviewed_at is not None
    event = AuditEvent.objects.get(action="safeguarding.override.reviewed")
    assert event.summary == {"outcome": "justified", "reviewer_role": sg.members[name].role}


def test_review_of_your_own_override_is_refused_and_writes_nothing(sg):
    override = make_override(sg)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.review_override(override, by=sg.members["sam"], outcome="justified", note="")
    assert "You started this override, so you cannot review it." in error.value.messages[0]
    assert counts() == before


def test_review_twice_is_refused_and_keeps_the_first_review(sg):
    override = make_override(sg)
    services.review_override(override, by=sg.members["sage"], outcome="justified", note="")
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.review_override(
            override, by=sg.members["dana"], outcome="not_justified", note="No."
        )
    assert error.value.messages == ["This override has already been reviewed."]
    assert counts() == before
    stored = Override.objects.for_system(REASON).get()
    assert (stored.reviewed_by, stored.review_outcome) == (sg.user("sage"), "justified")


@pytest.mark.parametrize(
    ("field", "outcome", "note"),
    [("outcome", "maybe", ""), ("outcome", "", "x"), ("note", "not_justified", "   ")],
)
def test_review_bad_input_writes_nothing(sg, field, outcome, note):
    override = make_override(sg)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.review_override(override, by=sg.members["sage"], outcome=outcome, note=note)
    assert list(error.value.message_dict) == [field]
    assert counts() == before


@pytest.mark.parametrize("name", ["alice", "colin", "amir", "fern", "oscar"])
def test_review_refused_to_other_roles_and_organisations(sg, name):
    override = make_override(sg)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.review_override(override, by=sg.members[name], outcome="justified", note="")
    assert counts() == before
