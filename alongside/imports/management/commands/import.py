"""`alongside import FILE --kind people [--organisation SLUG] [--source NAME] [--dry-run]`
(CONTRACTS.md): check a CSV or XLSX file and, unless --dry-run or anything is wrong, write it
whole. Exit 0 printing what was (or would be) created, updated and skipped; exit 2 naming the
file and every bad row by its line and column, with nothing written.

`--kind archive` reads a whole-organisation archive made by `alongside archive export` into the
empty organisation named by --organisation (made if it does not exist; docs/archive.md), all or
nothing; with --dry-run it is restored and rolled back."""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from alongside.access.models import Membership, Organisation, Role
from alongside.imports import kinds
from alongside.imports.services import DEFAULT_SOURCE, import_file

ARCHIVE = "archive"


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8, UTF-8 with BOM or Windows-1252) or XLSX file whose header row names "
        "fields (docs/imports.md). Writes everything or nothing; --dry-run writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument(
            "--kind",
            required=True,
            help=f"one of: {', '.join([*kinds.names(), ARCHIVE])} ({ARCHIVE}: a whole organisation)",
        )
        parser.add_argument(
            "--organisation",
            default="",
            help="the organisation's slug (needed when there are several)",
        )
        parser.add_argument(
            "--source",
            default=DEFAULT_SOURCE,
            help="the system the file comes from; importing again from the same source updates, "
            f"never duplicates (default: {DEFAULT_SOURCE})",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only: write nothing")
        parser.add_argument(
            "--by",
            default="",
            help="the username of the data lead the import is recorded as (default: the "
            "organisation's first data lead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["kind"] == ARCHIVE:
            self._restore(path, options["organisation"], dry_run=options["dry_run"])
            return
        if options["kind"] not in kinds.KINDS:
            raise CommandError(
                f"{path}: --kind {options['kind']!r} is not a kind of import: choose one of "
                f"{', '.join(kinds.names())}.",
                returncode=2,
            )
        membership = self._membership(options["organisation"], options["by"])
        outcome = import_file(
            membership,
            path,
            kind=options["kind"],
            source=options["source"],
            dry_run=options["dry_run"],
        )
        if outcome.refused:
            raise CommandError(f"{path}: {outcome.refused} Nothing was written.", returncode=2)
        for problem in outcome.problems:
            if not problem.error:
                self.stdout.write(
                    f"{path}: line {problem.line}, column {problem.column}: warning: {problem.message}"
                )
        if outcome.errors:
            lines = [
                f"{path}: line {p.line}, column {p.column}: {p.message}"
                for p in outcome.problems
                if p.error
            ]
            raise CommandError(
                "\n".join(
                    [
                        *lines,
                        f"{outcome.errors} bad row{'s' if outcome.errors != 1 else ''}: nothing was written.",
                    ]
                ),
                returncode=2,
            )
        if outcome.unmapped:
            self.stdout.write(f"{path}: columns not imported: {', '.join(outcome.unmapped)}")
        self.stdout.write(f"{path}: {outcome.counts()}.")

    def _restore(self, path: Path, slug: str, *, dry_run: bool) -> None:
        """The archive's own restore (`alongside archive restore`), which refuses an organisation
        that already holds records."""
        if not slug:
            raise CommandError(
                f"{path}: --kind archive needs --organisation SLUG: the empty organisation to "
                "restore into. Nothing was written.",
                returncode=2,
            )
        with transaction.atomic():
            call_command("archive", "restore", str(path), organisation=slug, stdout=self.stdout)
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write(
                    f"{path}: --dry-run: checked and rolled back; nothing was written."
                )

    def _membership(self, slug: str, username: str) -> Membership:
        organisations = (
            Organisation.objects.filter(slug=slug) if slug else Organisation.objects.all()
        )
        found = list(organisations[:2])
        if not found:
            raise CommandError(f"No organisation with the slug {slug!r}.", returncode=2)
        if len(found) > 1:
            raise CommandError(
                "There are several organisations: name one with --organisation SLUG.", returncode=2
            )
        leads = (
            Membership.objects.active()
            .filter(organisation=found[0], role=Role.DATA_LEAD)
            .select_related("organisation", "user")
            .order_by("id")
        )
        if username:
            leads = leads.filter(user__username=username)
        lead = leads.first()
        if lead is None:
            raise CommandError(
                f"{found[0].name} has no active data lead"
                + (f" called {username!r}" if username else "")
                + " to record the import as.",
                returncode=2,
            )
        return lead
