"""Issue 16 §3, "Local words" (decision 0088): the organisation words its own reason lists and
names its services in "Our words"; every page that shows or picks them uses its words; added
words can be picked and are counted; retired words leave the pickers but stay on old records;
mistakes are refused on the right field with nothing saved; other organisations never see them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from alongside.access import words as local_words
from alongside.access.models import LocalWord, Team
from alongside.audit.models import AuditEvent
from alongside.eligibility import services as eligibility
from alongside.learning import services as learning
from alongside.learning.models import Need
from alongside.learning.tests.helpers import contact, demand, need
from alongside.referrals import services as referrals

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)

TODAY = date(2026, 6, 15)


def _page(response) -> str:
    return response.content.decode()


def _form_for(client, key: str) -> dict[str, str]:
    """The list's form as it is shown, ready to post back unchanged."""
    page = client.get(reverse("access:edit_words", args=[key]))
    form = page.context["form"]
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.widget.input_type == "checkbox":
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def _rename(world, key: str, code: str, label: str, by: str = "colin"):
    client = world.client(by)
    data = _form_for(client, key)
    n = [w.code for w in local_words.words(world.org.pk, key)].index(code)
    data[f"label_{n}"] = label
    response = client.post(reverse("access:edit_words", args=[key]), data)
    assert response.status_code == 302, _page(response)
    return response


def _post(world, key: str, changes: dict[str, str | None], by: str = "colin"):
    client = world.client(by)
    data = _form_for(client, key)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(reverse("access:edit_words", args=[key]), data)


def _index(world, key: str, code: str) -> int:
    return [w.code for w in local_words.words(world.org.pk, key)].index(code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("colin", 200),
        ("dana", 200),
        ("alice", 404),
        ("amir", 404),
        ("sam", 404),
        ("fern", 404),
        ("vic", 404),
    ],
)
def test_our_words_is_for_the_coordinator_and_the_data_lead(world, who, status):
    client = world.client(who)
    for url in (
        reverse("access:words"),
        reverse("access:edit_words", args=["close_reason"]),
        reverse("access:services"),
    ):
        assert client.get(url).status_code == status
    if status == 404:
        response = client.post(
            reverse("access:edit_words", args=["close_reason"]), {"label_0": "Gone"}
        )
        assert response.status_code == 404
        assert not LocalWord.objects.exists()


@pytest.mark.django_db
def test_an_unknown_list_is_not_found(world):
    assert world.client("colin").get(reverse("access:edit_words", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_renaming_shows_on_every_page_that_shows_or_picks_the_word(world):
    alice, colin = world.members["alice"], world.members["colin"]
    person = world.person
    # One record of each list, in the starting words.
    opened = need(world, person, opened=TODAY - timedelta(days=20))
    learning.close_need(
        opened,
        by=alice,
        on=TODAY - timedelta(days=2),
        person_confirmed=False,
        reason="moved_away",
        words="",
    )
    marked = demand(world, person, "failure", on=TODAY - timedelta(days=3))
    referral, token = referrals.refer(
        person,
        by=alice,
        service=None,
        service_name="Knit club",
        service_email="",
        need="money",
        share_contact=True,
        share_note=False,
        note="",
        consent_given=True,
    )
    referrals.answer(referral, status="not_suitable", reason="Full")
    partner = eligibility.add_referral_partner(
        world.org, by=world.members["amir"], name="Surgery", kind="gp_surgery"
    )
    voucher = eligibility.record_voucher(
        partner,
        by=world.members["amir"],
        code="FB-1",
        adults=1,
        children=0,
        reason_codes=["debt"],
        issued_on=TODAY,
        issued_by_name="Dr A",
    )

    _rename(world, "close_reason", "moved_away", "Left the valley")
    _rename(world, "failure_kind", "chasing", "Ringing round for news")
    _rename(world, "demand_kind", "failure", "Avoidable contact")
    _rename(world, "spell_reason", "workload", "Sharing out the caseload")
    _rename(world, "referral_outcome", "not_suitable", "Not for them")
    _rename(world, "voucher_reason", "debt", "Owes money")

    a = world.client("alice")
    need_page = _page(a.get(reverse("learning:need", args=[opened.pk])))
    assert "Left the valley" in need_page and "They moved away" not in need_page
    person_page = _page(a.get(reverse("people:person", args=[person.pk])))
    assert "ringing round for news" in person_page  # the contact's demand marker
    assert "Avoidable contact" in person_page
    assert "not for them" in person_page  # the referral panel and timeline
    demand_form = _page(
        a.get(reverse("learning:contact_demand", args=[person.pk, marked.contact_id]))
    )
    assert "Ringing round for news" in demand_form and "Chasing progress" not in demand_form
    handover = _page(
        world.client("colin").get(reverse("relationships:plan_handover", args=[person.pk]))
    )
    assert "Sharing out the caseload" in handover and "Balancing workloads" not in handover
    referral_page = _page(a.get(reverse("referrals:referral", args=[referral.pk])))
    assert "Not for them" in referral_page
    answer_page = _page(a.get(reverse("referrals:answer", args=[token])))
    assert "not for them" in answer_page
    team = _page(world.client("colin").get(reverse("learning:team")))
    assert "Left the valley" in team and "Ringing round for news" in team
    report = _page(world.client("fern").get(reverse("reports:report")))
    assert "Ringing round for news" in report and "Not for them" in report
    amir = world.client("amir")
    voucher_form = _page(amir.get(reverse("eligibility:record_voucher")))
    assert "Owes money" in voucher_form and ">Debt<" not in voucher_form
    voucher_page = _page(amir.get(reverse("eligibility:voucher", args=[voucher.pk])))
    assert "Owes money" in voucher_page
    # Codes never change: the records are as they were.
    stored = Need.objects.for_system("test: the stored code").get(pk=opened.pk)
    assert stored.close_reason == "moved_away"
    assert colin.organisation_id == world.org.pk


@pytest.mark.django_db
def test_a_new_word_can_be_picked_and_is_counted_in_the_report(world):
    alice = world.members["alice"]
    n = len(local_words.words(world.org.pk, "failure_kind"))
    response = _post(world, "failure_kind", {f"label_{n}": "Lost paperwork"})
    assert response.status_code == 302
    code = local_words.words(world.org.pk, "failure_kind")[-1].code
    assert code == "lost_paperwork"
    form = _page(
        world.client("alice").get(
            reverse(
                "learning:contact_demand", args=[world.person.pk, contact(world, world.person).pk]
            )
        )
    )
    assert "Lost paperwork" in form
    people = [world.person]
    from alongside.learning.tests.helpers import people as more_people

    people += more_people(world, 5)
    for person in people:
        demand(world, person, "failure", on=TODAY - timedelta(days=5), failure_kind=code)
    report = _page(
        world.client("fern").get(
            reverse("reports:report"), {"start": "2026-06-01", "end": "2026-06-15"}
        )
    )
    assert "Lost paperwork" in report
    row = report.split("Lost paperwork", 1)[1][:80]
    assert ">6<" in row
    # Picking it through the page works too, and a word from another list is refused.
    c = contact(world, world.person)
    url = reverse("learning:contact_demand", args=[world.person.pk, c.pk])
    ok = world.client("alice").post(url, {"kind": "failure", "failure_kind": code})
    assert ok.status_code == 302
    bad = world.client("alice").post(url, {"kind": "failure", "failure_kind": "moved_away"})
    assert bad.status_code == 400
    assert alice.organisation_id == world.org.pk


@pytest.mark.django_db
def test_a_retired_word_leaves_the_pickers_but_old_records_keep_it(world):
    alice = world.members["alice"]
    opened = need(world, world.person, opened=TODAY - timedelta(days=20))
    learning.close_need(
        opened,
        by=alice,
        on=TODAY - timedelta(days=1),
        person_confirmed=False,
        reason="lost_touch",
        words="",
    )
    marked = demand(
        world, world.person, "failure", on=TODAY - timedelta(days=3), failure_kind="retelling"
    )
    n = _index(world, "close_reason", "lost_touch")
    assert _post(world, "close_reason", {f"active_{n}": None}).status_code == 302
    k = _index(world, "failure_kind", "retelling")
    assert _post(world, "failure_kind", {f"active_{k}": None}).status_code == 302

    second = need(world, world.person, opened=TODAY - timedelta(days=5), words="Forms")
    a = world.client("alice")
    close_form = _page(a.get(reverse("learning:need", args=[second.pk])))
    assert "We lost touch" not in close_form
    old = _page(a.get(reverse("learning:need", args=[opened.pk])))
    assert "We lost touch" in old
    refused = a.post(
        reverse("learning:need", args=[second.pk]),
        {"reason": "lost_touch", "on": TODAY.isoformat()},
    )
    assert refused.status_code == 400
    # The contact marked with the retired word still shows it, and its form still offers it.
    url = reverse("learning:contact_demand", args=[world.person.pk, marked.contact_id])
    assert "Telling the story again" in _page(a.get(url))
    assert a.post(url, {"kind": "failure", "failure_kind": "retelling"}).status_code == 302
    fresh = contact(world, world.person)
    fresh_url = reverse("learning:contact_demand", args=[world.person.pk, fresh.pk])
    assert "Telling the story again" not in _page(a.get(fresh_url))
    assert a.post(fresh_url, {"kind": "failure", "failure_kind": "retelling"}).status_code == 400
    words_page = _page(world.client("colin").get(reverse("access:words")))
    assert "retired" in words_page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"label_0": ""}, "label_0", "Write the word."),
        ({"label_0": "  "}, "label_0", "Write the word."),
        ({"label_1": "They moved away"}, "label_1", "already in this list"),
        ({"label_5": "they CHOSE to stop"}, "label_5", "already in this list"),
        ({"active_4": None}, "active_4", "stays in use"),
        ({"label_0": "x" * 101}, "label_0", "100 characters"),
    ],
)
def test_mistakes_are_refused_on_the_right_field_and_nothing_is_saved(
    world, changes, field, message
):
    # close_reason: moved_away, chose_to_stop, referred_on, lost_touch, other; row 5 adds one.
    response = _post(world, "close_reason", changes)
    assert response.status_code == 400
    page = _page(response)
    assert "Error:" in page and message in page
    assert message in " ".join(response.context["form"].errors[field])
    assert not LocalWord.objects.exists()
    assert not AuditEvent.objects.filter(action="access.organisation.words_changed").exists()


@pytest.mark.django_db
def test_retiring_every_word_in_use_is_refused(world):
    changes = {f"active_{n}": None for n in range(4)}  # "other" (row 4) is fixed: rename it
    response = _post(world, "close_reason", {**changes, "active_4": None})
    assert response.status_code == 400
    assert not LocalWord.objects.exists()
    # The four that may go can go; "Another reason" stays, so the list is never empty.
    assert _post(world, "close_reason", changes).status_code == 302
    assert [code for code, _ in local_words.choices(world.org.pk, "close_reason")] == ["other"]


@pytest.mark.django_db
def test_a_list_that_takes_no_new_words_has_no_add_row(world):
    page = _page(world.client("colin").get(reverse("access:edit_words", args=["referral_outcome"])))
    assert "Add a word" not in page
    assert "Add a word" in _page(
        world.client("colin").get(reverse("access:edit_words", args=["close_reason"]))
    )


@pytest.mark.django_db
def test_reordering_changes_the_order_pickers_offer(world):
    last = _index(world, "close_reason", "other")
    assert _post(world, "close_reason", {f"position_{last}": "0"}).status_code == 302
    assert local_words.choices(world.org.pk, "close_reason")[0][0] == "other"


@pytest.mark.django_db
def test_saving_is_audited_with_the_words_before_and_after(world):
    _rename(world, "spell_reason", "other", "Something else")
    event = AuditEvent.objects.get(action="access.organisation.words_changed")
    assert event.summary["list"] == "spell_reason"
    assert {"code": "other", "label": "Other", "active": True, "position": 5} in event.summary[
        "before"
    ]
    assert any(w["label"] == "Something else" for w in event.summary["after"])
    # Saving the same words again writes nothing more.
    client = world.client("colin")
    client.post(
        reverse("access:edit_words", args=["spell_reason"]), _form_for(client, "spell_reason")
    )
    assert AuditEvent.objects.filter(action="access.organisation.words_changed").count() == 1


@pytest.mark.django_db
def test_another_organisations_words_never_leak(world):
    _rename(world, "close_reason", "moved_away", "Left the valley")
    _rename(world, "spell_reason", "workload", "Sharing out the caseload")
    assert local_words.label(world.other_org.pk, "close_reason", "moved_away") == "They moved away"
    other = world.client("olly")
    page = _page(other.get(reverse("people:person", args=[world.other_person.pk])))
    assert "Left the valley" not in page
    opened = need(world, world.other_person, opened=TODAY - timedelta(days=3), by="olly")
    need_page = _page(other.get(reverse("learning:need", args=[opened.pk])))
    assert "They moved away" in need_page and "Left the valley" not in need_page
    # And the other organisation's coordinator sees their own, untouched list.
    from alongside.testing.factories import MembershipFactory, UserFactory

    coordinator = MembershipFactory(
        organisation=world.other_org,
        user=UserFactory(username="oscar"),
        role="coordinator",
        team=Team.objects.get(organisation=world.other_org),
    )
    from django.test import Client

    c = Client()
    c.force_login(coordinator.user)
    words_page = _page(c.get(reverse("access:words")))
    assert "They moved away" in words_page and "Left the valley" not in words_page


@pytest.mark.django_db
def test_services_are_renamed_and_added_everywhere(world):
    client = world.client("dana")
    url = reverse("access:services")
    response = client.post(url, {f"service_{world.team.pk}": "Befriending", "new": "Warm space"})
    assert response.status_code == 302
    assert set(Team.objects.filter(organisation=world.org).values_list("name", flat=True)) == {
        "Befriending",
        "Warm space",
    }
    page = _page(world.client("alice").get(reverse("people:person", args=[world.person.pk])))
    assert "Befriending" in page and "Link workers" not in page
    form = _page(world.client("alice").get(reverse("people:person_create")))
    assert "Warm space" in form
    assert AuditEvent.objects.filter(action="access.organisation.services_changed").count() == 1
    # A duplicate or blank name is refused on its field, with nothing changed.
    warm = Team.objects.get(name="Warm space")
    bad = client.post(url, {f"service_{world.team.pk}": "", f"service_{warm.pk}": "Warm space"})
    assert bad.status_code == 400
    assert "Write the service" in " ".join(bad.context["form"].errors[f"service_{world.team.pk}"])
    dup = client.post(
        url,
        {
            f"service_{world.team.pk}": "Befriending",
            f"service_{warm.pk}": "Warm space",
            "new": "befriending",
        },
    )
    assert dup.status_code == 400 and "already called" in " ".join(
        dup.context["form"].errors["new"]
    )
    assert Team.objects.filter(organisation=world.org).count() == 2
    # Two services may swap names in one save.
    swap = client.post(
        url, {f"service_{world.team.pk}": "Warm space", f"service_{warm.pk}": "Befriending"}
    )
    assert swap.status_code == 302
    world.team.refresh_from_db()
    assert world.team.name == "Warm space"


@pytest.mark.django_db
def test_retiring_the_last_word_of_a_list_is_refused(world):
    everything = {f"active_{n}": None for n in range(5)}  # what went wrong: none is fixed
    response = _post(world, "failure_kind", everything)
    assert response.status_code == 400
    assert "Keep at least one word in use" in _page(response)
    assert not LocalWord.objects.exists()
    assert _post(world, "failure_kind", {f"active_{n}": None for n in range(4)}).status_code == 302
    assert len(local_words.choices(world.org.pk, "failure_kind")) == 1
