"""Load one file into a table, normalize it, write it as Parquet and profile it.

Readers raise `UserError`s for what the person can fix; any other exception a parser throws on a
hostile or broken file is turned into `UnparseableFile` here, with a short reason and no traceback
text (the traceback goes to the log).
"""

from __future__ import annotations

import csv
import json
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException

from core.errors import EmptyFile, FileTooLarge, TooManyColumns, UnparseableFile, UserError
from ingest.detect import detect_kind
from ingest.limits import IngestLimits
from ingest.normalize import normalize_frame
from ingest.profile import DataProfile
from ingest.profiling import build_profile
from ingest.readers.delimited import read_delimited
from ingest.readers.excel import read_xlsx
from ingest.readers.json_records import read_json
from ingest.readers.parquet import read_parquet
from ingest.table import KIND_LABELS, FileKind, LoadedTable

__all__ = ["IngestedData", "LoadedTable", "ingest_file", "load_file"]

logger = logging.getLogger(__name__)

PARQUET_NAME = "data.parquet"
_MAX_REASON_CHARS = 160
_T = TypeVar("_T")
_PATHS = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/]+){2,}")


@dataclass(frozen=True, eq=False)
class IngestedData:
    """A file ready for planning: the normalized frame, where it was written, and its profile."""

    df: pd.DataFrame
    parquet_path: Path
    profile: DataProfile


def load_file(path: Path, file_name: str, limits: IngestLimits) -> LoadedTable:
    """Read `path` into a raw table, choosing the reader from its name and first bytes.

    Args:
        path: the downloaded file.
        file_name: the name the person gave it; used for the kind and in messages.
        limits: size, row and column limits.

    Raises:
        UserError: a subclass saying what is wrong with the file.
    """
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileTooLarge(file_name, size, limits.max_bytes)
    if size == 0:
        raise EmptyFile(file_name)
    kind = detect_kind(path, file_name)
    return _guarded(file_name, kind, lambda: _read(path, file_name, limits, kind))


def ingest_file(path: Path, file_name: str, workdir: Path, limits: IngestLimits) -> IngestedData:
    """Load, normalize, write `workdir/data.parquet` and profile one file.

    Args:
        path: the downloaded file.
        file_name: the name the person gave it.
        workdir: the job's workspace for this file; created if missing.
        limits: size, row and column limits.

    Raises:
        UserError: a subclass saying what is wrong with the file (EmptyFile when no data remains).
    """
    loaded = load_file(path, file_name, limits)
    normalized = _guarded(
        file_name, loaded.kind, lambda: normalize_frame(loaded.df, decimal=loaded.decimal)
    )
    df = normalized.df
    if df.empty or df.shape[1] == 0:
        raise EmptyFile(file_name)
    if df.shape[1] > limits.max_columns:
        raise TooManyColumns(file_name, df.shape[1], limits.max_columns)
    notes = [*loaded.notes, *normalized.notes]
    workdir.mkdir(parents=True, exist_ok=True)
    parquet_path = workdir / PARQUET_NAME
    _guarded(file_name, loaded.kind, lambda: df.to_parquet(parquet_path, index=False))
    profile = build_profile(df, file_name=file_name, file_kind=loaded.kind, notes=notes)
    return IngestedData(df=df, parquet_path=parquet_path, profile=profile)


def _read(path: Path, file_name: str, limits: IngestLimits, kind: FileKind) -> LoadedTable:
    if kind in ("csv", "tsv"):
        return read_delimited(path, file_name, limits, kind)
    if kind == "xlsx":
        return read_xlsx(path, file_name, limits)
    if kind == "json":
        return read_json(path, file_name, limits)
    return read_parquet(path, file_name, limits)


def _guarded(file_name: str, kind: str, step: Callable[[], _T]) -> _T:
    """Run a parsing step; what isn't a `UserError` becomes `UnparseableFile`."""
    try:
        return step()
    except UserError:
        raise
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
    if isinstance(exc, MemoryError):
        return "it needs more memory to unpack than I have"
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
    if isinstance(exc, pd.errors.ParserError) and "EOF inside string" in str(exc):
        return 'a quoted value is never closed (look for a stray " character)'
    if isinstance(exc, pd.errors.ParserError | csv.Error):
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
