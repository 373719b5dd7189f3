"""Reading import files (pure): encodings, workbooks, dates, and refusing hostile files."""

import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.imports.reading import (
    FileRefused,
    Limits,
    detect_encoding,
    open_table,
    read_date,
    read_moment,
    text_of,
)


def rows_of(path, limits=None):
    with open_table(path, limits or Limits()) as table:
        return table.header, list(table.rows)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("id,name\n1,Zoë\n".encode(), "utf-8"),
        ("\ufeffid,name\n1,Zoë\n".encode(), "utf-8-sig"),
        ("id,name\n1,Zoë\n".encode("cp1252"), "cp1252"),
    ],
)
def test_the_encoding_is_recognised_and_the_text_read_right(tmp_path, raw, encoding):
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    assert detect_encoding(path) == encoding
    header, rows = rows_of(path)
    assert header == ["id", "name"] and rows == [(2, ["1", "Zoë"])]


def test_text_that_is_neither_utf8_nor_windows_1252_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"id,name\n1,\x81\x8d\n")
    with pytest.raises(FileRefused, match="neither UTF-8 nor Windows-1252"):
        rows_of(path)


def test_line_numbers_count_the_header_blank_lines_and_lines_inside_quotes(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('id,note\n1,"two\nlines"\n\n2,x\n', encoding="utf-8")
    assert rows_of(path)[1] == [(2, ["1", "two\nlines"]), (5, ["2", "x"])]


def test_semicolons_are_recognised(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id;name\n1;Bo\n", encoding="utf-8")
    assert rows_of(path) == (["id", "name"], [(2, ["1", "Bo"])])


def test_a_workbook_is_streamed_with_its_dates_and_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "name", "born"])
    sheet.append([1, "Łucja", datetime(1975, 2, 1)])  # noqa: DTZ001 - a workbook has no zones
    sheet.append([2, "Bo", 27426])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    header, rows = rows_of(path)
    assert header == ["id", "name", "born"]
    assert rows[0][0] == 2 and text_of(rows[0][1][0]) == "1" and rows[0][1][1] == "Łucja"
    assert read_date(rows[0][1][2]) == date(1975, 2, 1) == read_date(rows[1][1][2])


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    with pytest.raises(FileRefused, match="zip bomb"):
        rows_of(path)


def test_a_zip_that_is_not_a_workbook_and_binary_are_refused(tmp_path):
    archive_path = tmp_path / "not.xlsx"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        rows_of(archive_path)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(FileRefused, match="not a CSV or XLSX"):
        rows_of(binary)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(FileRefused, match="damaged"):
        rows_of(damaged)


def test_huge_cells_too_many_columns_and_big_files_are_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id,note\n1,ok\n2," + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="Line 3: a cell is longer than 100"):
        rows_of(path, Limits(max_cell=100))
    with pytest.raises(FileRefused, match="columns"):
        rows_of(path, Limits(max_columns=1))
    with pytest.raises(FileRefused, match="files up to"):
        rows_of(path, Limits(max_bytes=10))
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="empty"):
        rows_of(empty)


def test_a_huge_cell_in_a_workbook_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "note"])
    workbook.active.append([1, "x" * 500])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    with pytest.raises(FileRefused, match="Row 2: a cell is longer than 100"):
        rows_of(path, Limits(max_cell=100))


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026-12-05T10:30:00Z", date(2026, 12, 5)),
        ("05/12/2026", date(2026, 12, 5)),
        ("5/12/2026", date(2026, 12, 5)),
        ("05.12.2026", date(2026, 12, 5)),
        ("46361", date(2026, 12, 5)),
        (46361, date(2026, 12, 5)),
        (46361.5, date(2026, 12, 5)),
        (datetime(2026, 12, 5, 9, 0), date(2026, 12, 5)),  # noqa: DTZ001
        ("", None),
        (None, None),
    ],
)
def test_dates_in_iso_uk_and_excel_forms(cell, day):
    assert read_date(cell) == day


@pytest.mark.parametrize("cell", ["12/31/2026", "31/02/2026", "next tuesday", "0", "2026-13-01"])
def test_what_is_not_a_date_says_so(cell):
    with pytest.raises(ValueError, match="not a d"):
        read_date(cell)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2099, 12, 31)))
def test_every_form_of_a_date_reads_back_as_that_date(day):
    serial = (day - date(1899, 12, 30)).days
    assert read_date(day.isoformat()) == day
    assert read_date(day.strftime("%d/%m/%Y")) == day
    assert read_date(serial) == day == read_date(str(serial))


@pytest.mark.parametrize(
    ("cell", "moment"),
    [
        ("2026-12-05 14:30", (date(2026, 12, 5), time(14, 30))),
        ("2026-12-05T09:05:00", (date(2026, 12, 5), time(9, 5))),
        ("05/12/2026 14:30", (date(2026, 12, 5), time(14, 30))),
        ("05/12/2026", (date(2026, 12, 5), None)),
        (datetime(2026, 12, 5, 14, 30, 59), (date(2026, 12, 5), time(14, 30))),  # noqa: DTZ001
        ("", None),
    ],
)
def test_a_moment_is_a_date_with_its_time_when_it_has_one(cell, moment):
    assert read_moment(cell) == moment


def test_a_time_that_is_not_one_says_so():
    with pytest.raises(ValueError, match="not a time of day"):
        read_moment("05/12/2026 25:61")
