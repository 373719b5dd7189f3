"""`alongside summaries rebuild`: rewrite the maintained summaries: the continuity summary
(decisions 0069, 0096, 0119) and the answers' baseline rows (decision 0108)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.measures.baselines import rebuild as rebuild_baselines
from alongside.relationships.summaries import rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the continuity summary rows from the contacts and named-worker spells, and the "
        "answers' baseline rows from the answers. Needed after loading contacts or answers "
        "outside the app's services, or after changing TIME_ZONE; the app keeps them in step "
        "itself otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"], help="what to do: rebuild")

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.perf_counter()
        written = rebuild()
        self.stdout.write(
            f"Rebuilt {written:,} continuity summary rows in {time.perf_counter() - began:.1f} s."
        )
        began = time.perf_counter()
        written = rebuild_baselines()
        self.stdout.write(
            f"Rebuilt {written:,} answer baseline rows in {time.perf_counter() - began:.1f} s."
        )
