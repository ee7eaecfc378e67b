"""Which attached file is the data, and which sheet a question asks for."""

from __future__ import annotations

import pytest

from core.request import SharedFile
from workers.data_access import ingest_name
from workers.files import choose_attached, is_data_file
from workers.sheet_choice import read_sheet_ask


def file(name: str, filetype: str = "", mimetype: str = "", file_id: str = "F1") -> SharedFile:
    return SharedFile(id=file_id, name=name, filetype=filetype, mimetype=mimetype)


@pytest.mark.parametrize(
    ("shared", "is_data"),
    [
        (file("sales.csv", "csv", "text/csv"), True),
        (file("Untitled", "csv", "text/plain"), True),  # a Slack snippet of type CSV
        (file("Book1.xlsx", "xlsx"), True),
        (file("export", "", "application/vnd.apache.parquet"), True),
        (file("rows.jsonl"), True),
        (file("Screenshot 2024-05-01.png", "png", "image/png"), False),
        (file("data.csv.png", "png", "image/png"), False),  # the image type wins over the name
        (file("notes.pdf", "pdf", "application/pdf"), False),
        (file("clip.mp4", "mp4", "video/mp4"), False),
    ],
)
def test_data_files_are_told_by_slack_type_mime_type_and_name(
    shared: SharedFile, is_data: bool
) -> None:
    assert is_data_file(shared) is is_data


def test_the_first_data_file_is_chosen_and_the_others_are_named() -> None:
    shot = file("shot.png", "png", "image/png", "F1")
    sales = file("sales.csv", "csv", "text/csv", "F2")
    more = file("more.csv", "csv", "text/csv", "F3")
    chosen, skipped = choose_attached([shot, sales, more])
    assert chosen == sales
    assert skipped == ["shot.png", "more.csv"]


def test_a_file_slack_described_by_id_only_is_tried_when_nothing_else_is_data() -> None:
    bare = SharedFile(id="F9")
    chosen, _ = choose_attached([file("shot.png", "png", "image/png"), bare])
    assert chosen == bare
    assert choose_attached([file("shot.png", "png", "image/png")])[0] is None


def test_a_snippet_without_an_extension_is_read_by_its_slack_type() -> None:
    assert ingest_name("Untitled", "csv") == "Untitled.csv"
    assert ingest_name("Untitled", "tsv") == "Untitled.tsv"
    assert ingest_name("sales.csv", "csv") == "sales.csv"
    assert ingest_name("Untitled", "text") == "Untitled"


@pytest.mark.parametrize(
    ("question", "sheet", "rest"),
    [
        ("total revenue by region, use the Data sheet", "Data", "total revenue by region"),
        ("sheet 2: revenue by month", "2", "revenue by month"),
        ("revenue by month from the “Q3 2024” tab", "Q3 2024", "revenue by month"),
        ("use the second sheet", "2", ""),
        ("the third tab, by product", "3", "by product"),
        ("from sheet named Targets plot revenue", "Targets", "plot revenue"),
        ("revenue in this sheet", None, "revenue in this sheet"),
        ("spreadsheet of sales by region", None, "spreadsheet of sales by region"),
        ("top 2 regions", None, "top 2 regions"),
    ],
)
def test_a_sheet_asked_for_is_read_out_of_the_question(
    question: str, sheet: str | None, rest: str
) -> None:
    asked = read_sheet_ask(question)
    assert (asked.sheet, asked.question) == (sheet, rest)
