"""`alongside audit verify` and `alongside audit checkpoint` (CONTRACTS.md).

Exit 0 when all is well, 1 when the log no longer matches its chain or a checkpoint (verify) or
a checkpoint was refused because it does not (checkpoint), 2 on bad input or set-up (no key, no
such folder). Imports stay inside `handle` so `--help` answers without loading the models.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Work with the audit log. `verify` checks that no event was changed, deleted, reordered "
        "or cut off the end; `checkpoint` records the log's head, signed, outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        folder_help = (
            "the checkpoint folder (default: the setting ALONGSIDE_AUDIT_CHECKPOINTS, "
            "var/audit-checkpoints/<database name>)"
        )
        verify = sub.add_parser(
            "verify",
            help="Walk the hash chain and compare it with every checkpoint; exit 0 when intact, "
            "1 naming the first event that no longer matches.",
        )
        verify.add_argument("--checkpoints", metavar="FOLDER", help=folder_help)
        checkpoint = sub.add_parser(
            "checkpoint",
            help="Write a checkpoint of the log's head (event count and hash), signed with the "
            "audit key (ALONGSIDE_AUDIT_KEY or ALONGSIDE_AUDIT_KEY_FILE).",
        )
        checkpoint.add_argument("--checkpoints", metavar="FOLDER", help=folder_help)

    def handle(self, *args: Any, **options: Any) -> None:
        from alongside.audit.checkpoints import ChainMovedError, CheckpointError

        folder = Path(options["checkpoints"]) if options.get("checkpoints") else None
        try:
            if options["action"] == "checkpoint":
                self._checkpoint(folder)
            else:
                self._verify(folder)
        except CheckpointError as error:
            raise CommandError(str(error), returncode=2) from None
        except ChainMovedError as error:
            self.stderr.write(f"No checkpoint taken: {error}.")
            raise SystemExit(1) from None

    def _checkpoint(self, folder: Path | None) -> None:
        from alongside.audit.checkpoints import checkpoint_folder, take

        if folder is not None:
            checkpoint_folder(folder)  # exit 2 when a folder given does not exist
        taken = take(folder=folder)
        self.stdout.write(
            f"Checkpoint written: {taken.count} events, up to event {taken.head_id}, in {taken.path}."
        )

    def _verify(self, folder: Path | None) -> None:
        from alongside.audit.verify import verify_chain

        report = verify_chain(folder)
        if report.first_problem is None:
            if report.latest is None:
                against = "no checkpoint yet, so events cut off the end cannot be found"
            else:
                against = (
                    f"matches {report.checkpoints} checkpoint(s), the latest taken "
                    f"{report.latest.taken_at:%Y-%m-%d %H:%M:%S} UTC at {report.latest.count} events"
                )
            self.stdout.write(f"Audit chain intact: {report.events} events verified; {against}.")
            return
        self.stderr.write(
            f"Audit chain broken after checking {report.events} events: {report.first_problem}."
        )
        raise SystemExit(1)
