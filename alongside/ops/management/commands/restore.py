"""`alongside restore FILE [--passphrase-file FILE] [--replace]`: put a backup back, and prove it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.ops.backup import BackupError, read_passphrase, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `alongside backup` into the configured database, which must be "
        "empty (a new database) unless --replace is given. Stop the app servers and the task "
        "worker first. Afterwards every table's row count is checked against the backup and the "
        "audit chain is walked. Exit 0 when all agree; 1 when a count differs or the chain is "
        "broken; 2 on bad input (wrong passphrase, damaged file), with nothing changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", metavar="FILE", help="a file written by `alongside backup`")
        parser.add_argument("--passphrase-file", metavar="FILE", default=None)
        parser.add_argument(
            "--replace", action="store_true",
            help="replace what the database holds now (default: refuse a database with tables)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = read_passphrase(options["passphrase_file"], for_backup=False)
            report = restore_backup(Path(options["backup"]), passphrase, replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        expected = report.manifest.tables
        differ = sorted(
            f"{table}: {expected.get(table, 0)} in the backup, {report.tables.get(table, 0)} now"
            for table in set(expected) | set(report.tables)
            if expected.get(table) != report.tables.get(table)
        )
        self.stdout.write(
            f"Restored the {report.manifest.engine} backup taken {report.manifest.created}: "
            f"{len(report.tables)} tables, {sum(report.tables.values()):,} rows."
        )
        for line in differ:
            self.stderr.write(f"  count differs: {line}")
        if report.audit_problem:
            self.stderr.write(
                f"Audit chain broken after {report.audit_events} events: {report.audit_problem}."
            )
        else:
            self.stdout.write(f"Audit chain intact: {report.audit_events} events verified.")
        if differ or report.audit_problem:
            raise SystemExit(1)
        self.stdout.write("Every table's row count matches the backup.")
