"""`alongside backup [--output FILE] [--passphrase-file FILE]`: the database, encrypted, in one file."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.ops.backup import BackupError, create_backup, default_output, read_passphrase


class Command(BaseCommand):
    help = (
        "Back up the whole database (pg_dump for PostgreSQL, SQLite's online backup) into one "
        "file encrypted with a passphrase (--passphrase-file, or ALONGSIDE_BACKUP_PASSPHRASE_FILE "
        "or ALONGSIDE_BACKUP_PASSPHRASE). Safe while the server runs. Exit 0 and a summary; "
        "exit 2 on bad input, with nothing written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", metavar="FILE", default=None,
            help="where to write it (a new file; default var/backups/alongside-ENGINE-TIME.backup)",
        )  # fmt: skip
        parser.add_argument("--passphrase-file", metavar="FILE", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = read_passphrase(options["passphrase_file"], for_backup=True)
            output = Path(options["output"] or default_output(Path(settings.VAR_DIR)))
            manifest = create_backup(output, passphrase)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Backed up the {manifest.engine} database ({len(manifest.tables)} tables, {rows:,} "
            f"rows, {manifest.tables.get('audit_auditevent', 0):,} audit events) to {output} "
            f"({output.stat().st_size:,} bytes, encrypted)."
        )
