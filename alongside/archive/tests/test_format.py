"""The archive is a documented, self-consistent Frictionless data package another system can
join up, and no cell runs as a spreadsheet formula."""

import re
import zipfile
from pathlib import Path

import pytest

from alongside.archive.cells import archive_id, canonical, escape, from_cell, to_cell, unescape
from alongside.archive.services import export_organisation
from alongside.archive.tests.builders import full_organisation, read_archive, read_package

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-01 09:00:00+00:00")]

TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "time", "object", "array"}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    organisation, lead = full_organisation()
    path = tmp_path / "archive.zip"
    export_organisation(organisation, lead, path)
    return path


def test_every_table_and_column_is_described_and_typed(archive: Path) -> None:
    package = read_package(archive)
    assert package["profile"] == "tabular-data-package"
    tables = read_archive(archive)
    names = {resource["name"] for resource in package["resources"]}
    assert names == set(tables)
    with zipfile.ZipFile(archive) as zf:
        assert "Frictionless" in zf.read("README.txt").decode()
    for resource in package["resources"]:
        assert resource["path"] == f"{resource['name']}.csv" and resource["description"]
        fields = resource["schema"]["fields"]
        assert list(tables[resource["name"]][0]) == [f["name"] for f in fields]
        for field in fields:
            where = f"{resource['name']}.{field['name']}"
            assert field["type"] in TYPES, where
            words = field["description"]
            assert len(words.split()) >= 2 and words.endswith((".", ")")), where
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in names


def test_every_reference_joins_a_row_that_is_there(archive: Path) -> None:
    package = read_package(archive)
    tables = read_archive(archive)
    ids = {name: {row["id"] for row in rows if "id" in row} for name, rows in tables.items()}
    for resource in package["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            column, target = key["fields"][0], key["reference"]["resource"]
            for row in tables[resource["name"]]:
                assert row[column] in ids[target] | {""}, (resource["name"], column)
    every_id = [i for rows in tables.values() for row in rows for i in [row.get("id")] if i]
    assert len(every_id) == len(set(every_id)), "ids are unique across the whole archive"


def test_no_cell_runs_as_a_formula(archive: Path) -> None:
    for name, rows in read_archive(archive).items():
        for row in rows:
            for column, cell in row.items():
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, column, cell)
                if cell.startswith("-"):  # only a number (a spreadsheet shows it as one)
                    assert re.fullmatch(r"-\d+(\.\d+)?", cell), (name, column, cell)


@pytest.mark.parametrize(
    "text", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "plain", ""]
)
def test_escaping_is_lossless(text: str) -> None:
    assert unescape(escape(text)) == text
    assert from_cell(to_cell(text, "string"), "string") == text
    assert not escape(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_ids_are_stable_and_do_not_show_the_database_number() -> None:
    first = archive_id(b"key", 1, "people", 7)
    assert first == archive_id(b"key", 1, "people", 7)
    assert first not in {archive_id(b"key", 2, "people", 7), archive_id(b"key", 1, "teams", 7)}
    assert len(first) == 36 and first.count("-") == 4


def test_canonical_ignores_ids_but_not_references() -> None:
    a = {"t": [{"id": "x", "v": "1"}], "u": [{"id": "y", "t": "x"}]}
    b = {"t": [{"id": "p", "v": "1"}], "u": [{"id": "q", "t": "p"}]}
    refs = {"u": {"t": "t"}}
    assert canonical(a, refs) == canonical(b, refs)
    b["u"][0]["t"] = "nowhere"
    assert canonical(a, refs) != canonical(b, refs)
