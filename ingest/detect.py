"""Decide what kind of table a file holds from its name and its first bytes.

The content wins over the name for binary formats (a PNG renamed `.csv` is still a PNG); the name
decides between text formats (JSON or delimited text) when the content alone cannot.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from core.errors import EmptyFile, UnparseableFile, UnsupportedFileType
from ingest.table import FileKind
from ingest.text import utf16_without_bom

SNIFF_BYTES = 64 * 1024

_XLSX_HINT = "open it in Excel, LibreOffice or Google Sheets and save it as .xlsx"

# Signatures of files people attach by mistake, with how to say what they are.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract the data file from it"),
    (b"Rar!\x1a\x07", "a RAR archive; extract the data file from it"),
    (b"\xfd7zXZ\x00", "an xz-compressed file; decompress it first"),
    (b"\x7fELF", "a program, not data"),
    (b"SQLite format 3\x00", "an SQLite database; export a table as CSV"),
    (b"{\\rtf", "a rich-text document"),
    (b"ARROW1", "an Arrow IPC file; save it as Parquet"),
    (b"Obj\x01", "an Avro file; save it as Parquet"),
]
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "an audio file", b"AVI ": "a video"}

# Extensions of text files that are not tables.
_TEXT_NOT_TABLES = {
    "html": "a web page (HTML)",
    "htm": "a web page (HTML)",
    "xml": "an XML document",
    "svg": "an SVG image",
    "md": "a Markdown document",
    "rtf": "a rich-text document",
    "py": "a Python script",
    "js": "a JavaScript file",
    "sql": "an SQL script",
    "yaml": "a YAML file",
    "yml": "a YAML file",
}
_DELIMITED_EXTENSIONS = {"csv", "tsv", "tab", "txt", "psv", "dat"}
_JSON_EXTENSIONS = {"json", "jsonl", "ndjson", "geojson"}
_XLSX_EXTENSIONS = {"xlsx", "xlsm", "xltx", "xltm"}
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def extension(file_name: str) -> str:
    """The lower-case extension of `file_name` without its dot, or ""."""
    _, dot, ext = file_name.rpartition(".")
    return ext.lower() if dot and len(ext) <= 10 else ""


def detect_kind(path: Path, file_name: str) -> FileKind:
    """The kind of table in `path`, or raise a `UserError` saying why it isn't one.

    Args:
        path: the file on disk.
        file_name: the name the person gave it (only its extension is used).
    """
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip():
        raise EmptyFile(file_name)
    ext = extension(file_name)

    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path, file_name, ext)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnsupportedFileType(file_name, _ole2_description(ext))
    if head.startswith(b"PAR1"):
        return "parquet"
    if ext == "parquet":
        raise UnparseableFile(file_name, "Parquet", "it doesn't start with Parquet's signature")
    if ext in _XLSX_EXTENSIONS:
        raise UnparseableFile(file_name, "an Excel workbook", "it isn't a valid .xlsx (zip) file")
    if ext == "xls":
        raise UnsupportedFileType(file_name, _ole2_description(ext))
    for magic, description in _MAGIC:
        if head.startswith(magic):
            raise UnsupportedFileType(file_name, description)
    if head.startswith(b"RIFF") and head[8:12] in _RIFF_KINDS:
        raise UnsupportedFileType(file_name, _RIFF_KINDS[head[8:12]])

    if not _looks_like_text(head):
        raise UnsupportedFileType(file_name, "binary data, not a text table")
    start = _text_start(head)
    if start.startswith((b"<!doctype html", b"<html")):
        raise UnsupportedFileType(file_name, "a web page (HTML), not a data table")
    if start.startswith(b"<?xml"):
        raise UnsupportedFileType(file_name, f"an XML document; {_XLSX_HINT}")
    if ext in _TEXT_NOT_TABLES:
        raise UnsupportedFileType(file_name, _TEXT_NOT_TABLES[ext])
    if ext in _JSON_EXTENSIONS:
        return "json"
    if ext in ("tsv", "tab"):
        return "tsv"
    if ext not in ("csv", "psv") and start[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _zip_kind(path: Path, file_name: str, ext: str) -> FileKind:
    """A zip is an xlsx only if it holds a workbook part; name the other zip-based formats."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise UnparseableFile(file_name, "a zip file", "the zip archive is damaged") from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise UnsupportedFileType(file_name, f"a binary Excel .xlsb workbook; {_XLSX_HINT}")
        return "xlsx"
    if "word/document.xml" in names:
        raise UnsupportedFileType(file_name, "a Word document")
    if "ppt/presentation.xml" in names:
        raise UnsupportedFileType(file_name, "a PowerPoint presentation")
    if b"opendocument.spreadsheet" in mimetype:
        raise UnsupportedFileType(file_name, f"an OpenDocument spreadsheet; {_XLSX_HINT}")
    if b"opendocument" in mimetype:
        raise UnsupportedFileType(file_name, "an OpenDocument file")
    if any(name.startswith("Index/") for name in names) or ext == "numbers":
        raise UnsupportedFileType(file_name, "an Apple Numbers file; export it as .xlsx or CSV")
    if ext in _XLSX_EXTENSIONS:
        raise UnparseableFile(file_name, "an Excel workbook", "it has no workbook inside")
    raise UnsupportedFileType(file_name, "a zip archive; extract the data file from it")


def _ole2_description(ext: str) -> str:
    # Old Office files and password-protected new ones share the OLE2 container.
    if ext in _XLSX_EXTENSIONS:
        return "a password-protected Excel workbook; remove the password and save it again"
    if ext in ("doc", "dot"):
        return "an old-style Word document"
    if ext in ("ppt", "pps"):
        return "an old-style PowerPoint presentation"
    return f"an old-style Excel .xls workbook; {_XLSX_HINT}"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if utf16_without_bom(head) is not None:
        return True
    if b"\x00" in head:
        return False
    return len(_CONTROL_BYTES.findall(head)) <= len(head) // 100


def _text_start(head: bytes) -> bytes:
    """The first non-blank bytes of a text head, lower-cased, with any BOM or UTF-16 removed."""
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    encoding = utf16_without_bom(head)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf_16"
    if encoding is not None:
        head = head[:512].decode(encoding, "ignore").encode("utf_8", "ignore")
    return head[:512].lstrip().lower()
