"""Checks on an .xlsx zip before any XML parser sees it: sizes, ratios, entities, row counts.

Sizes come from the central directory; Python's zipfile stops reading a member at its declared
size, so a member cannot lie its way past them. A member that unpacks to hundreds of times its
compressed size (one 500 MB shared string in a 0.5 MB file) is refused, as is any part declaring
XML entities. A sheet's rows are counted by streaming its compressed XML through zlib, which
takes half a second for a 16 MB workbook of 2.1 million rows that openpyxl would parse for
minutes.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from defusedxml import ElementTree

from core.errors import TooManyRows, UnparseableFile
from ingest.limits import IngestLimits, describe_bytes
from ingest.table import KIND_LABELS

MAX_ZIP_ENTRIES = 10_000
# Real spreadsheet parts compress 5-50x; past this ratio (and size) a part is a bomb.
MAX_PART_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 32 * 1024 * 1024
ENTITY_SCAN_BYTES = 64 * 1024
ENTITIES_REASON = "it declares XML entities, which I refuse to expand for safety"
_KIND = KIND_LABELS["xlsx"]
_STREAM_CHUNK = 1024 * 1024
_ROW_ENDS = (b"</row>", b":row>")  # plain, or namespaced (</x:row>)
_OVERLAP = 512  # longer than any row start tag we must see whole across two chunks
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def check_zip_container(path: Path, file_name: str, limits: IngestLimits) -> None:
    """Refuse zips that unpack to far more than they weigh, or whose XML declares entities."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UnparseableFile(
                    file_name, _KIND, f"it holds {len(entries):,} parts, too many"
                )
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > limits.max_unpacked_bytes:
                raise UnparseableFile(file_name, _KIND, _unpacks_reason(unpacked, limits))
            for entry in entries:
                _check_part(archive, entry, file_name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnparseableFile(file_name, _KIND, "the .xlsx (zip) container is damaged") from exc


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, from the workbook and its relationships."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a damaged workbook: openpyxl says so in its own words next
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet") and element.get("name") is not None:
            target = targets.get(element.get(_REL_NS))
            if target:
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                parts[str(element.get("name"))] = posixpath.normpath(member)
    return parts


def check_sheet_rows(path: Path, member: str | None, file_name: str, limits: IngestLimits) -> None:
    """Refuse a sheet whose XML holds more rows with cells than the limit allows (plus a header),
    counting in the compressed stream and stopping as soon as the limit is passed."""
    if member is None:
        return
    allowed = limits.max_rows + 1
    rows = 0
    pending = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while chunk := stream.read(_STREAM_CHUNK):
            pending += chunk
            # Tags ending before `complete` are whole; the rest waits for the next chunk.
            complete = max(len(pending) - _OVERLAP, 0)
            rows += _rows_with_cells(pending, complete)
            if rows > allowed:
                raise TooManyRows(file_name, limits.max_rows)
            pending = pending[complete:]
    if rows + _rows_with_cells(pending, len(pending)) > allowed:
        raise TooManyRows(file_name, limits.max_rows)


def _rows_with_cells(text: bytes, before: int) -> int:
    """Closing row tags ending before `before`: a row without cells closes itself (`<row/>`)
    and is not counted. bytes.count runs in C: millions of rows take a fraction of a second.
    (Formatted blank rows hold styled empty cells and do count; Excel's own limit is a
    million rows, far below the default MAX_ROWS.)"""
    return sum(text.count(tag, 0, before) for tag in _ROW_ENDS)


def _check_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, file_name: str) -> None:
    if entry.file_size >= RATIO_CHECKED_FROM_BYTES and entry.file_size > MAX_PART_RATIO * max(
        entry.compress_size, 1
    ):
        raise UnparseableFile(
            file_name,
            _KIND,
            f"its part {entry.filename} unpacks to {describe_bytes(entry.file_size)} from "
            f"{describe_bytes(entry.compress_size)}, far more than any spreadsheet does",
        )
    name = entry.filename.lower()
    if not name.endswith((".xml", ".rels", ".vml")):
        return
    with archive.open(entry) as stream:
        head = stream.read(ENTITY_SCAN_BYTES)
    if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
        raise UnparseableFile(file_name, _KIND, ENTITIES_REASON)


def _unpacks_reason(unpacked: int, limits: IngestLimits) -> str:
    return (
        f"it unpacks to {describe_bytes(unpacked)}, more than the "
        f"{describe_bytes(limits.max_unpacked_bytes)} I can hold; keep fewer rows or split it "
        "into smaller files"
    )
