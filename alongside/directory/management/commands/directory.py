"""`alongside directory import SOURCE [--organisation SLUG]` and
`alongside directory export --output FILE [--organisation SLUG]` (CONTRACTS.md).

`import` reads an Open Referral UK source (a JSON file: one service, a list, or an API page; an
http(s) address of an ORUK API's `/services`, followed page by page; or a folder of HSDS CSV
tables) into the organisation's directory. Exit 0 printing how many services were created,
updated and unchanged; exit 2 naming the record and field of every problem, with nothing written.
`export` writes the organisation's whole directory as an ORUK paginated service list.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.access.models import Organisation
from alongside.common.files import CannotWrite, replace_file
from alongside.directory import oruk
from alongside.directory.queries import export_items
from alongside.directory.services import ImportRefused, import_source

ENVIRONMENT = "ALONGSIDE_ORGANISATION"


class Command(BaseCommand):
    help = (
        "The directory of local services in Open Referral UK (HSDS 3.0 UK profile). The "
        "organisation is --organisation SLUG, else $ALONGSIDE_ORGANISATION, else the only one "
        "(or the first created, said on standard error)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        reading = sub.add_parser(
            "import",
            help="Import services from a JSON file, an ORUK API's /services address or a folder "
            "of HSDS CSV tables. Idempotent by ORUK id; exit 2 naming every problem, nothing "
            "written.",
        )
        reading.add_argument("source", metavar="SOURCE", help="a file, a folder or an address")
        reading.add_argument("--organisation", metavar="SLUG", help="which organisation")
        writing = sub.add_parser(
            "export", help="Write the directory as an ORUK paginated list of services."
        )
        writing.add_argument("--output", metavar="FILE", required=True, help="where to write")
        writing.add_argument("--organisation", metavar="SLUG", help="which organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = self._organisation(options.get("organisation") or "")
        if options["action"] == "import":
            self._import(organisation, options["source"])
        else:
            self._export(organisation, options["output"])

    def _organisation(self, slug: str) -> Organisation:
        slug = slug or os.environ.get(ENVIRONMENT, "")
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"--organisation: no organisation {slug!r}", returncode=2)
            return found
        first = Organisation.objects.order_by("pk").first()
        if first is None:
            raise CommandError("there is no organisation yet: run `alongside demo`", returncode=2)
        if Organisation.objects.count() > 1:
            sys.stderr.write(
                f"Directory of {first.name} ({first.slug}); "
                f"choose another with --organisation or ${ENVIRONMENT}.\n"
            )
        return first

    def _import(self, organisation: Organisation, source: str) -> None:
        try:
            result = import_source(organisation, source)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"nothing imported: {len(refused.problems)} problem(s) in {source}", returncode=2
            ) from None
        self.stdout.write(result.counts())

    def _export(self, organisation: Organisation, output: str) -> None:
        items = export_items(organisation)
        data = oruk.page(items, total=len(items), number=1, size=max(1, len(items)))

        def write(stream: IO[Any]) -> None:
            json.dump(data, stream, indent=2, ensure_ascii=False)
            stream.write("\n")

        try:
            replace_file(output, write)
        except CannotWrite as error:
            raise CommandError(f"--output: {error}", returncode=2) from None
        self.stdout.write(f"{len(items)} services written to {output}")
