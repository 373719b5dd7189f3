"""`alongside audit verify`: walk the hash chain of the audit log."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Work with the audit log. `verify` checks that no event was changed, deleted or reordered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "verify", help="Walk the hash chain; exit 0 when intact, 1 at the first broken event."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from alongside.audit.verify import verify_chain

        report = verify_chain()
        if report.first_problem is None:
            self.stdout.write(f"Audit chain intact: {report.events} events verified.")
            return
        self.stderr.write(
            f"Audit chain broken after checking {report.events} events: {report.first_problem}."
        )
        raise SystemExit(1)
