"""A synthetic export from a "previous system", to try the import with (issue 14): people as an
old casework system's CSV would hold them, with the mess real exports have.

`write_previous_system_export(organisation, path)` writes a Windows-1252 CSV of `rows` people
(several thousand by default) whose columns are named the way such a system names them
("Client ID", "Forename", "Surname", "DOB", ...), so the import's column mapping is used, with:
dates of birth in ISO, DD/MM/YYYY and as Excel serial numbers; names with accents that
Windows-1252 holds (Zoë, Siobhán, Renée, Müller); about one row in fifty a possible duplicate of
someone already in the organisation (same name and date of birth, a new id); about one in
twenty naming a worker who does not work here; phone numbers and postcodes written carelessly;
one note in eight. Every row is importable: problems are warnings (possible duplicates are
skipped, unknown workers left out), so a dry run and a confirm go through. `alongside demo`
writes it beside the demo database and says where.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.people.models import Person
from alongside.spaces.models import Session

HEADER = [
    "Client ID",
    "Forename",
    "Surname",
    "DOB",
    "Post Code",
    "Tel",
    "E-mail",
    "Key Worker",
    "Case Notes",
]
# What the demo's first import saves as the mapping for this source (the page offers it).
MAPPING = {
    "Client ID": "external_id",
    "Forename": "given_name",
    "Surname": "family_name",
    "DOB": "date_of_birth",
    "Post Code": "postcode",
    "Tel": "phone",
    "E-mail": "email",
    "Key Worker": "named_worker",
    "Case Notes": "notes",
}
SOURCE = "Casebook (previous system)"
GIVEN = [
    "Zoë", "Siobhán", "Renée", "José", "Agnès", "Björn", "Chloé", "Dónal", "Eilís", "François",
    "Grzegorz", "Hélène", "Iñaki", "Jürgen", "Kübra", "Léa", "Mårten", "Niamh", "Oisín", "Päivi",
    "Amir", "Bola", "Chidi", "Dawit", "Esra", "Farah", "Gintaras", "Hana", "Ivan", "Jamal",
]  # fmt: skip
FAMILY = [
    "Müller", "O'Brien", "Nuñez", "Gonçalves", "Søndergaard", "Ó Briain", "Dvořák", "Lefèvre",
    "Ahmed", "Begum", "Campbell", "Davies", "Evans", "Fernández", "Green", "Hussain", "Ibrahim",
    "Jones", "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Rossi", "Smith", "Taylor",
]  # fmt: skip
NOTES = [
    "Asked for help with a benefits form; came with her sister.",
    "Rent arrears, letter from the landlord. Wants to keep the flat.",
    "Lonely since moving here. Likes the café on Tuesdays.",
    "Needs a food parcel this week; waiting for Universal Credit.",
    "Café au lait and a chat; talked about going back to college.",
]
UNKNOWN_WORKERS = ["J. Smith (left 2023)", "reception", "Marguerite Dupré", "agency worker"]


def _date_text(day: date, rng: random.Random) -> str:
    form = rng.randrange(3)
    if form == 0:
        return day.isoformat()
    if form == 1:
        return day.strftime("%d/%m/%Y")
    return str((day - date(1899, 12, 30)).days)


def write_previous_system_export(
    organisation: Organisation, path: Path, *, rows: int = 3000, seed: int = 14
) -> Path:
    rng = random.Random(seed)
    existing = list(
        Person.objects.filter(
            organisation=organisation, merged_into__isnull=True, date_of_birth__isnull=False
        )
        .order_by("id")
        .values_list("given_name", "family_name", "date_of_birth")[:500]
    )
    workers = list(
        Membership.objects.active()
        .filter(organisation=organisation, role__in=[Role.SUPPORTER, Role.COORDINATOR])
        .order_by("id")
        .values_list("user__username", flat=True)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            if existing and n % 50 == 7:
                given, family, born = rng.choice(existing)
            else:
                given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
            if n % 20 == 3:
                worker = rng.choice(UNKNOWN_WORKERS)
            elif workers and n % 3 == 0:
                worker = rng.choice(workers)
            else:
                worker = ""
            out.writerow(
                [
                    f"CB-{10000 + n}",
                    given,
                    family,
                    _date_text(born, rng),
                    f"ls{rng.randrange(1, 29)}{rng.randrange(1, 10)}{rng.choice('ABDEFGH')}"
                    f"{rng.choice('JLNPQRS')}"
                    if n % 4
                    else "",
                    f"07700 {900000 + n % 100000}" if n % 2 else "",
                    f"client{n}@example.org" if n % 5 == 0 else "",
                    worker,
                    rng.choice(NOTES) if n % 8 == 0 else "",
                ]
            )
    return path


# The same system's staff list and group registers (issue 14's workers and attendance kinds).
WORKER_HEADER = ["Staff ID", "Forename", "Surname", "E-mail", "Job title", "Team", "Started"]
WORKER_MAPPING = {
    "Staff ID": "external_id",
    "Forename": "first_name",
    "Surname": "last_name",
    "E-mail": "email",
    "Job title": "role",
    "Team": "team",
    "Started": "started_on",
}
NEW_STAFF = [
    ("Agnès", "Lefèvre", "Supporter"),
    ("Dawit", "Mensah", "Volunteer"),
    ("Eilís", "Ó Briain", "Coordinator"),
    ("Kübra", "Hussain", "volunteer"),
    ("Mårten", "Søndergaard", "SUPPORTER"),
]
ATTENDANCE_HEADER = ["Client ID", "Group", "Session date"]
ATTENDANCE_MAPPING = {"Client ID": "person", "Group": "space", "Session date": "date"}


def write_previous_system_workers(
    organisation: Organisation, path: Path, *, seed: int = 14
) -> Path:
    """The old system's staff list: a few new workers (role words in any case, dates in UK and
    ISO forms) and one who is already here (skipped by email, with a warning)."""
    rng = random.Random(seed)
    team = organisation.teams.order_by("id").values_list("name", flat=True).first() or ""
    already = (
        Membership.objects.filter(organisation=organisation, role=Role.SUPPORTER)
        .exclude(user__email="")
        .order_by("id")
        .select_related("user")
        .first()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(WORKER_HEADER)
        for n, (given, family, role) in enumerate(NEW_STAFF):
            started = date(2019, 1, 7) + timedelta(days=rng.randrange(365 * 5))
            out.writerow(
                [
                    f"ST-{200 + n}",
                    given,
                    family,
                    f"staff{200 + n}@example.org",
                    role,
                    team if n % 2 == 0 else "",
                    _date_text(started, rng) if n % 3 else started.strftime("%d/%m/%Y"),
                ]
            )
        if already is not None:
            user = already.user
            out.writerow(
                ["ST-199", user.first_name, user.last_name, user.email, "Supporter", "", ""]
            )
    return path


def write_previous_system_attendance(
    organisation: Organisation, path: Path, *, rows: int = 600, clients: int = 3000, seed: int = 14
) -> Path:
    """Registers of the organisation's spaces, by the people file's ids (never the possible
    duplicates that file's import skips) and the dates the spaces met in the last year."""
    rng = random.Random(seed)
    today = timezone.localdate()
    sessions = list(
        Session.objects.filter(
            organisation=organisation,
            cancelled_at__isnull=True,
            on__lt=today,
            on__gte=today - timedelta(days=365),
        )
        .order_by("id")
        .values_list("space__name", "on")
    )
    people = [n for n in range(clients) if n % 50 != 7]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(ATTENDANCE_HEADER)
        if sessions:
            for _ in range(rows):
                space, day = rng.choice(sessions)
                out.writerow([f"CB-{10000 + rng.choice(people)}", space, _date_text(day, rng)])
    return path
