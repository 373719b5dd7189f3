"""`alongside retention`: run the retention check now, or `--queue` the daily task."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from alongside.common.request_context import own_request_id
from alongside.rights.services import check_all
from alongside.rights.tasks import queue_retention_check


class Command(BaseCommand):
    help = "List what has passed its retention period for each data lead (docs/retention.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the daily check for `alongside db_worker` instead of running it now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            queue_retention_check()
            self.stdout.write("The daily retention check is queued.")
            return
        with own_request_id("cli:"):
            reviews = check_all(timezone.localdate())
        self.stdout.write(f"{len(reviews)} review(s) made for data leads to confirm.")
