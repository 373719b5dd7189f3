"""`alongside rota_roll_on`: make the repeating shifts' shifts ahead now, or `--queue` the daily
task."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from alongside.common.request_context import own_request_id
from alongside.rota.services import ROLL_ON_WEEKS, roll_on
from alongside.rota.tasks import queue_roll_on


class Command(BaseCommand):
    help = f"Make every running repeating shift's shifts {ROLL_ON_WEEKS} weeks ahead."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the daily task for `alongside db_worker` instead of running it now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            queue_roll_on()
            self.stdout.write("The daily roll-on of repeating shifts is queued.")
            return
        with own_request_id("cli:"):
            made = roll_on(timezone.localdate())
        self.stdout.write(f"{made} shift(s) made.")
