"""An archive says which version made it; an earlier version's archive is restored with the
columns and tables added since given their defaults, and every header is checked before a row
is written (decision 0104)."""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from alongside.access.models import LocalWord, Membership, Organisation
from alongside.archive import restoring
from alongside.archive.checking import EARLIER, LATER, SAME, UNRECORDED, archive_version
from alongside.archive.models import RestoredAuditEvent
from alongside.archive.schema import MIGRATIONS_KEY, VERSION_KEY, schema_migrations
from alongside.archive.services import ArchiveError, export_organisation, restore
from alongside.archive.tests.builders import WORDS, full_organisation
from alongside.audit import actions
from alongside.audit.models import AuditEvent
from alongside.connections.models import VolunteerProfile
from alongside.people.models import Person
from alongside.referrals.models import ReferralIn, ReferralOut
from alongside.testing.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-01 09:00:00+00:00")]

UNRECORDED_PACKAGE = None  # an archive from before archives said their version
# Columns added to volunteer_profiles after session 5's archives: a null date, a boolean with a
# default, and text with a default.
ADDED = ["lived_experience_consent_on", "lived_experience_consent", "lived_experience_words"]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    organisation, lead = full_organisation()
    path = tmp_path / "archive.zip"
    export_organisation(organisation, lead, path)
    return path


def _rewrite(
    path: Path,
    *,
    drop_columns: dict[str, list[str]] | None = None,
    rename: dict[str, dict[str, str]] | None = None,
    drop_tables: tuple[str, ...] = (),
    drop_files: tuple[str, ...] = (),
    migrations: dict[str, str] | None = UNRECORDED_PACKAGE,
    cells: dict[str, dict[str, str]] | None = None,
    name: str = "older.zip",
) -> Path:
    """A copy of the archive as another version would have written it: columns and tables
    left out (from the CSV files and datapackage.json), columns renamed, and its version."""
    drop_columns = drop_columns or {}
    rename = rename or {}
    cells = cells or {}  # table -> column -> the value every row holds (and no foreign key)
    out = path.with_name(name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        package = json.loads(source.read("datapackage.json"))
        package.pop(VERSION_KEY)
        package.pop(MIGRATIONS_KEY)
        if migrations is not None:
            package[VERSION_KEY] = "0.1.0"
            package[MIGRATIONS_KEY] = migrations
        package["resources"] = [r for r in package["resources"] if r["name"] not in drop_tables]
        for resource in package["resources"]:
            gone = drop_columns.get(resource["name"], [])
            renamed = rename.get(resource["name"], {})
            fields = resource["schema"]["fields"]
            keys = resource["schema"].get("foreignKeys", [])
            resource["schema"]["foreignKeys"] = [
                key for key in keys if key["fields"][0] not in cells.get(resource["name"], {})
            ]
            resource["schema"]["fields"] = [
                {**f, "name": renamed.get(f["name"], f["name"])}
                for f in fields
                if f["name"] not in gone
            ]
        target.writestr("datapackage.json", json.dumps(package))
        for member in source.namelist():
            table = member.removesuffix(".csv")
            if member == "datapackage.json" or member in drop_files or table in drop_tables:
                continue
            data = source.read(member)
            if table in drop_columns or table in rename or table in cells:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
                for column, value in cells.get(table, {}).items():
                    at = rows[0].index(column)
                    for row in rows[1:]:
                        row[at] = value
                keep = [i for i, c in enumerate(rows[0]) if c not in drop_columns.get(table, [])]
                rows[0] = [rename.get(table, {}).get(c, c) for c in rows[0]]
                buffer = io.StringIO(newline="")
                csv.writer(buffer).writerows([[row[i] for i in keep] for row in rows])
                data = buffer.getvalue().encode("utf-8")
            target.writestr(member, data)
    return out


def _nothing_written(organisation: Organisation) -> None:
    assert not Person.objects.filter(organisation=organisation).exists()
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert not RestoredAuditEvent.objects.filter(organisation=organisation).exists()
    assert not AuditEvent.objects.filter(organisation=organisation).exists()


def _earlier_migrations() -> dict[str, str]:
    """This version's migrations with one app a migration behind: an earlier version's."""
    ours = dict(schema_migrations())
    app, last = "connections", ours["connections"]
    number = int(last[:4])
    names = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    ours[app] = next(n for a, n in names if a == app and n.startswith(f"{number - 1:04d}_"))
    return ours


def test_an_archive_says_which_version_made_it(archive: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        package = json.loads(zf.read("datapackage.json"))
        readme = zf.read("README.txt").decode()
    assert package[MIGRATIONS_KEY] == schema_migrations()
    assert package[MIGRATIONS_KEY]["people"].startswith("00")
    assert package[VERSION_KEY] == "0.1.0"
    assert archive_version(package).age == SAME
    assert "alongside:migrations" in readme
    assert archive_version({"created": "2026-12-06T14:25:20Z"}).age == UNRECORDED
    assert archive_version({MIGRATIONS_KEY: _earlier_migrations()}).age == EARLIER
    later = {**schema_migrations(), "people": "9999_from_the_future"}
    assert archive_version({MIGRATIONS_KEY: later}).age == LATER


@pytest.mark.parametrize("migrations", [None, "earlier"])
def test_an_earlier_archive_without_columns_and_tables_added_since_is_restored(
    archive: Path, migrations: str | None
) -> None:
    older = _rewrite(
        archive,
        drop_columns={"volunteer_profiles": ADDED, "workers": ["leaving_on", "languages"]},
        drop_tables=("local_words", "milestone_shares"),
        migrations=_earlier_migrations() if migrations else None,
    )
    copy = OrganisationFactory(slug="copy")
    summary = restore(older, copy, None)

    profile = VolunteerProfile.objects.get(organisation=copy)
    assert profile.lived_experience == ["bereavement"]  # carried
    assert profile.lived_experience_consent is False  # its default
    assert profile.lived_experience_consent_on is None  # null
    assert profile.lived_experience_words == ""  # its default
    assert not LocalWord.objects.filter(organisation=copy).exists()
    worker = Membership.objects.filter(organisation=copy).order_by("pk").first()
    assert worker is not None
    assert (worker.leaving_on, worker.languages) == (None, "")
    assert summary.absent_columns == {
        "workers": {"leaving_on": "empty", "languages": "empty"},
        "volunteer_profiles": {
            "lived_experience_consent_on": "empty (null)",
            "lived_experience_consent": "its default, False",
            "lived_experience_words": "its default, ''",
        },
    }
    assert summary.absent_tables == ["local_words", "milestone_shares"]
    assert summary.rows["local_words"] == 0
    assert "earlier version of Alongside" in summary.archive_version
    assert Person.objects.filter(organisation=copy).count() > 1
    event = AuditEvent.objects.get(organisation=copy, action=actions.ARCHIVE_RESTORED)
    assert event.summary["absent_columns"] == {
        "workers": ["languages", "leaving_on"],
        "volunteer_profiles": sorted(ADDED),
    }
    assert event.summary["absent_tables"] == ["local_words", "milestone_shares"]


def test_the_command_line_reports_what_an_earlier_archive_lacked(archive: Path) -> None:
    older = _rewrite(archive, drop_columns={"volunteer_profiles": ADDED[:1]})
    out = io.StringIO()
    call_command("archive", "restore", str(older), organisation="copy", stdout=out)
    printed = out.getvalue()
    assert "Restored " in printed
    assert (
        "The archive was made 2026-12-01 by an earlier version of Alongside, from before "
        "archives recorded their version (alongside-archive/1)." in printed
    )
    assert (
        "volunteer_profiles.csv has no column lived_experience_consent_on: every row was given "
        "empty (null)." in printed
    )


def test_a_current_archive_restores_as_before_with_nothing_reported(archive: Path) -> None:
    out = io.StringIO()
    call_command("archive", "restore", str(archive), organisation="copy", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Restored ")
    profile = VolunteerProfile.objects.get(organisation__slug="copy")
    assert profile.lived_experience_consent_on == date(2026, 10, 1)
    assert profile.lived_experience_words == WORDS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"rename": {"people": {"given_name": "first_name"}}},
            [
                "people.csv, line 1, field first_name: a column this version of Alongside does "
                "not know; the archive was made 2026-12-01 by an earlier version of Alongside, "
                "from before archives recorded their version (alongside-archive/1)",
                "people.csv, line 1, field given_name: this column has no default, so the "
                "archive must give it; the archive was made 2026-12-01 by an earlier version",
            ],
        ),
        (
            {"drop_columns": {"people": ["created_at"]}, "migrations": "same"},
            [
                "people.csv, line 1, field created_at: this column is missing from the header "
                "row; the archive was made 2026-12-01 by this version of Alongside"
            ],
        ),
        (
            {"drop_columns": {"people": ["created_at"]}, "migrations": "later"},
            [
                "people.csv, line 1, field created_at: this column is missing from the header "
                "row; the archive was made 2026-12-01 by a later or different version of "
                "Alongside (0.1.0; migrations this version does not have: "
                "people.9999_from_the_future)"
            ],
        ),
        (
            {"drop_files": ("people.csv",)},
            ["people.csv: missing from the archive"],
        ),
    ],
)
def test_columns_it_does_not_know_or_cannot_fill_are_refused_naming_table_column_version(
    archive: Path, change: dict[str, Any], message: list[str]
) -> None:
    versions: dict[str, Callable[[], dict[str, str]]] = {
        "same": lambda: dict(schema_migrations()),
        "later": lambda: {**schema_migrations(), "people": "9999_from_the_future"},
    }
    if "migrations" in change:
        change = {**change, "migrations": versions[change["migrations"]]()}
    edited = _rewrite(archive, **change)
    copy = OrganisationFactory()
    with pytest.raises(ArchiveError) as refused:
        restore(edited, copy, None)
    for part in message:
        assert part in str(refused.value), str(refused.value)
    _nothing_written(copy)


def test_every_header_is_checked_before_a_row_is_read_or_written(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last table's bad header is found before any table's rows are read, with every other
    problem; the command line answers 2 with the list."""
    edited = _rewrite(
        archive,
        rename={"audit_events": {"hash": "digest"}, "people": {"given_name": "first_name"}},
        drop_columns={"teams": ["name"]},
        migrations=dict(schema_migrations()),
    )
    rows_read: list[str] = []
    real_rows = restoring._Restorer.rows

    def counting(self: restoring._Restorer, name: str) -> Any:
        rows_read.append(name)
        return real_rows(self, name)

    monkeypatch.setattr(restoring._Restorer, "rows", counting)
    copy = OrganisationFactory(slug="copy")
    with pytest.raises(ArchiveError) as refused:
        restore(edited, copy, None)
    message = str(refused.value)
    assert message.startswith("5 problems, found before anything was written:\n"), message
    assert "- teams.csv, line 1, field name: this column is missing" in message
    assert "- people.csv, line 1, field first_name: a column this version" in message
    assert "- people.csv, line 1, field given_name: this column is missing" in message
    assert "- audit_events.csv, line 1, field digest: a column this version" in message
    assert "- audit_events.csv, line 1, field hash: this column is missing" in message
    assert rows_read == []
    _nothing_written(copy)

    with pytest.raises(CommandError) as failed:
        call_command("archive", "restore", str(edited), organisation="copy")
    assert failed.value.returncode == 2
    assert "audit_events.csv, line 1, field digest" in str(failed.value)
    assert rows_read == []


def test_a_first_row_that_does_not_fit_its_header_is_found_before_writing(
    archive: Path,
) -> None:
    with zipfile.ZipFile(archive) as source:
        members = {name: source.read(name) for name in source.namelist()}
    lines = members["spends.csv"].decode().split("\r\n")
    lines[1] += ",extra"
    members["spends.csv"] = "\r\n".join(lines).encode()
    edited = archive.with_name("short.zip")
    with zipfile.ZipFile(edited, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    copy = OrganisationFactory()
    with pytest.raises(ArchiveError, match=r"^spends.csv, line 2: has \d+ fields where the header"):
        restore(edited, copy, None)
    _nothing_written(copy)


def test_an_earlier_archives_need_codes_become_words_of_the_needs_list(archive: Path) -> None:
    """Before referrals migration 0002 a referral's need was a code; it becomes the word of the
    organisation's own needs list with that code, or a word added under it."""
    older = _rewrite(
        archive, cells={"referrals_out": {"need": "MONEY"}, "referrals_in": {"need": "legal"}}
    )
    copy = OrganisationFactory(slug="copy")
    summary = restore(older, copy, None)
    out = ReferralOut.objects.get(organisation=copy)
    assert (out.need.code, out.need.name, out.need.taxonomy.local) == (
        "money",
        "Money, debt or benefits",
        True,
    )
    referral_in = ReferralIn.objects.get(organisation=copy)
    assert (referral_in.need.code, referral_in.need.name) == ("legal", "legal")
    assert summary.rows["referrals_out"] == 1

    current = _rewrite(
        archive,
        cells={"referrals_out": {"need": "money"}},
        migrations=dict(schema_migrations()),
        name="current.zip",
    )
    with pytest.raises(
        ArchiveError, match="referrals_out.csv, line 2, field need: refers to 'money'"
    ):
        restore(current, OrganisationFactory(), None)
