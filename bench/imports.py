"""Time and peak memory of importing people rows (the import issue's 100,000-row goal).

    .venv/bin/python bench/imports.py [--rows 100000] [--small 10000] [--format csv|xlsx]

Writes a synthetic CSV of `--rows` people (mixed date forms, names in several scripts, one note
in ten) and a `--small` one, migrates a fresh SQLite database in a temporary folder, and runs
`imports.services.import_file` on each in turn, as the organisation's data lead: the dry run and
the write (which checks again, then writes in one transaction). For each it prints the wall time
and the process's peak resident size so far (getrusage), small file first: when the large file
leaves the peak where the small one put it, memory does not grow with the file. Exits 1 when the
large import raises the peak by more than 100 MiB. With `--format xlsx` the same rows go in as a
workbook (written with openpyxl's write-only mode; read back through its read-only mode), so the
peak shows whether reading a spreadsheet streams as reading a CSV does.
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = Path(tempfile.mkdtemp(prefix="alongside-bench-imports-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{FOLDER / 'bench.sqlite3'}")
os.environ.setdefault("ALONGSIDE_VAR_DIR", str(FOLDER / "var"))

GIVEN = ["Amira", "Tomasz", "Łucja", "Kwame", "Zoë", "Siobhán", "明", "Αλέξης", "Priya", "Bo"]
FAMILY = ["Haddad", "Nowak", "Wójcik", "Mensah", "Ó Súilleabháin", "王", "Παππάς", "Shah", "Li"]


def write_people(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "external_id",
                "given_name",
                "family_name",
                "date_of_birth",
                "postcode",
                "phone",
                "notes",
            ]
        )
        for n in range(rows):
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 60))
            form = n % 3
            when = (
                born.isoformat()
                if form == 0
                else born.strftime("%d/%m/%Y")
                if form == 1
                else str((born - date(1899, 12, 30)).days)
            )
            out.writerow(
                [
                    f"P{n:07d}",
                    rng.choice(GIVEN),
                    f"{rng.choice(FAMILY)}-{n}",
                    when,
                    f"LS{rng.randrange(1, 30)} {rng.randrange(1, 10)}AB",
                    f"07700 9{n % 100000:05d}",
                    "Asked about help with rent arrears and the foodbank." if n % 10 == 0 else "",
                ]
            )


def write_workbook(source: Path, path: Path) -> None:
    """The CSV's rows as one sheet of an XLSX workbook, written row by row."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    with source.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from alongside.access.models import Membership, Organisation, Role, Team
    from alongside.imports.services import import_file
    from alongside.people.models import Person

    peaks = {}
    for label, rows in (("small", args.small), ("large", args.rows)):
        organisation = Organisation.objects.create(name=f"Bench {label}", slug=f"bench-{label}")
        Team.objects.create(organisation=organisation, name="Advice")
        user = get_user_model().objects.create_user(f"lead-{label}", password="x" * 20)
        lead = Membership.objects.create(
            organisation=organisation, user=user, role=Role.DATA_LEAD, started_on=date(2024, 1, 1)
        )
        path = FOLDER / f"people-{rows}.csv"
        write_people(path, rows)
        if args.format == "xlsx":
            path, source = FOLDER / f"people-{rows}.xlsx", path
            write_workbook(source, path)
            source.unlink()
        for dry_run in (True, False):
            started = time.perf_counter()
            outcome = import_file(lead, path, kind="people", source="bench", dry_run=dry_run)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            step = "dry run" if dry_run else "import"
            peaks[(label, step)] = peak
            print(
                f"{rows:>7} rows, {step:<7}: {seconds:7.1f} s, process peak {peak:6.0f} MiB; "
                f"{outcome.counts()}; errors {outcome.errors}",
                flush=True,
            )
        assert Person.objects.filter(organisation=organisation).count() == rows
    print(f"large file: {path.stat().st_size / 2**20:.1f} MiB")
    grows = peaks[("large", "import")] - peaks[("small", "import")] > 100
    print("memory grows with the file" if grows else "memory does not grow with the file")
    return 1 if grows else 0


if __name__ == "__main__":
    raise SystemExit(main())
