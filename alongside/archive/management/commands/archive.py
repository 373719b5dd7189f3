"""`alongside archive export --organisation SLUG --output FILE` and
`alongside archive restore FILE --organisation SLUG [--name NAME]` (docs/archive.md).

Exit 0 with a summary; 2 on bad input (no such organisation, a file that cannot be written, a
malformed archive, an organisation that is not empty), naming the file, line and field, with
nothing written.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from alongside.access.models import Organisation
from alongside.archive.services import (
    ArchiveError,
    export_organisation,
    restore,
    restore_report,
)
from alongside.common.files import CannotWrite


class Command(BaseCommand):
    help = (
        "The whole organisation as an open archive (a zip of CSV files with a Frictionless "
        "datapackage.json), and back. `export` writes every record of every sphere and the "
        "audit log; `restore` reads an archive into a new, empty organisation, all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = sub.add_parser("export", help="Write the organisation's archive to FILE.")
        export.add_argument("--organisation", metavar="SLUG", required=True)
        export.add_argument("--output", metavar="FILE", required=True, help="a .zip to write")
        restore = sub.add_parser(
            "restore",
            help="Read an archive into an empty organisation (made, named --name, if there is "
            "no organisation with that slug yet).",
        )
        restore.add_argument("file", metavar="FILE", help="an archive made by `archive export`")
        restore.add_argument("--organisation", metavar="SLUG", required=True)
        restore.add_argument("--name", default="", help="the new organisation's name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "export":
                self._export(options["organisation"], Path(options["output"]))
            else:
                self._restore(Path(options["file"]), options["organisation"], options["name"])
        except CannotWrite as error:
            raise CommandError(str(error), returncode=2) from None

    def _export(self, slug: str, output: Path) -> None:
        organisation = self._organisation(slug)
        summary = export_organisation(organisation, None, output)
        self.stdout.write(
            f"Wrote {summary.total:,} rows in {len(summary.rows)} tables of {organisation.slug} "
            f"to {output} ({output.stat().st_size:,} bytes). It holds every sphere: keep it safe."
        )

    def _restore(self, path: Path, slug: str, name: str) -> None:
        try:
            with transaction.atomic():
                organisation, created = Organisation.objects.get_or_create(
                    slug=slug, defaults={"name": name or slug}
                )
                summary = restore(path, organisation, None)
        except ArchiveError as error:
            raise CommandError(str(error), returncode=2) from None
        rows = sum(summary.rows.values())
        self.stdout.write(
            f"Restored {rows:,} rows into {'new ' if created else ''}organisation {slug}"
            f" ({summary.workers_created} worker accounts made without a password: invite them "
            "or let them reset it). The audit log came in as history beside a new chain."
        )
        for line in restore_report(summary):
            self.stdout.write(line)

    def _organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"--organisation: there is no organisation {slug!r}", returncode=2)
        return organisation
