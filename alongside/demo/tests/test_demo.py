"""`alongside demo`: logins, determinism, the canary, refusal, idempotence and the town's invariants."""

import io
import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.audit.models import AuditEvent
from alongside.audit.verify import verify_chain
from alongside.demo.builder import DemoError, build_demo
from alongside.people.models import Person
from alongside.people.queries import search_people
from alongside.relationships.models import Contact, Handover, NamedWorkerSpell, WorkerRequest
from alongside.relationships.queries import Priority, my_people
from alongside.support.models import SupportNote
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.totp import totp_code

SMALL = 60
CANARY = "CANARY-q7x9"
LOGIN_ROLES = {
    "supporter": ("riverside", Role.SUPPORTER, "Link workers"),
    "volunteer": ("riverside", Role.VOLUNTEER, "Link workers"),
    "coordinator": ("riverside", Role.COORDINATOR, "Link workers"),
    "assessor": ("riverside", Role.ASSESSOR, "Foodbank"),
    "safeguarding": ("riverside", Role.SAFEGUARDING_LEAD, None),
    "datalead": ("riverside", Role.DATA_LEAD, None),
    "funder": ("riverside", Role.FUNDER_VIEWER, None),
    "outsider": ("hillside", Role.SUPPORTER, "Advice"),
}


def demo(**options: object) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def notes() -> list[SupportNote]:
    return list(SupportNote.objects.for_system("tests of the demo's stored notes"))


def snapshot() -> tuple[
    list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]
]:
    """The town without its ids: people, contacts and notes."""
    counts = Counter(Contact.objects.values_list("person_id", flat=True))
    people = sorted(
        (p.given_name, p.family_name, p.team.name, counts[p.pk], p.what_matters, p.contact_details)
        for p in Person.objects.select_related("team")
    )
    contacts = sorted(
        Contact.objects.values_list(
            "person__given_name",
            "person__family_name",
            "at",
            "worker__username",
            "mode",
            "minutes",
            "initiated_by",
            "follow_up_on",
            "others_present",
        )
    )
    words = sorted(
        (n.person.given_name, n.person.family_name, n.contact.at, n.asked_for, n.text)
        for n in SupportNote.objects.for_system("tests").select_related("person", "contact")
    )
    return people, contacts, words


@pytest.mark.django_db
def test_logins_have_their_roles_names_and_the_demo_password() -> None:
    output = demo(people=SMALL)

    for username, (slug, role, team) in LOGIN_ROLES.items():
        user = get_user_model().objects.get(username=username)
        membership = Membership.objects.select_related("organisation", "team").get(user=user)
        assert user.check_password("alongside-demo")
        assert user.first_name and user.last_name
        assert (membership.organisation.slug, membership.role) == (slug, role)
        assert (membership.team.name if membership.team else None) == team
        assert membership.is_active and membership.organisation.is_demo
        assert username in output
    assert "alongside-demo" in output and "http://127.0.0.1:8000" in output
    assert get_user_model().objects.get(username="worker05").check_password("alongside-demo")


@pytest.mark.django_db
@pytest.mark.time_machine(SUMMER_MIDDAY, tick=False)
def test_the_data_lead_alone_signs_in_with_a_printed_totp_secret() -> None:
    """CONTRACTS: `<login> TOTP secret: <BASE32>` for each login with a second step; the demo's
    is the data lead only (decision 0018). A script computes the code from the secret."""
    output = demo(people=SMALL)
    printed = re.findall(r"^(\w+) TOTP secret: ([A-Z2-7]+)$", output, flags=re.MULTILINE)
    assert [username for username, _ in printed] == ["datalead"]
    secret = printed[0][1]
    assert output.count(secret) == 1
    assert demo(people=SMALL).count(f"datalead TOTP secret: {secret}") == 1, "same on a rerun"
    for username, signs_in_at_once in [
        ("datalead", False), ("coordinator", True), ("safeguarding", True), ("supporter", True),
    ]:  # fmt: skip
        client = Client()
        response = client.post("/login/", {"login": username, "password": "alongside-demo"})
        assert response.status_code == 302
        assert (response.url != reverse("mfa_authenticate")) is signs_in_at_once, username
        assert client.get(reverse("access:notifications")).status_code == (
            200 if signs_in_at_once else 302
        )
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("access:notifications")).status_code == 200


@pytest.mark.django_db
def test_same_seed_builds_the_same_town_and_another_seed_does_not() -> None:
    built = []
    for seed in (7, 7, 8):  # each build is rolled back, so every one starts from an empty database
        with transaction.atomic():
            demo(people=SMALL, seed=seed)
            built.append(snapshot())
            transaction.set_rollback(True)

    assert built[0] == built[1]
    assert len(built[0][0]) == SMALL + 20 and len(built[0][1]) > 10 * SMALL
    assert built[2][0] != built[0][0]


@pytest.mark.django_db
def test_reset_rebuilds_the_same_town_from_the_same_seed() -> None:
    if connection.vendor == "postgresql":
        return _assert_reset_refused_where_the_audit_log_is_append_only()
    demo(people=SMALL, seed=7)
    first = snapshot()
    demo(people=SMALL, seed=7, reset=True)

    assert snapshot() == first


@pytest.mark.django_db
def test_canary_is_in_every_support_note_and_never_in_the_shared_sphere() -> None:
    demo(people=SMALL, canary=CANARY)

    stored = notes()
    assert stored and all(CANARY in n.asked_for and CANARY in n.text for n in stored)
    shared = [
        value
        for row in Person.objects.values_list(
            "given_name",
            "family_name",
            "preferred_name",
            "pronouns",
            "languages",
            "access_needs",
            "contact_details",
            "what_matters",
        )
        for value in row
    ]
    shared += list(Contact.objects.values_list("others_present", flat=True))
    shared += list(WorkerRequest.objects.values_list("in_their_words", flat=True))
    shared += list(Handover.objects.values_list("cold_reason", flat=True))
    shared += list(NamedWorkerSpell.objects.values_list("note", flat=True))
    assert not [value for value in shared if CANARY in value]


@pytest.mark.django_db
def test_without_canary_notes_do_not_carry_one_and_some_have_no_text() -> None:
    demo(people=SMALL)

    stored = notes()
    assert not [n for n in stored if "CANARY" in n.asked_for + n.text]
    assert any(n.text == "" for n in stored) and any(n.text for n in stored)


@pytest.mark.django_db
def test_refuses_a_database_with_a_real_organisation_and_writes_nothing() -> None:
    Organisation.objects.create(name="Real Place", slug="real")

    with pytest.raises(CommandError, match="not the demo") as raised:
        demo(people=SMALL)

    assert raised.value.returncode == 2
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["real"]
    assert not get_user_model().objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_refuses_a_database_with_a_real_user_even_with_reset() -> None:
    demo(people=SMALL)
    get_user_model().objects.create_user("someone.real", password="a long secret phrase")
    people = Person.objects.count()

    with pytest.raises(CommandError, match="someone.real") as raised:
        demo(people=SMALL, reset=True)

    assert raised.value.returncode == 2
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_second_run_is_a_quick_no_op_that_prints_the_logins() -> None:
    demo(people=SMALL)
    before = (Person.objects.count(), Contact.objects.count(), AuditEvent.objects.count())

    output = demo(people=SMALL)

    assert "already loaded" in output and "supporter" in output and "alongside-demo" in output
    assert (Person.objects.count(), Contact.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_refuses_outside_debug_unless_forced_and_writes_nothing(settings) -> None:
    """The demo's logins share a published password: with production settings (DEBUG off, no
    ALONGSIDE_DEMO_OUTSIDE_DEBUG) `alongside demo` and `build_demo` refuse (ASVS 5.0 15.2.3,
    6.3.2)."""
    settings.ALONGSIDE_DEMO = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true") as raised:
        demo(people=SMALL)
    assert raised.value.returncode == 2
    assert "ALONGSIDE_DEMO_OUTSIDE_DEBUG=true" in str(raised.value)
    with pytest.raises(DemoError, match="published password"):
        build_demo(people=SMALL)
    assert not Organisation.objects.exists() and not get_user_model().objects.exists()

    settings.ALONGSIDE_DEMO = True  # DEBUG on, or forced
    assert "supporter" in demo(people=SMALL)


@pytest.mark.parametrize(
    ("options", "named"),
    [({"people": 0}, "--people"), ({"people": -5}, "--people"), ({"years": 0}, "--years"),
     ({"canary": " "}, "--canary")],
)  # fmt: skip
@pytest.mark.django_db
def test_bad_options_exit_2_naming_the_option(options: dict[str, object], named: str) -> None:
    with pytest.raises(CommandError, match=named) as raised:
        demo(**options)

    assert raised.value.returncode == 2
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_reset_replaces_the_demo_and_records_one_audit_event() -> None:
    if connection.vendor == "postgresql":
        return _assert_reset_refused_where_the_audit_log_is_append_only()
    demo(people=SMALL)
    demo(people=SMALL + 10, reset=True)

    assert sorted(Organisation.objects.values_list("slug", flat=True)) == ["hillside", "riverside"]
    assert Person.objects.count() == SMALL + 10 + 20
    events = list(AuditEvent.objects.all())
    assert [(e.action, e.subject_type) for e in events] == [("demo.built", "access.organisation")]
    assert events[0].organisation.slug == "riverside"
    assert verify_chain().first_problem is None


def _assert_reset_refused_where_the_audit_log_is_append_only() -> None:
    """PostgreSQL keeps audit events append-only, so --reset refuses there and writes nothing."""
    demo(people=SMALL)
    people = Person.objects.count()

    with pytest.raises(CommandError, match="append-only") as raised:
        demo(people=SMALL, reset=True)

    assert raised.value.returncode == 2
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_default_town_keeps_its_invariants_and_tells_every_story() -> None:
    demo()
    today, now = timezone.localdate(), timezone.now()
    zone = timezone.get_default_timezone()

    # Spells: at most one open per person, never overlapping, never ending before they start.
    open_spells = Counter(
        NamedWorkerSpell.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True)
    )
    assert max(open_spells.values()) == 1
    assert len(open_spells) >= 0.95 * Person.objects.count()
    spells = defaultdict(list)
    for person, started, ended in NamedWorkerSpell.objects.order_by(
        "person_id", "started_on", "id"
    ).values_list("person_id", "started_on", "ended_on"):
        spells[person].append((started, ended))
    for rows in spells.values():
        for (_, ended), (started, _) in zip(rows, rows[1:], strict=False):
            assert ended is not None and ended <= started
        assert all(ended is None or ended >= started for started, ended in rows)

    # Record basics for most people, invented; search keys written with them (decision 0038).
    people = Person.objects.count()
    assert Person.objects.filter(date_of_birth__isnull=False).count() >= 0.7 * people
    assert Person.objects.exclude(postcode="").count() >= 0.6 * people
    assert Person.objects.exclude(phone="").count() >= 0.5 * people
    assert not Person.objects.exclude(phone="").exclude(phone__startswith="07700 900").exists()
    assert not Person.objects.filter(search_key="").exists()
    supporter = Membership.objects.get(user__username="supporter")
    for typed, name in (("obrien", "Mairead O'Brien"), ("Aydin", "Elif Aydın")):
        assert name in [p.display_name for p in search_people(supporter, typed)], typed

    # Contacts: in the past, in working hours, within the person's organisation, by a member.
    assert not Contact.objects.filter(at__gt=now).exists()
    assert not Contact.objects.exclude(organisation_id=F("person__organisation_id")).exists()
    assert not Contact.objects.exclude(
        worker__memberships__organisation_id=F("organisation_id")
    ).exists()
    assert not Contact.objects.exclude(recorded_by_id=F("worker_id")).exists()
    for at, minutes in Contact.objects.values_list("at", "minutes"):
        local = timezone.localtime(at, zone)
        assert local.weekday() < 5 and 9 <= local.hour < 17 and 5 <= minutes <= 90
    notes_by_org = Counter(
        n.organisation_id == n.contact.organisation_id for n in notes_with_contacts()
    )
    assert notes_by_org[False] == 0

    counts = Counter(Contact.objects.values_list("person_id", flat=True))
    assert 1 in counts.values() and max(counts.values()) >= 40
    assert 15 <= sum(counts.values()) / len(counts) <= 30

    # Leavers and handovers.
    assert Membership.objects.filter(left_on__lt=today).exists()
    leaving = Membership.objects.get(leaving_on__gt=today)
    assert leaving.leaving_on == today + timedelta(days=21)
    planned = Handover.objects.get(status=Handover.Status.PLANNED)
    assert planned.from_worker_id == leaving.user_id
    assert (
        NamedWorkerSpell.objects.filter(worker_id=leaving.user_id, ended_on__isnull=True).count()
        > 1
    )
    assert Handover.objects.filter(status=Handover.Status.COLD).exclude(cold_reason="").exists()
    warm = Handover.objects.filter(status=Handover.Status.WARM).select_related("introduction")
    assert warm.exists()
    for handover in warm:
        introduction = handover.introduction
        assert introduction.worker_id == handover.from_worker_id
        assert list(introduction.also_present.values_list("pk", flat=True)) == [
            handover.to_worker_id
        ]
    chose = NamedWorkerSpell.objects.filter(reason="person_chose", chosen_by_person=True)
    assert chose.exists()
    agreed = WorkerRequest.objects.filter(status=WorkerRequest.Status.AGREED)
    assert set(chose.values_list("person_id", flat=True)) <= set(
        agreed.values_list("person_id", flat=True)
    )

    # The supporter's "my people" shows every priority, and someone asking to change.
    supporter = Membership.objects.get(user__username="supporter")
    rows = my_people(supporter)
    assert 20 <= len(rows) <= 25
    priorities = {row.priority for row in rows}
    assert {Priority.FOLLOW_UP_OVERDUE, Priority.LONGER_THAN_USUAL, Priority.NEW_WORKER,
            Priority.FOLLOW_UP_SOON, Priority.ROUTINE} <= priorities  # fmt: skip
    theirs = {row.person.pk for row in rows}
    assert {counts[pk] for pk in theirs} >= {1} and max(counts[pk] for pk in theirs) >= 45
    assert WorkerRequest.objects.filter(
        person_id__in=theirs, status=WorkerRequest.Status.OPEN
    ).exists()
    quarter = Contact.objects.filter(person_id__in=theirs, at__gte=now - timedelta(days=91))
    workers_this_quarter = defaultdict(set)
    for person, worker in quarter.values_list("person_id", "worker_id"):
        workers_this_quarter[person].add(worker)
    assert max(len(w) for w in workers_this_quarter.values()) >= 3

    # Caseloads stay between about 20 and 30 for full-time supporters.
    loads = Counter(
        NamedWorkerSpell.objects.filter(
            ended_on__isnull=True, worker__memberships__role=Role.SUPPORTER,
            worker__memberships__organisation__slug="riverside",
        ).values_list("worker_id", flat=True)
    )  # fmt: skip
    assert min(loads.values()) >= 15 and max(loads.values()) <= 32

    volunteer = Membership.objects.get(user__username="volunteer")
    assert 3 <= len(my_people(volunteer)) <= 8


def notes_with_contacts() -> list[SupportNote]:
    return list(SupportNote.objects.for_system("tests").select_related("contact"))


@pytest.mark.django_db
def test_rows_added_after_the_demo_get_fresh_ids() -> None:
    demo(people=SMALL)
    supporter = Membership.objects.select_related("organisation", "team").get(
        user__username="supporter"
    )
    person = Person.objects.filter(organisation=supporter.organisation).first()
    assert person is not None

    added = Person.objects.create(
        organisation=supporter.organisation, team=supporter.team, given_name="Added"
    )
    contact = Contact.objects.create(
        organisation=supporter.organisation, person=added, at=timezone.now(), worker=supporter.user,
        minutes=10, initiated_by="us", recorded_by=supporter.user,
    )  # fmt: skip
    note = SupportNote.objects.create(
        organisation=supporter.organisation, person=added, contact=contact, asked_for="x",
        author=supporter.user,
    )  # fmt: skip
    spell = NamedWorkerSpell.objects.create(
        organisation=supporter.organisation, person=added, worker=supporter.user,
        started_on=timezone.localdate(), reason="first",
    )  # fmt: skip

    assert added.pk > person.pk
    assert contact.pk and note.pk and spell.pk


@pytest.mark.django_db
def test_the_demo_writes_a_previous_systems_export_to_import(settings, tmp_path) -> None:
    """Issue 14: a synthetic export, Windows-1252, thousands of rows, with duplicates of the demo's
    own people and workers who do not work here."""
    settings.VAR_DIR = tmp_path
    output = demo(people=SMALL)
    export = tmp_path / "demo-previous-system-people.csv"
    assert f"then workers and attendance): {export}, " in output
    staff = (tmp_path / "demo-previous-system-workers.csv").read_bytes().decode("cp1252")
    assert staff.startswith("Staff ID,Forename,Surname,E-mail") and "Agnès" in staff
    registers = (tmp_path / "demo-previous-system-attendance.csv").read_bytes().decode("cp1252")
    assert registers.startswith("Client ID,Group,Session date") and len(registers.splitlines()) > 1
    text = export.read_bytes().decode("cp1252")
    rows = text.splitlines()
    assert len(rows) == 3001 and rows[0].startswith("Client ID,Forename,Surname,DOB")
    assert "J. Smith (left 2023)" in text or "reception" in text
    demo_names = set(Person.objects.values_list("given_name", "family_name"))
    assert any(f",{given},{family}," in text for given, family in demo_names)
