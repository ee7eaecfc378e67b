"""Load one file into Arrow columns, normalize them, write them as Parquet and profile them.

This is the in-process path (tests, benchmarks, tools). The worker and `bot.py plot` run it inside
a memory- and CPU-limited child process through `ingest.jail.ingest_in_child`.

Readers raise `UserError`s for what the person can fix; any other exception a parser throws on a
hostile or broken file is turned into `UnparseableFile` here, with a short reason and no traceback
text (the traceback goes to the log).
"""

from __future__ import annotations

import csv
import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException

from core.errors import (
    EmptyFile,
    FileTooDemanding,
    FileTooLarge,
    TooManyColumns,
    UnparseableFile,
    UserError,
)
from ingest.arrow_pandas import to_pandas, write_parquet
from ingest.detect import detect_kind
from ingest.limits import IngestLimits
from ingest.normalize import normalize_columns
from ingest.profile import DataProfile
from ingest.profiling import profile_table
from ingest.readers.delimited import read_delimited
from ingest.readers.excel import SheetChoice, read_xlsx
from ingest.readers.json_records import read_json
from ingest.readers.parquet import read_parquet
from ingest.table import KIND_LABELS, FileKind, LoadedTable, RowsRead

__all__ = ["PARQUET_NAME", "IngestedData", "LoadedTable", "ingest_file", "load_file"]

logger = logging.getLogger(__name__)

PARQUET_NAME = "data.parquet"
MEMORY_REASON = "it needs more memory to unpack than I may use for one file"
_MAX_REASON_CHARS = 160
_T = TypeVar("_T")
_PATHS = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/]+){2,}")


@dataclass(frozen=True, eq=False)
class IngestedData:
    """A file ready for planning: where its normalized Parquet was written, and its profile."""

    parquet_path: Path
    profile: DataProfile
    peak_rss_bytes: int | None = None  # the ingest child's peak resident memory, when jailed
    cpu_s: float | None = None  # and the CPU seconds it used (its own, its threads' included)

    def read_frame(self) -> pd.DataFrame:
        """The normalized table as pandas reads it (as the sandbox does); for tests and tools."""
        return to_pandas(pq.read_table(self.parquet_path))


def check_size(path: Path, file_name: str, limits: IngestLimits) -> int:
    """The file's size, after refusing an empty or oversized one (before anything else starts)."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileTooLarge(file_name, size, limits.max_bytes)
    if size == 0:
        raise EmptyFile(file_name)
    return size


def load_file(
    path: Path,
    file_name: str,
    limits: IngestLimits,
    *,
    sheet: SheetChoice = None,
    on_rows: RowsRead | None = None,
    scratch: Path | None = None,
) -> LoadedTable:
    """Read `path` into raw columns, choosing the reader from its name and first bytes.

    Args:
        path: the downloaded file.
        file_name: the name the person gave it; used for the kind and in messages.
        limits: size, row and column limits.
        sheet: for workbooks, the sheet to read (a name, any case, or a 1-based number).
        on_rows: told how many rows have been read so far, as reading goes.
        scratch: a folder for temporary copies (a UTF-8 copy of other encodings); a temporary
            folder, removed afterwards, when None.

    Raises:
        UserError: a subclass saying what is wrong with the file.
    """
    check_size(path, file_name, limits)
    kind = detect_kind(path, file_name)
    folder = scratch or Path(tempfile.mkdtemp(prefix="chartroom-ingest-"))
    try:
        return _guarded(
            file_name, kind, lambda: _read(path, file_name, limits, kind, sheet, on_rows, folder)
        )
    finally:
        if scratch is None:
            shutil.rmtree(folder, ignore_errors=True)


def ingest_file(
    path: Path,
    file_name: str,
    workdir: Path,
    limits: IngestLimits,
    *,
    sheet: SheetChoice = None,
    on_rows: RowsRead | None = None,
) -> IngestedData:
    """Load, normalize, write `workdir/data.parquet` and profile one file, in this process.

    Args:
        path: the downloaded file.
        file_name: the name the person gave it.
        workdir: the job's workspace for this file; created if missing.
        limits: size, row and column limits.
        sheet: for workbooks, the sheet to read (a name, any case, or a 1-based number).
        on_rows: told how many rows have been read so far.

    Raises:
        UserError: a subclass saying what is wrong with the file (EmptyFile when no data remains).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ingest-", dir=workdir))
    try:
        loaded = load_file(path, file_name, limits, sheet=sheet, on_rows=on_rows, scratch=scratch)
        if loaded.rows and len(loaded.columns) > limits.max_columns:
            raise TooManyColumns(file_name, len(loaded.columns), limits.max_columns)
        notes = list(loaded.notes)
        normalized = _guarded(
            file_name,
            loaded.kind,
            lambda: normalize_columns(loaded.columns, loaded.labels, decimal=loaded.decimal),
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    table = normalized.table
    if table.num_rows == 0 or table.num_columns == 0:
        raise EmptyFile(file_name)
    parquet_path = workdir / PARQUET_NAME
    _guarded(file_name, loaded.kind, lambda: write_parquet(table, parquet_path))
    profile = profile_table(
        table,
        file_name=file_name,
        file_kind=loaded.kind,
        notes=[*notes, *normalized.notes],
        sheet=loaded.sheet,
        sheets=loaded.sheets,
    )
    return IngestedData(parquet_path=parquet_path, profile=profile)


def _read(
    path: Path,
    file_name: str,
    limits: IngestLimits,
    kind: FileKind,
    sheet: SheetChoice,
    on_rows: RowsRead | None,
    scratch: Path,
) -> LoadedTable:
    if kind in ("csv", "tsv"):
        return read_delimited(path, file_name, limits, kind, scratch=scratch, on_rows=on_rows)
    if kind == "xlsx":
        return read_xlsx(path, file_name, limits, sheet=sheet, on_rows=on_rows)
    if kind == "json":
        return read_json(path, file_name, limits)
    return read_parquet(path, file_name, limits, on_rows=on_rows)


def _guarded(file_name: str, kind: str, step: Callable[[], _T]) -> _T:
    """Run a parsing step; what isn't a `UserError` becomes `UnparseableFile` (or
    `FileTooDemanding` when memory ran out: in the ingest child, that is its memory limit)."""
    try:
        return step()
    except UserError:
        raise
    except (MemoryError, pa.ArrowMemoryError) as exc:
        logger.warning("out of memory reading %r as %s", file_name, kind)
        raise FileTooDemanding(file_name, MEMORY_REASON) from exc
    except Exception as exc:
        # Hostile files reach every corner of every parser; the person gets a short reason.
        logger.warning("could not parse %r as %s", file_name, kind, exc_info=True)
        raise UnparseableFile(file_name, KIND_LABELS.get(kind, kind), _reason(exc)) from exc


def _reason(exc: Exception) -> str:
    chain = _chain(exc)
    if any(isinstance(link, DefusedXmlException) for link in chain):
        return "it declares XML entities, which I refuse to expand for safety"
    if any(isinstance(link, SyntaxError) for link in chain) or "invalid XML" in str(exc):
        return "its XML is damaged"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return "it holds a number with thousands of digits"
    if isinstance(exc, UnicodeError):
        return "its text encoding isn't one I recognise; save it as UTF-8"
    if isinstance(exc, zipfile.BadZipFile | KeyError) and "zip" in str(exc).lower():
        return "the .xlsx (zip) container is damaged"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, csv.Error):
        return f"the rows don't line up ({_first_line(exc)})"
    if isinstance(exc, pa.ArrowException):
        return f"the data is damaged ({_first_line(exc)})"
    return f"the file is damaged or in a layout I don't know ({type(exc).__name__})"


def _chain(exc: BaseException) -> list[BaseException]:
    links: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in links and len(links) < 10:
        links.append(current)
        current = current.__cause__ or current.__context__
    return links


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = _PATHS.sub("…", text)  # no server paths in messages to Slack
    return text if len(text) <= _MAX_REASON_CHARS else text[: _MAX_REASON_CHARS - 1] + "…"
