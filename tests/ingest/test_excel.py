"""Excel workbooks: sheets, formulas, limits and hostile containers."""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core.errors import EmptyFile, SheetNotFound, TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits
from ingest.load import ingest_file, load_file
from tests.ingest.files import cache_formula_results, rewrite_member, write_xlsx


def test_reads_second_sheet_when_first_is_empty(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Cover": [],
            "Sales": [
                ["region", "month", "revenue"],
                ["North", dt.datetime(2024, 1, 1), 1200.5],
                ["South", dt.datetime(2024, 2, 1), 800],
            ],
        },
    )

    data = ingest_file(path, "book.xlsx", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["region", "month", "revenue"]
    assert data.read_frame()["month"].tolist() == [
        pd.Timestamp(2024, 1, 1),
        pd.Timestamp(2024, 2, 1),
    ]
    assert data.read_frame()["revenue"].tolist() == [1200.5, 800.0]
    assert data.profile.file_kind == "xlsx"
    assert data.profile.notes[0] == "Read sheet “Sales” (“Cover” before it was empty)"
    assert data.profile.column("month").role == "time"


def test_header_is_first_non_empty_row(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(
        tmp_path / "offset.xlsx",
        {"Data": [[], [None, None], [None, "name", "qty"], [None, "a", 1], [None, "b", 2]]},
    )

    data = ingest_file(path, "offset.xlsx", tmp_path / "work", limits)

    # The leading empty column is dropped and named-less columns never reach the profile.
    assert list(data.read_frame().columns) == ["name", "qty"]
    assert data.read_frame()["qty"].tolist() == [1, 2]


def test_formula_cells_read_as_values_or_text(tmp_path: Path, limits: IngestLimits) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Links"
    sheet.append(["name", "link", "note", "total"])
    sheet.append(["a", '=HYPERLINK("http://x","y")', "plain", "=1+1"])
    sheet.append(["b", '=HYPERLINK("http://z","w")', None, "=2+2"])
    text_cell = sheet.cell(row=3, column=3)
    text_cell.value = "=not a formula"
    text_cell.data_type = "s"
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    # Excel saves each formula's last result beside it; openpyxl does not, so add them.
    cache_formula_results(path, {"B2": "y", "B3": "w", "D2": "2"})

    data = ingest_file(path, "formulas.xlsx", tmp_path / "work", limits)

    assert data.read_frame()["link"].tolist() == ["y", "w"]
    assert data.read_frame()["note"].tolist() == ["plain", "=not a formula"]
    # D3 has no saved result: it is blank rather than formula text.
    assert data.read_frame()["total"].isna().tolist() == [False, True]


def test_empty_workbook(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(tmp_path / "empty.xlsx", {"A": [], "B": [[None, ""]]})

    with pytest.raises(EmptyFile):
        ingest_file(path, "empty.xlsx", tmp_path / "work", limits)


def test_too_many_rows(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=3, max_columns=10)
    path = write_xlsx(tmp_path / "rows.xlsx", {"S": [["n"], [1], [2], [3], [4]]})

    with pytest.raises(TooManyRows):
        load_file(path, "rows.xlsx", limits)


def test_too_many_columns_in_header(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=10, max_columns=5)
    path = write_xlsx(tmp_path / "wide.xlsx", {"S": [[f"c{i}" for i in range(7)], [1] * 7]})

    with pytest.raises(TooManyColumns) as caught:
        load_file(path, "wide.xlsx", limits)
    assert "7 columns" in caught.value.user_message


def test_value_far_to_the_right_counts_as_columns(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=10, max_columns=5)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    sheet.append([1, 2])
    sheet.cell(row=3, column=16000, value="far away")
    path = tmp_path / "far.xlsx"
    workbook.save(path)

    with pytest.raises(TooManyColumns):
        load_file(path, "far.xlsx", limits)


def test_lying_dimension_tag_does_not_pad_rows(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(tmp_path / "dim.xlsx", {"S": [["a", "b"], [1, 2]]})
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:XFD1048576"/>'),
    )

    started = time.monotonic()
    table = load_file(path, "dim.xlsx", limits)

    assert time.monotonic() - started < 5
    assert table.df.shape == (1, 2)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert path.stat().st_size < limits.max_bytes

    started = time.monotonic()
    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "bomb.xlsx", limits)

    assert time.monotonic() - started < 1
    assert "unpacks to 64 MB" in caught.value.user_message


def test_xml_entity_expansion_is_refused(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(tmp_path / "laughs.xlsx", {"S": [["a"], ["x"]]})
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: bomb + xml.replace(b"<t>x</t>", b"<t>&lol3;</t>"),
    )

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "laughs.xlsx", limits)
    assert "XML entities" in caught.value.user_message
    assert "Traceback" not in caught.value.user_message


def test_damaged_workbook_part_is_unparseable(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(tmp_path / "broken.xlsx", {"S": [["a"], [1]]})
    rewrite_member(path, "xl/workbook.xml", lambda _: b"this is not xml")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "broken.xlsx", limits)
    assert "as an Excel workbook" in caught.value.user_message


def test_truncated_xlsx_is_unparseable(tmp_path: Path, limits: IngestLimits) -> None:
    path = write_xlsx(tmp_path / "cut.xlsx", {"S": [["a"], [1]]})
    path.write_bytes(path.read_bytes()[:300])

    with pytest.raises(UnparseableFile):
        load_file(path, "cut.xlsx", limits)


def _three_sheets(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Data": [["region", "revenue"], ["North", 10], ["South", 20]],
            "Notes": [["note"], ["checked by Ana"]],
            "Q3": [["month", "units"], ["Jul", 1], ["Aug", 2], ["Sep", 3]],
        },
    )


def test_first_sheet_is_read_and_the_others_are_named(tmp_path: Path, limits: IngestLimits) -> None:
    data = ingest_file(_three_sheets(tmp_path), "book.xlsx", tmp_path / "work", limits)

    assert data.profile.sheet == "Data"
    assert data.profile.sheets == ["Data", "Notes", "Q3"]
    assert data.profile.notes[0] == "Read sheet “Data” (also in the file: “Notes”, “Q3”)"


@pytest.mark.parametrize("choice", ["q3", " Q3 ", 3, "3"])
def test_sheet_chosen_by_name_in_any_case_or_by_number(
    tmp_path: Path, limits: IngestLimits, choice: str | int
) -> None:
    data = ingest_file(
        _three_sheets(tmp_path), "book.xlsx", tmp_path / "work", limits, sheet=choice
    )

    assert data.read_frame()["units"].tolist() == [1, 2, 3]
    assert data.profile.sheet == "Q3"
    assert data.profile.notes[0] == "Read sheet “Q3”, as asked (also in the file: “Data”, “Notes”)"


@pytest.mark.parametrize(("choice", "wanted"), [("Summary", "named “Summary”"), (4, "number 4")])
def test_unknown_sheet_names_the_sheets_that_exist(
    tmp_path: Path, limits: IngestLimits, choice: str | int, wanted: str
) -> None:
    with pytest.raises(SheetNotFound) as caught:
        ingest_file(_three_sheets(tmp_path), "book.xlsx", tmp_path / "work", limits, sheet=choice)

    message = caught.value.user_message
    assert f"has no sheet {wanted}" in message
    assert "“Data”, “Notes”, “Q3”" in message


def test_first_sheet_without_a_table_is_skipped_and_said(
    tmp_path: Path, limits: IngestLimits
) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {"Cover": [[None], []], "Sales": [["region", "n"], ["EU", 1]], "Q3": [["x"], [1]]},
    )

    data = ingest_file(path, "book.xlsx", tmp_path / "work", limits)

    assert data.profile.sheet == "Sales"
    assert data.profile.notes[0] == (
        "Read sheet “Sales” (“Cover” before it was empty; also in the file: “Q3”)"
    )


def test_rows_over_the_limit_are_counted_before_parsing(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=64 * 1024 * 1024, max_rows=1000, max_columns=10)
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 5002))
    path = write_xlsx(tmp_path / "long.xlsx", {"S": [["n"], [1]]})
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb"<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>".encode(), xml
        ),
    )

    with pytest.raises(TooManyRows):
        load_file(path, "long.xlsx", limits)
