"""Builders for real test files: workbooks, doctored zips, Parquet."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook with one sheet per entry, rows written as given (None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a zip in place, keeping the others as they are."""
    with zipfile.ZipFile(path) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    contents[member] = change(contents[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def cache_formula_results(path: Path, results: dict[str, str]) -> None:
    """Store string results for formula cells, as Excel does when it saves a workbook."""

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        for ref, value in results.items():
            formula = re.search(rf'<c r="{ref}"><f>(.*?)</f><v ?/></c>', text)
            assert formula is not None, ref
            cached = f'<c r="{ref}" t="str"><f>{formula.group(1)}</f><v>{value}</v></c>'
            text = text.replace(formula.group(0), cached)
        return text.encode()

    rewrite_member(path, "xl/worksheets/sheet1.xml", change)
