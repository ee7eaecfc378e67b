"""Files that are not tables, whatever their names say."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from core.errors import EmptyFile, FileTooLarge, UnparseableFile, UnsupportedFileType
from ingest.detect import detect_kind
from ingest.limits import IngestLimits
from ingest.load import load_file
from tests.ingest.files import write_xlsx

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_empty_file(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(EmptyFile):
        load_file(path, "empty.csv", limits)


def test_blank_file(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\r\n  \n\t\n")

    with pytest.raises(EmptyFile):
        load_file(path, "blank.csv", limits)


def test_binary_junk_named_csv(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(random.Random(7).randbytes(8192))

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, "junk.csv", limits)
    assert "binary data" in caught.value.user_message


def test_png_named_csv(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "chart.csv"
    path.write_bytes(PNG + b"\x00" * 100)

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, "chart.csv", limits)
    assert "a PNG image" in caught.value.user_message


def test_legacy_xls_asks_for_xlsx(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(OLE2)

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, "old.xls", limits)
    assert ".xls workbook" in caught.value.user_message
    assert "save it as .xlsx" in caught.value.user_message


def test_password_protected_xlsx(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE2)

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, "locked.xlsx", limits)
    assert "password" in caught.value.user_message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        ("data.csv.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        ("page.csv", b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
        ("notes.md", b"# Notes\n\nsome text\n", "Markdown"),
        ("data.xml", b'<?xml version="1.0"?><rows/>', "XML"),
    ],
)
def test_other_types_are_refused(
    tmp_path: Path, limits: IngestLimits, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, name, limits)
    assert expected in caught.value.user_message
    assert name in caught.value.user_message


def test_word_document(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "memo.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, "memo.docx", limits)
    assert "Word document" in caught.value.user_message


def test_plain_zip(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")

    with pytest.raises(UnsupportedFileType) as caught:
        load_file(path, "bundle.zip", limits)
    assert "zip archive" in caught.value.user_message


def test_parquet_name_without_parquet_content(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "fake.parquet"
    path.write_bytes(b"a,b\n1,2\n")

    with pytest.raises(UnparseableFile):
        load_file(path, "fake.parquet", limits)


def test_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"n\n" + b"1\n" * 600)

    with pytest.raises(FileTooLarge) as caught:
        load_file(path, "big.csv", IngestLimits(max_bytes=1000, max_rows=10_000, max_columns=5))
    assert "big.csv" in caught.value.user_message


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.csv", b"a,b\n1,2\n", "csv"),
        ("a.tsv", b"a\tb\n1\t2\n", "tsv"),
        ("a.txt", b'[{"a": 1}]', "json"),
        ("a", b'{"a": [1]}', "json"),
        ("a.json", b"\xef\xbb\xbf[]", "json"),
        ("export", b"a;b\n1;2\n", "csv"),
    ],
)
def test_text_kinds(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)

    assert detect_kind(path, name) == kind


def test_xlsx_is_recognised_whatever_its_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", {"S": [["a"], [1]]})

    assert detect_kind(path, "download.csv") == "xlsx"
