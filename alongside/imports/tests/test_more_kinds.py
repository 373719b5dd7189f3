"""The workers, spaces, attendance and named_workers kinds: a good file, a dry run writing
nothing, the same file twice changing nothing, an updated file updating, a bad row named by line
and column, a role the importer may not give refused."""

from datetime import date, time
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.access.models import Membership, Role
from alongside.audit.models import AuditEvent
from alongside.imports.services import import_file
from alongside.people.models import Person
from alongside.testing.factories import MembershipFactory, TeamFactory
from alongside.workers import services as worker_services
from alongside.workers.queries import status_of

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-06 10:00:00+00:00")]


@pytest.fixture
def lead():
    team = TeamFactory(name="Advice")
    team.organisation.role_names = {"assessor": "Foodbank desk"}
    team.organisation.save()
    return MembershipFactory(organisation=team.organisation, team=team, role=Role.DATA_LEAD)


def write(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(lead, path, kind, *, dry_run=False, source="Lamplight"):
    return import_file(lead, path, kind=kind, source=source, dry_run=dry_run)


def counts(outcome):
    return (outcome.created, outcome.updated, outcome.skipped)


# --- workers ------------------------------------------------------------------------------------

WORKERS = (
    "external_id,email,first_name,last_name,role,team,started_on,leaving_on,languages,skills\n"
    'W1,Ana@Example.org,Ana,Silva,Supporter,Advice,01/03/2024,,"English, Portuguese",Debt advice\n'
    'W2,ben@example.org,Ben,Okafor,Foodbank desk,,2025-01-06,31/12/2026,,"Housing; Debt advice"\n'
)


def imported_workers(lead):
    return Membership.objects.filter(organisation_id=lead.organisation_id).exclude(pk=lead.pk)


def test_workers_come_in_without_a_password_and_nobody_is_emailed(lead, tmp_path):
    outcome = run(lead, write(tmp_path, WORKERS), "workers")
    assert outcome.written and counts(outcome) == (2, 0, 0), outcome.problems
    ana, ben = imported_workers(lead).order_by("user__email").select_related("user")
    assert (ana.user.email, ana.role, ana.team.name, ana.started_on) == (
        "ana@example.org",
        Role.SUPPORTER,
        "Advice",
        date(2024, 3, 1),
    )
    assert ana.languages == "English, Portuguese"
    assert sorted(s.name for s in ben.skills.all()) == ["Debt advice", "Housing"]
    assert (ben.role, ben.team, ben.leaving_on) == (Role.ASSESSOR, None, date(2026, 12, 31))
    for member in (ana, ben):
        assert not member.user.has_usable_password() and not member.user.is_active
        assert str(status_of(member).words) == "Imported: not invited yet"
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="imports.worker.imported").count() == 2


def test_the_data_lead_invites_an_imported_worker_afterwards(lead, tmp_path):
    run(lead, write(tmp_path, WORKERS), "workers")
    ana = imported_workers(lead).get(user__email="ana@example.org")
    invitation, token = worker_services.resend_invitation(ana, by=lead)
    assert invitation.times_sent == 1 and invitation.is_usable
    assert str(status_of(ana).words) == "Invited"


def test_a_workers_dry_run_writes_nothing_and_the_same_file_twice_changes_nothing(lead, tmp_path):
    path = write(tmp_path, WORKERS)
    dry = run(lead, path, "workers", dry_run=True)
    assert counts(dry) == (2, 0, 0) and not dry.written
    assert not imported_workers(lead).exists() and not User.objects.filter(is_active=False)
    run(lead, path, "workers")
    again = run(lead, path, "workers")
    assert counts(again) == (0, 0, 2)
    assert imported_workers(lead).count() == 2


def test_an_updated_workers_file_updates_them(lead, tmp_path):
    run(lead, write(tmp_path, WORKERS), "workers")
    changed = WORKERS.replace("Ana,Silva,Supporter,Advice", "Ana,Silva-Reis,Coordinator,").replace(
        '"Housing; Debt advice"', "Housing"
    )
    outcome = run(lead, write(tmp_path, changed, "changed.csv"), "workers")
    assert counts(outcome) == (0, 2, 0), outcome.problems
    ana, ben = imported_workers(lead).order_by("user__email").select_related("user")
    assert (ana.user.last_name, ana.role, ana.team) == ("Silva-Reis", Role.COORDINATOR, None)
    assert [s.name for s in ben.skills.all()] == ["Housing"]
    assert AuditEvent.objects.filter(action="imports.worker.updated").count() == 2


def test_a_bad_workers_row_is_named_by_line_and_column_and_nothing_is_written(lead, tmp_path):
    text = (
        "external_id,email,first_name,role,team,started_on\n"
        "W1,ana@example.org,Ana,Supporter,Advice,\n"
        "W2,not-an-email,Ben,Supporter,,\n"
        "W3,cy@example.org,,Manager,Nowhere,32/01/2025\n"
        "W4,ANA@example.org,Di,Volunteer,,\n"
    )
    outcome = run(lead, write(tmp_path, text), "workers")
    assert not outcome.written
    found = {(p.line, p.column) for p in outcome.problems if p.error}
    assert found == {
        (3, "email"),
        (4, "first_name"),
        (4, "role"),
        (4, "team"),
        (4, "started_on"),
        (5, "email"),
    }
    assert "Manager" in next(p.message for p in outcome.problems if p.column == "role")
    assert not imported_workers(lead).exists()


def test_a_role_the_importer_may_not_give_is_refused(lead, tmp_path):
    coordinator = MembershipFactory(
        organisation=lead.organisation, team=lead.team, role=Role.COORDINATOR
    )
    text = "external_id,email,first_name,role,team\nW1,ana@example.org,Ana,Data lead,Advice\n"
    outcome = run(coordinator, write(tmp_path, text), "workers")
    assert not outcome.written
    (problem,) = outcome.problems
    assert (problem.line, problem.column) == (2, "role")
    assert "only the data lead gives that role" in problem.message
    assert not User.objects.filter(email="ana@example.org").exists()


def test_an_email_that_already_has_an_account_is_skipped_with_a_warning(lead, tmp_path):
    lead.user.email = "lead@example.org"
    lead.user.save()
    text = "external_id,email,first_name,role\nW1,LEAD@example.org,Someone,Supporter\n"
    outcome = run(lead, write(tmp_path, text), "workers")
    assert outcome.written and counts(outcome) == (0, 0, 1)
    (warning,) = outcome.problems
    assert not warning.error and warning.column == "email"


def test_the_command_imports_workers(lead, tmp_path):
    out = StringIO()
    call_command(
        "import", str(write(tmp_path, WORKERS)), "--kind", "workers", "--dry-run", stdout=out
    )
    assert "2 to create, 0 to update, 0 to skip" in out.getvalue()
    bad = write(tmp_path, "external_id,email,first_name,role\nW1,x,Ana,Boss\n", "bad.csv")
    with pytest.raises(CommandError) as refused:
        call_command("import", str(bad), "--kind", "workers", stdout=StringIO())
    assert "line 2, column email" in str(refused.value)
    assert "line 2, column role" in str(refused.value)


# --- spaces -------------------------------------------------------------------------------------

SPACES = (
    "external_id,name,venue,online_link,access,team,host,weekday,starts_at,ends_at,every_weeks,"
    "starts_on,ends_on\n"
    "S1,Café Lingua,Church hall,,Open,Advice,host@example.org,Tuesday,10:00,12.00,,"
    "01/09/2026,31/12/2026\n"
    "S2,Men's shed,,https://meet.example.org/shed,invitation,,,Thu,6:30pm,20:00,2,"
    "2025-01-02,2026-12-31\n"
    "S3,Walking group,The park gates,,,,,,,,,,\n"
)


@pytest.fixture
def host(lead):
    return MembershipFactory(
        organisation=lead.organisation,
        role=Role.VOLUNTEER,
        user__username="hostie",
        user__email="host@example.org",
    )


def spaces_of(lead):
    from alongside.spaces.models import Space

    return Space.objects.filter(organisation_id=lead.organisation_id).order_by("name")


def test_spaces_come_in_with_their_recurring_sessions(lead, host, tmp_path):
    outcome = run(lead, write(tmp_path, SPACES), "spaces")
    assert outcome.written and counts(outcome) == (3, 0, 0), outcome.problems
    cafe, shed, walking = spaces_of(lead)
    assert (cafe.venue, cafe.access, cafe.team.name, cafe.host) == (
        "Church hall",
        "drop_in",
        "Advice",
        host.user,
    )
    days = list(cafe.sessions.values_list("on", flat=True))
    assert days[0] == date(2026, 9, 1) and days[-1] == date(2026, 12, 29) and len(days) == 18
    assert {s.starts_at.hour for s in cafe.sessions.all()} == {10}
    assert shed.access == "invitation" and shed.online_link.endswith("/shed")
    assert shed.patterns.count() == 2  # two years: one pattern a year
    shed_days = list(shed.sessions.values_list("on", flat=True))
    assert shed_days[0] == date(2025, 1, 2) and all(
        (b - a).days == 14 for a, b in zip(shed_days, shed_days[1:], strict=False)
    )
    assert {(s.starts_at.hour, s.starts_at.minute) for s in shed.sessions.all()} == {(18, 30)}
    assert not walking.sessions.exists()
    assert AuditEvent.objects.filter(action="imports.space.imported").count() == 3


def test_a_spaces_dry_run_writes_nothing_and_twice_changes_nothing(lead, host, tmp_path):
    path = write(tmp_path, SPACES)
    dry = run(lead, path, "spaces", dry_run=True)
    assert counts(dry) == (3, 0, 0) and not spaces_of(lead).exists()
    run(lead, path, "spaces")
    sessions = sum(space.sessions.count() for space in spaces_of(lead))
    again = run(lead, path, "spaces")
    assert counts(again) == (0, 0, 3)
    assert spaces_of(lead).count() == 3
    assert sum(space.sessions.count() for space in spaces_of(lead)) == sessions


def test_an_updated_spaces_file_updates_the_space(lead, host, tmp_path):
    run(lead, write(tmp_path, SPACES), "spaces")
    changed = SPACES.replace("The park gates", "The lake car park")
    outcome = run(lead, write(tmp_path, changed, "changed.csv"), "spaces")
    assert counts(outcome) == (0, 1, 2), outcome.problems
    assert spaces_of(lead).get(name="Walking group").venue == "The lake car park"
    assert AuditEvent.objects.filter(action="imports.space.updated").count() == 1


def test_an_updated_spaces_file_moves_the_sessions_and_keeps_registers(lead, host, tmp_path):
    """A known space's row with other recurring sessions (by external id) makes them the
    space's: the dry run says what would change and writes nothing; the import adds the new
    dates, cancels the old ones, but keeps a session with a register and one added by hand."""
    from alongside.spaces.models import Attendance, Session
    from alongside.spaces.services import add_session
    from alongside.testing.factories import PersonFactory

    run(lead, write(tmp_path, SPACES), "spaces")
    cafe = spaces_of(lead).get(name="Café Lingua")
    first = cafe.sessions.get(on=date(2026, 9, 1))
    Attendance.objects.create(
        organisation=lead.organisation, session=first, space=cafe, on=first.on,
        person=PersonFactory(organisation=lead.organisation), marked_by=lead.user,
    )  # fmt: skip
    by_hand = add_session(
        cafe, by=lead, on=date(2026, 10, 10), starts_at=time(15), ends_at=time(16)
    )
    moved = SPACES.replace("Tuesday,10:00,12.00", "Wednesday,10:00,12.00")
    path = write(tmp_path, moved, "moved.csv")

    dry = run(lead, path, "spaces", dry_run=True)
    assert counts(dry) == (0, 1, 2)
    (said,) = [p.message for p in dry.problems if p.line == 2]
    assert said == (
        "The recurring sessions changed: 18 sessions will be added; 17 cancelled (no longer in "
        "the file); 1 no longer in the file kept, as they have a register."
    )
    assert not cafe.sessions.filter(cancelled_at__isnull=False).exists()

    outcome = run(lead, path, "spaces")
    assert outcome.written and counts(outcome) == (0, 1, 2), outcome.problems
    live = cafe.sessions.filter(cancelled_at__isnull=True)
    assert {s.on.weekday() for s in live.exclude(pk__in=[first.pk, by_hand.pk])} == {2}
    assert live.exclude(pk__in=[first.pk, by_hand.pk]).count() == 18
    assert live.filter(pk__in=[first.pk, by_hand.pk]).count() == 2
    assert cafe.sessions.filter(cancelled_at__isnull=False).count() == 17
    assert AuditEvent.objects.filter(action="spaces.session.cancelled").count() == 17
    # The shed's unchanged sessions were left alone, and the same file again changes nothing.
    shed = spaces_of(lead).get(name="Men's shed")
    assert not Session.objects.filter(space=shed, cancelled_at__isnull=False).exists()
    assert counts(run(lead, path, "spaces")) == (0, 0, 3)


def test_a_bad_spaces_row_is_named_by_line_and_column(lead, host, tmp_path):
    text = (
        "external_id,name,venue,online_link,host,weekday,starts_at,ends_at,starts_on,ends_on\n"
        "S1,Café,Hall,,,Tuesday,10:00,12:00,01/09/2026,31/12/2026\n"
        "S2,Nowhere,,,,,,,,\n"
        "S3,Shed,Shed,not a link,Nobody,Funday,25:00,09:00,2026-01-01,\n"
        "S4,Choir,Hall,,,Monday,12:00,11:00,2026-01-01,2025-01-01\n"
    )
    outcome = run(lead, write(tmp_path, text), "spaces")
    assert not outcome.written
    found = {(p.line, p.column) for p in outcome.problems if p.error}
    assert found == {
        (3, "venue"),
        (4, "online_link"),
        (4, "host"),
        (4, "weekday"),
        (4, "starts_at"),
        (4, "ends_on"),
        (5, "ends_at"),
        (5, "ends_on"),
    }
    assert not spaces_of(lead).exists()


# --- attendance ---------------------------------------------------------------------------------

PEOPLE = "external_id,given_name,family_name\nP1,Amira,Haddad\nP2,Tomasz,Nowak\nP3,Łucja,Wójcik\n"
REGISTER = (
    "person,space,date\n"
    "P1,S1,01/09/2026\n"
    "P2,S1,2026-09-01\n"
    "P1,Café Lingua,08/09/2026\n"
    "P3,S2,02/01/2025\n"
)


@pytest.fixture
def imported(lead, host, tmp_path):
    assert run(lead, write(tmp_path, PEOPLE, "people.csv"), "people").written
    assert run(lead, write(tmp_path, SPACES, "spaces.csv"), "spaces").written


def attendances(lead):
    from alongside.spaces.models import Attendance

    return Attendance.objects.filter(organisation_id=lead.organisation_id)


def test_attendance_fills_the_registers(lead, imported, tmp_path):
    outcome = run(lead, write(tmp_path, REGISTER), "attendance")
    assert outcome.written and counts(outcome) == (4, 0, 0), outcome.problems
    got = sorted(
        (a.person.given_name, a.space.name, a.on)
        for a in attendances(lead).select_related("person", "space")
    )
    assert got == [
        ("Amira", "Café Lingua", date(2026, 9, 1)),
        ("Amira", "Café Lingua", date(2026, 9, 8)),
        ("Tomasz", "Café Lingua", date(2026, 9, 1)),
        ("Łucja", "Men's shed", date(2025, 1, 2)),
    ]
    events = AuditEvent.objects.filter(action="spaces.attendance.marked")
    assert events.count() == 4 and events.first().summary["source"] == "Lamplight"


def test_an_attendance_dry_run_writes_nothing_and_twice_changes_nothing(lead, imported, tmp_path):
    path = write(tmp_path, REGISTER)
    dry = run(lead, path, "attendance", dry_run=True)
    assert counts(dry) == (4, 0, 0) and not attendances(lead).exists()
    run(lead, path, "attendance")
    again = run(lead, path, "attendance")
    assert counts(again) == (0, 0, 4)
    assert attendances(lead).count() == 4


def test_an_updated_register_adds_what_is_new(lead, imported, tmp_path):
    run(lead, write(tmp_path, REGISTER), "attendance")
    more = (
        REGISTER.replace("person,space,date\n", "person,space,date,starts_at,ends_at\n")
        + "P3,S1,15/09/2026\nP2,Walking group,05/11/2026,10:00,11:30\n"
    )
    outcome = run(lead, write(tmp_path, more, "more.csv"), "attendance")
    assert counts(outcome) == (2, 0, 4), outcome.problems
    walk = spaces_of(lead).get(name="Walking group")
    (session,) = walk.sessions.all()
    assert (session.on, session.starts_at.hour, session.ends_at.minute) == (
        date(2026, 11, 5),
        10,
        30,
    )
    assert attendances(lead).count() == 6


def test_a_bad_attendance_row_is_named_by_line_and_column(lead, imported, tmp_path):
    text = (
        "person,space,date\n"
        "P1,S1,01/09/2026\n"
        "P9,S1,01/09/2026\n"
        "P1,Knitting,01/09/2026\n"
        "P1,S1,02/09/2026\n"
        "P2,S1,29/12/2026\n"
        "P2,S1,yesterday\n"
    )
    outcome = run(lead, write(tmp_path, text), "attendance")
    assert not outcome.written
    found = {(p.line, p.column) for p in outcome.problems if p.error}
    assert found == {(3, "person"), (4, "space"), (5, "date"), (6, "date"), (7, "date")}
    assert not attendances(lead).exists()


# --- named workers ------------------------------------------------------------------------------

SPELLS = (
    "external_id,person,worker,started_on,ended_on,reason\n"
    "N1,P1,Old Hand,01/02/2023,30/06/2025,\n"
    "N2,P1,nia@example.org,30/06/2025,,Previous worker left\n"
    "N3,P2,nia,2024-05-01,,\n"
)


@pytest.fixture
def workers(lead):
    old = MembershipFactory(
        organisation=lead.organisation,
        role=Role.SUPPORTER,
        user__username="oldhand",
        user__first_name="Old",
        user__last_name="Hand",
        left_on=date(2025, 7, 1),
    )
    nia = MembershipFactory(
        organisation=lead.organisation,
        role=Role.SUPPORTER,
        user__username="nia",
        user__email="nia@example.org",
    )
    return old, nia


@pytest.fixture
def people(lead, tmp_path):
    assert run(lead, write(tmp_path, PEOPLE, "people.csv"), "people").written


def spells_of(lead):
    from alongside.relationships.models import NamedWorkerSpell

    return NamedWorkerSpell.objects.filter(organisation_id=lead.organisation_id).order_by(
        "person_id", "started_on"
    )


def test_named_workers_history_comes_in_and_the_summary_is_kept(lead, workers, people, tmp_path):
    from datetime import UTC, datetime

    from alongside.people.models import Person
    from alongside.relationships.models import ContinuityDay
    from alongside.relationships.summaries import rebuild
    from alongside.testing.factories import ContactFactory

    old, nia = workers
    ContactFactory(
        person=Person.objects.get(given_name="Amira"),
        worker=nia.user,
        at=datetime(2025, 8, 1, 12, tzinfo=UTC),
    )
    (day,) = ContinuityDay.objects.all()
    assert day.named_matched == 0
    outcome = run(lead, write(tmp_path, SPELLS), "named_workers")
    assert outcome.written and counts(outcome) == (3, 0, 0), outcome.problems
    got = [
        (s.person.given_name, s.worker_id, s.started_on, s.ended_on, s.reason)
        for s in spells_of(lead).select_related("person")
    ]
    assert got == [
        ("Amira", old.user_id, date(2023, 2, 1), date(2025, 6, 30), "first"),
        ("Amira", nia.user_id, date(2025, 6, 30), None, "worker_left"),
        ("Tomasz", nia.user_id, date(2024, 5, 1), None, "first"),
    ]
    (day,) = ContinuityDay.objects.all()  # rewritten by refresh_people
    assert day.named_matched == 1  # the summary knows Nia was her named worker that day
    kept = sorted(ContinuityDay.objects.values_list("person_id", "day", "named_matched"))
    rebuild()
    assert sorted(ContinuityDay.objects.values_list("person_id", "day", "named_matched")) == kept
    assert (
        AuditEvent.objects.filter(
            action="imports.record.imported", subject_type="relationships.namedworkerspell"
        ).count()
        == 3
    )


def test_a_named_workers_dry_run_writes_nothing_and_twice_changes_nothing(
    lead, workers, people, tmp_path
):
    path = write(tmp_path, SPELLS)
    dry = run(lead, path, "named_workers", dry_run=True)
    assert counts(dry) == (3, 0, 0) and not spells_of(lead).exists()
    run(lead, path, "named_workers")
    again = run(lead, path, "named_workers")
    assert counts(again) == (0, 0, 3), again.problems
    assert spells_of(lead).count() == 3


def test_an_updated_named_workers_file_ends_a_spell(lead, workers, people, tmp_path):
    run(lead, write(tmp_path, SPELLS), "named_workers")
    ended = SPELLS.replace("N3,P2,nia,2024-05-01,,", "N3,P2,nia,2024-05-01,01/12/2026,")
    outcome = run(lead, write(tmp_path, ended, "ended.csv"), "named_workers")
    assert counts(outcome) == (0, 1, 2), outcome.problems
    assert spells_of(lead).get(person__given_name="Tomasz").ended_on == date(2026, 12, 1)


def test_a_bad_named_workers_row_is_named_by_line_and_column(lead, workers, people, tmp_path):
    text = (
        "external_id,person,worker,started_on,ended_on,reason\n"
        "N1,P1,nia,01/02/2024,,\n"
        "N2,P1,nia,01/03/2024,,\n"  # overlaps line 2
        "N3,P9,nia,01/02/2024,,\n"  # unknown person
        "N4,P2,Old Hand,01/02/2024,,\n"  # left: cannot be the named worker now
        "N5,P3,nia,01/02/2024,01/01/2024,\n"
        "N6,P3,Nobody,01/02/2027,,boredom\n"
    )
    outcome = run(lead, write(tmp_path, text), "named_workers")
    assert not outcome.written
    found = {(p.line, p.column) for p in outcome.problems if p.error}
    assert found == {
        (3, "started_on"),
        (4, "person"),
        (5, "worker"),
        (6, "ended_on"),
        (7, "started_on"),
        (7, "worker"),
        (7, "reason"),
    }
    assert not spells_of(lead).exists()


def test_a_spell_overlapping_one_on_the_record_is_refused(lead, workers, people, tmp_path):
    from alongside.people.models import Person
    from alongside.testing.factories import SpellFactory

    _old, nia = workers
    amira = Person.objects.get(given_name="Amira")
    SpellFactory(person=amira, worker=nia.user, started_on=date(2026, 1, 1), reason="first")
    text = "external_id,person,worker,started_on,ended_on\nN1,P1,nia,01/02/2025,01/03/2026\n"
    outcome = run(lead, write(tmp_path, text), "named_workers")
    (problem,) = outcome.problems
    assert (problem.line, problem.column) == (2, "started_on")
    assert "already on their record" in problem.message


def test_the_people_kinds_first_named_worker_keeps_the_summary(
    lead, workers, tmp_path, monkeypatch
):
    from alongside.relationships import services as relationship_services

    refreshed = []
    monkeypatch.setattr(relationship_services, "refresh_people", refreshed.extend)
    text = "external_id,given_name,named_worker\nP1,Amira,nia\n"
    assert run(lead, write(tmp_path, text, "people.csv"), "people").written
    assert refreshed == [Person.objects.get(given_name="Amira").pk]


def test_the_demo_workers_and_attendance_files_import_once_mapped(lead, tmp_path):
    from alongside.demo import previous_system as demo
    from alongside.imports.services import save_mapping
    from alongside.spaces.services import add_pattern, create_space

    MembershipFactory(  # already here: the staff list names them too
        organisation=lead.organisation, role=Role.SUPPORTER, user__email="kept@example.org"
    )
    space = create_space(by=lead, name="Café Lingua", venue="Church hall")
    add_pattern(
        space,
        by=lead,
        weekday=1,
        starts_at=time(10),
        ends_at=time(12),
        every_weeks=1,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    people = demo.write_previous_system_export(lead.organisation, tmp_path / "p.csv", rows=100)
    save_mapping(lead, source=demo.SOURCE, kind="people", columns=demo.MAPPING)
    assert run(lead, people, "people", source=demo.SOURCE).written
    staff = demo.write_previous_system_workers(lead.organisation, tmp_path / "w.csv")
    save_mapping(lead, source=demo.SOURCE, kind="workers", columns=demo.WORKER_MAPPING)
    outcome = run(lead, staff, "workers", source=demo.SOURCE)
    assert outcome.written and counts(outcome) == (5, 0, 1), outcome.problems
    register = demo.write_previous_system_attendance(
        lead.organisation, tmp_path / "a.csv", rows=50, clients=100
    )
    save_mapping(lead, source=demo.SOURCE, kind="attendance", columns=demo.ATTENDANCE_MAPPING)
    outcome = run(lead, register, "attendance", source=demo.SOURCE)
    assert outcome.written and outcome.errors == 0 and outcome.created > 40, outcome.problems


def test_a_spell_reason_in_the_organisations_own_words_comes_in(lead, workers, people, tmp_path):
    """Decision 0088: a file may name a reason by the organisation's own word (or a word it
    added); the spell keeps the code."""
    from alongside.access.services import WordEdit, save_words
    from alongside.access.words import words

    current = words(lead.organisation_id, "spell_reason")
    edits = [
        WordEdit(w.code, "Their worker moved on" if w.code == "worker_left" else w.label, n, True)
        for n, w in enumerate(current)
    ] + [WordEdit("", "Moved to the night team", 99, True)]
    save_words(lead.organisation, by=lead, key="spell_reason", edits=edits)
    text = SPELLS.replace("Previous worker left", "their worker MOVED ON").replace(
        "N3,P2,nia,2024-05-01,,", "N3,P2,nia,2024-05-01,,Moved to the night team"
    )
    outcome = run(lead, write(tmp_path, text), "named_workers")
    assert outcome.written, outcome.problems
    got = [(s.person.given_name, s.reason) for s in spells_of(lead).select_related("person")]
    assert got == [
        ("Amira", "first"),
        ("Amira", "worker_left"),
        ("Tomasz", "moved_to_the_night"),
    ]
