"""The workers, spaces, attendance and named_workers kinds: a good file, a dry run writing
nothing, the same file twice changing nothing, an updated file updating, a bad row named by line
and column, a role the importer may not give refused."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.access.models import Membership, Role
from alongside.audit.models import AuditEvent
from alongside.imports.services import import_file
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
