"""CSV, TSV and friends as people's tools export them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.errors import EmptyFile, TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits
from ingest.load import ingest_file, load_file


def test_latin1_semicolon_export_with_decimal_commas(tmp_path: Path, limits: IngestLimits) -> None:
    text = (
        "Région;Montant (€);Date;Code postal\r\n"
        "Île-de-France;1.234,56;31/01/2024;01000\r\n"
        "Bretagne;-12,5;15/02/2024;35000\r\n"
        "Côte d'Azur;987,00;01/03/2024;06000\r\n"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))

    data = ingest_file(path, "export.csv", tmp_path / "work", limits)

    df = data.read_frame()
    assert list(df.columns) == ["Région", "Montant (€)", "Date", "Code postal"]
    assert df["Région"].tolist() == ["Île-de-France", "Bretagne", "Côte d'Azur"]
    assert df["Montant (€)"].tolist() == [1234.56, -12.5, 987.0]
    assert df["Date"].tolist() == [pd.Timestamp(2024, 1, 31), pd.Timestamp(2024, 2, 15),
                                   pd.Timestamp(2024, 3, 1)]  # fmt: skip
    assert df["Code postal"].tolist() == ["01000", "35000", "06000"]  # leading zeros kept
    notes = " ".join(data.profile.notes)
    assert "Windows-1252" in notes
    assert "decimal comma" in notes
    assert "semicolons" in notes
    assert data.profile.file_kind == "csv"


def test_utf8_bom_does_not_leak_into_first_column_name(
    tmp_path: Path, limits: IngestLimits
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffName,Score\nAda,3\nGrace,5\n".encode())

    table = load_file(path, "bom.csv", limits)

    assert list(table.df.columns) == ["Name", "Score"]
    assert table.notes == []


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_utf16_csv(tmp_path: Path, limits: IngestLimits, delimiter: str) -> None:
    path = tmp_path / "unicode.csv"
    rows = ["Ville", "Habitants"], ["Zürich", "421878"], ["Genève", "203856"]
    path.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode("utf-16"))

    data = ingest_file(path, "unicode.csv", tmp_path / "work", limits)

    assert data.read_frame()["Ville"].tolist() == ["Zürich", "Genève"]
    assert data.read_frame()["Habitants"].tolist() == [421878, 203856]
    assert any("UTF-16" in note for note in data.profile.notes)
    assert data.profile.file_kind == ("tsv" if delimiter == "\t" else "csv")


def test_utf16_without_bom(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("a,b\n1,2\n3,4\n".encode("utf-16-le"))

    table = load_file(path, "nobom.csv", limits)

    assert list(table.df.columns) == ["a", "b"]
    assert len(table.df) == 2


def test_tsv(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "data.tsv"
    path.write_text("city\tpopulation, thousands\nOslo\t709\nBergen\t291\n", encoding="utf-8")

    data = ingest_file(path, "data.tsv", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["city", "population, thousands"]
    assert data.read_frame()["population, thousands"].tolist() == [709, 291]
    assert data.profile.file_kind == "tsv"


def test_pipe_delimited(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "data.txt"
    path.write_text("id|name|amount\n1|a, b|10.5\n2|c|20\n3|d|7\n", encoding="utf-8")

    data = ingest_file(path, "data.txt", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["id", "name", "amount"]
    assert data.read_frame()["name"].tolist() == ["a, b", "c", "d"]
    assert data.read_frame()["amount"].tolist() == [10.5, 20.0, 7.0]


def test_excel_sep_line_sets_the_delimiter(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\na;b\n1;2\n", encoding="utf-8")

    table = load_file(path, "sep.csv", limits)

    assert list(table.df.columns) == ["a", "b"]
    assert table.df.iloc[0].tolist() == ["1", "2"]


def test_quoted_fields_with_delimiters_and_newlines(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('name,comment\n"Smith, J","line one\nline two"\nLee,ok\n', encoding="utf-8")

    table = load_file(path, "quoted.csv", limits)

    assert table.df["name"].tolist() == ["Smith, J", "Lee"]
    assert table.df["comment"].tolist() == ["line one\nline two", "ok"]


def test_line_with_too_many_fields_is_skipped(tmp_path: Path, limits: IngestLimits) -> None:
    lines = ["a,b,c", *(f"{i},{i},{i}" for i in range(20)), "1,2,3,4,5,6", "9,9,9"]
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    table = load_file(path, "ragged.csv", limits)

    assert list(table.df.columns) == ["a", "b", "c"]
    assert len(table.df) == 21


def test_short_lines_are_padded(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2\n3,4,5\n", encoding="utf-8")

    data = ingest_file(path, "short.csv", tmp_path / "work", limits)

    assert data.read_frame()["c"].isna().tolist() == [True, False]


def test_title_lines_above_header_are_skipped(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Quarterly sales report\nExported 2024-05-01\n\nregion,q1,q2\nnorth,1,2\nsouth,3,4\n",
        encoding="utf-8",
    )

    data = ingest_file(path, "report.csv", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["region", "q1", "q2"]
    assert data.read_frame()["q2"].tolist() == [2, 4]
    assert any("title lines" in note for note in data.profile.notes)


def test_na_text_is_a_value_not_a_blank(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "regions.csv"
    path.write_text("region,sales\nNA,1\nEU,2\n", encoding="utf-8")

    data = ingest_file(path, "regions.csv", tmp_path / "work", limits)

    assert data.read_frame()["region"].tolist() == ["NA", "EU"]


def test_single_column(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "one.csv"
    path.write_text("value\n1\n2\n3\n", encoding="utf-8")

    data = ingest_file(path, "one.csv", tmp_path / "work", limits)

    assert data.read_frame()["value"].tolist() == [1, 2, 3]


def test_header_only_csv_is_empty(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b,c\n", encoding="utf-8")

    with pytest.raises(EmptyFile) as caught:
        ingest_file(path, "header.csv", tmp_path / "work", limits)
    assert "header.csv" in caught.value.user_message


def test_rows_that_are_all_blank_cells_leave_nothing(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("a,b\n,\n , \n", encoding="utf-8")

    with pytest.raises(EmptyFile):
        ingest_file(path, "blank.csv", tmp_path / "work", limits)


def test_too_many_rows(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=5, max_columns=10)
    path = tmp_path / "rows.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(6)), encoding="utf-8")

    with pytest.raises(TooManyRows) as caught:
        load_file(path, "rows.csv", limits)
    assert "5 rows" in caught.value.user_message


def test_exactly_max_rows_is_fine(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=5, max_columns=10)
    path = tmp_path / "rows.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(5)), encoding="utf-8")

    assert len(load_file(path, "rows.csv", limits).df) == 5


def test_too_many_columns(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=10, max_columns=5)
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(8)) + "\n" + ",".join("1" * 8) + "\n")

    with pytest.raises(TooManyColumns) as caught:
        load_file(path, "wide.csv", limits)
    assert "8 columns" in caught.value.user_message


def test_unclosed_quote_is_explained(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('a,b\n"never closed,1\n2,3\n', encoding="utf-8")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "quote.csv", limits)
    assert "a quoted value is never closed" in caught.value.user_message


def test_stray_bytes_in_utf8_are_replaced_not_misdecoded(
    tmp_path: Path, limits: IngestLimits
) -> None:
    path = tmp_path / "mostly.csv"
    path.write_bytes("name,city\nJosé,Zürich\n".encode() + b"Bad\xff,x\n")

    table = load_file(path, "mostly.csv", limits)

    assert table.df["city"].tolist() == ["Zürich", "x"]
    assert table.notes == ["Replaced 1 byte that wasn't valid UTF-8 with “\ufffd”"]


def test_day_first_dates_found_beyond_the_first_rows(tmp_path: Path, limits: IngestLimits) -> None:
    # The first 300 rows fit month/day too; only later ones (day 13+) show the order.
    days = pd.date_range("2024-01-01", periods=400, freq="h")
    path = tmp_path / "hours.csv"
    path.write_text("when,n\n" + "".join(f"{d:%d/%m/%Y %H:%M},{i}\n" for i, d in enumerate(days)))

    data = ingest_file(path, "hours.csv", tmp_path / "work", limits)

    assert data.read_frame()["when"].tolist() == list(days)
    assert any("day/month/year" in note for note in data.profile.notes)
