"""`alongside demo`: load the synthetic town (see docs: CONTRACTS, "Demo organisation")."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alongside.access.models import Membership
from alongside.demo.builder import (
    PASSWORD,
    URL,
    DemoError,
    build_demo,
    check_options,
    logins,
    two_step_secrets,
)
from alongside.demo.previous_system import (
    write_previous_system_attendance,
    write_previous_system_export,
    write_previous_system_workers,
)
from alongside.insights.tasks import queue_team_figures


class Command(BaseCommand):
    help = (
        "Load the demo organisation, a synthetic town with two years of history, into the "
        "configured database. Refuses a database that holds data other than the demo's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--people", type=int, default=400, help="people in the town (default 400)"
        )
        parser.add_argument("--years", type=int, default=2, help="years of history (default 2)")
        parser.add_argument(
            "--canary", default=None, metavar="TOKEN",
            help="put TOKEN into every support-sphere text, to prove where it never shows",
        )  # fmt: skip
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo and build it again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # Bad options are refused before anything is written, the new database's tables too.
            check_options(
                people=options["people"], years=options["years"], canary=options["canary"]
            )
            self._set_up_a_new_database()
            result = build_demo(
                seed=options["seed"], people=options["people"], years=options["years"],
                canary=options["canary"], reset=options["reset"],
                progress=lambda message: self.stderr.write(f"  {message}"),
            )  # fmt: skip
        except DemoError as error:
            raise CommandError(str(error), returncode=2) from None
        # The team pages' figures, worked out by the task worker `make demo` runs beside the
        # server before a coordinator first opens them (decision 0138).
        queue_team_figures()
        if result.already_loaded:
            self.stdout.write(
                f"The demo is already loaded ({result.counts['people']:,} people). "
                "Run with --reset to build it again."
            )
        else:
            self.stdout.write(f"Built the demo in {result.seconds:.1f} s:")
            width = max((len(name) for name in result.counts), default=20)
            for name, count in result.counts.items():
                self.stdout.write(f"  {name.replace('_', ' '):<{width}} {count:>10,}")
        self.stdout.write("")
        self.stdout.write(f"Logins (password for every one: {PASSWORD}):")
        self.stdout.write(f"  {'username':<14} {'role':<20} {'team':<15} organisation")
        for username, role, team, organisation in logins():
            self.stdout.write(f"  {username:<14} {role:<20} {team:<15} {organisation}")
        self.stdout.write("")
        # CONTRACTS.md: "<login> TOTP secret: <BASE32>" for each login with a second step.
        for username, secret in two_step_secrets():
            self.stdout.write(f"{username} TOTP secret: {secret}")
        self.stdout.write(
            "Add the secret to an authenticator app (RFC 6238, SHA-1, 6 digits, 30 s) to sign in "
            "as the data lead; the other logins need only the password."
        )
        self.stdout.write("")
        exports = self._previous_system_export()
        if exports:
            self.stdout.write(
                "A previous system's export to try the import with (Import, as datalead; people "
                "first, then workers and attendance): " + ", ".join(str(p) for p in exports)
            )
        self.stdout.write(f"Open {URL} and sign in.")

    def _set_up_a_new_database(self) -> None:
        """CONTRACTS.md: `DATABASE_URL=sqlite:///other.sqlite3 alongside demo` builds a separate
        demo, so a new database (no migration applied) gets its tables first. One whose tables are
        behind the code is left alone: it may hold more than a demo."""
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not pending:
            return
        if executor.loader.applied_migrations:
            raise CommandError(
                f"This database's tables are {len(pending)} migrations behind the code: run "
                "`alongside migrate` first, then `alongside demo` again.",
                returncode=2,
            )
        self.stderr.write("  A new database: creating its tables (alongside migrate)")
        call_command("migrate", interactive=False, verbosity=0)

    def _previous_system_export(self) -> list[Path]:
        """Write the synthetic "previous system" CSVs beside the database (issue 14)."""
        lead = (
            Membership.objects.filter(user__username="datalead")
            .select_related("organisation")
            .first()
        )
        if lead is None:
            return []
        folder = Path(settings.VAR_DIR)
        organisation = lead.organisation
        return [
            write_previous_system_export(organisation, folder / "demo-previous-system-people.csv"),
            write_previous_system_workers(
                organisation, folder / "demo-previous-system-workers.csv"
            ),
            write_previous_system_attendance(
                organisation, folder / "demo-previous-system-attendance.csv"
            ),
        ]
