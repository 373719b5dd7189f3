"""`alongside training_reminders`: send the training expiry reminders now, or `--queue` the
daily task."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from alongside.common.request_context import own_request_id
from alongside.training.reminders import send_expiry_reminders
from alongside.training.tasks import queue_training_reminders


class Command(BaseCommand):
    help = "Remind members whose training runs out within 30 or 7 days, and their coordinators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the daily reminders for `alongside db_worker` instead of sending now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            queue_training_reminders()
            self.stdout.write("The daily training reminders are queued.")
            return
        with own_request_id("cli:"):
            sent = send_expiry_reminders(timezone.localdate())
        self.stdout.write(f"{sent} reminder(s) sent.")
