"""`alongside report --period START..END [--format html|pdf] [--output FILE]`: the learning report."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

ENVIRONMENT = "ALONGSIDE_ORGANISATION"


class Command(BaseCommand):
    help = (
        "The funder learning report for the configured organisation, for a period: trends, "
        "stories and learning, with no person-level rows and counts under 5 shown as "
        '"fewer than 5". The organisation is --organisation SLUG, else $ALONGSIDE_ORGANISATION, '
        "else the only one (or the first created, said on standard error). Writes to FILE "
        "(whole, or not at all) or to standard output."
    )
    # Django's system checks load every URL module and so every view, form and API schema
    # (jsonschema's format grammars among them): 6 s of CPU and 50 MB for a command that reads
    # the database and writes a file (issue 17; docs/benchmarks.md). `alongside check` runs
    # them, as a deployment does.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--period",
            required=True,
            metavar="START..END",
            help="dates, e.g. 2026-01-01..2026-06-30",
        )
        parser.add_argument("--format", choices=("html", "pdf"), default="html")
        parser.add_argument(
            "--output", metavar="FILE", help="write here instead of standard output"
        )
        parser.add_argument("--organisation", metavar="SLUG", help="which organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.db import connection

        from alongside.access.models import Organisation
        from alongside.common.files import CannotWrite, replace_file
        from alongside.reports.content import PeriodError, build, parse_period
        from alongside.reports.render import render_html, render_pdf

        try:
            start, end = parse_period(options["period"])
        except PeriodError as error:
            raise CommandError(f"--period: {error}", returncode=2) from None
        slug = options["organisation"] or os.environ.get(ENVIRONMENT, "")
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"--organisation: no organisation {slug!r}", returncode=2)
        else:
            organisation = Organisation.objects.order_by("pk").first()
            if organisation is None:
                raise CommandError(
                    "there is no organisation yet: run `alongside demo`", returncode=2
                )
            if Organisation.objects.count() > 1:
                sys.stderr.write(
                    f"Report for {organisation.name} ({organisation.slug}); "
                    f"choose another with --organisation or ${ENVIRONMENT}.\n"
                )
        if connection.vendor == "sqlite":
            # SQLite keeps 2 MB of pages by default: a year's report reads about 635,000 pages
            # of the 100k demo, many more than once (index probes), each again from the
            # operating system. 64 MiB, for this connection only: 0.7-1.0 s less CPU for 66 MB
            # more memory (decision 0135).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        content = build(organisation, start, end)
        if options["format"] == "pdf":
            data: bytes | str = render_pdf(content)
        else:
            data = render_html(content)

        def write(stream: IO[Any]) -> None:
            stream.write(data)

        if options["output"]:
            try:
                replace_file(options["output"], write, binary=isinstance(data, bytes))
            except CannotWrite as error:
                raise CommandError(f"--output: {error}", returncode=2) from None
        elif isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data, ending="")
