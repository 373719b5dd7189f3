"""`alongside summaries rebuild`: rewrite the maintained continuity summary (decision 0069)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.relationships.summaries import rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the continuity summary rows from the contacts and named-worker spells. Needed "
        "after loading contacts outside the app's services, or after changing TIME_ZONE; the "
        "app keeps them in step itself otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"], help="what to do: rebuild")

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.perf_counter()
        written = rebuild()
        self.stdout.write(
            f"Rebuilt {written:,} continuity summary rows in {time.perf_counter() - began:.1f} s."
        )
