"""Read JSON tables: records, columns, records under one key, pandas "split" output, JSON Lines.

Nested objects are flattened two levels deep ("address.city"); deeper values and lists are kept
as JSON text by normalization.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits
from ingest.python_values import columns_from_frame
from ingest.table import LoadedTable
from ingest.text import decode_text

FLATTEN_LEVELS = 2
SHAPES_ACCEPTED = (
    "I read a list of records (`[{...}, {...}]`), an object of equal-length columns "
    '(`{"a": [...], "b": [...]}`), an object holding one list of records '
    '(`{"data": [{...}]}`) or JSON Lines (one record per line)'
)


def read_json(path: Path, file_name: str, limits: IngestLimits) -> LoadedTable:
    decoded = decode_text(path.read_bytes())
    notes = [decoded.note] if decoded.note else []
    text = decoded.text
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        records = _json_lines(text, file_name) if exc.msg == "Extra data" else None
        if records is None:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise UnparseableFile(file_name, "JSON", f"{exc.msg} at {where}") from exc
        notes.append("Read it as JSON Lines, one record per line")
        document = records
    df, shape_note = _to_frame(document, file_name, limits)
    if shape_note:
        notes.append(shape_note)
    if df.shape[1] > limits.max_columns:
        raise TooManyColumns(file_name, df.shape[1], limits.max_columns)
    return LoadedTable(columns_from_frame(df), list(df.columns), "json", notes=notes)


def _json_lines(text: str, file_name: str) -> list[Any] | None:
    records: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if number == 1:
                return None
            raise UnparseableFile(
                file_name, "JSON Lines", f"line {number} isn't valid JSON ({exc.msg})"
            ) from exc
    return records


def _to_frame(
    document: Any, file_name: str, limits: IngestLimits
) -> tuple[pd.DataFrame, str | None]:
    if isinstance(document, list):
        return _from_list(document, file_name, limits), None
    if not isinstance(document, dict) or not document:
        raise UnparseableFile(file_name, "JSON", f"it holds no table. {SHAPES_ACCEPTED}")
    columns, data = document.get("columns"), document.get("data")
    if isinstance(columns, list) and isinstance(data, list) and _is_list_of(data, list):
        # pandas' to_json(orient="split")
        _check_rows(len(data), file_name, limits)
        _check_columns(len(columns), file_name, limits)
        return pd.DataFrame(data, columns=pd.Index(columns, dtype=object)), None
    values = list(document.values())
    if len(values) > 1 and all(isinstance(v, list) for v in values):
        lengths = {len(v) for v in values}
        if len(lengths) == 1:
            _check_rows(lengths.pop(), file_name, limits)
            _check_columns(len(values), file_name, limits)
            return pd.DataFrame(document), None
    record_lists = [(k, v) for k, v in document.items() if _is_list_of(v, dict) and v]
    if len(record_lists) == 1:
        key, records = record_lists[0]
        return _from_list(records, file_name, limits), f"Read the records under “{key}”"
    if all(isinstance(v, dict) for v in values):
        # pandas' default to_json output: {"column": {"row": value}}
        _check_columns(len(values), file_name, limits)
        _check_rows(max(len(v) for v in values), file_name, limits)
        return pd.DataFrame(document), None
    if len(values) == 1 and isinstance(values[0], list):
        return _from_list(values[0], file_name, limits), None
    raise UnparseableFile(file_name, "JSON", f"I don't recognise its layout. {SHAPES_ACCEPTED}")


def _from_list(items: list[Any], file_name: str, limits: IngestLimits) -> pd.DataFrame:
    _check_rows(len(items) - 1 if _is_header_table(items) else len(items), file_name, limits)
    if not items:
        return pd.DataFrame()
    if _is_list_of(items, dict):
        columns, nested = _flat_keys(items, limits.max_columns)
        _check_columns(columns, file_name, limits)
        if not nested:
            return pd.DataFrame.from_records(items)  # json_normalize deep-copies every record
        return pd.json_normalize(items, max_level=FLATTEN_LEVELS - 1)
    if _is_header_table(items):
        # [["name", "qty"], ["a", 1], ...] as the Google Sheets API returns values
        _check_columns(len(items[0]), file_name, limits)
        return pd.DataFrame(items[1:], columns=pd.Index(items[0], dtype=object))
    raise UnparseableFile(
        file_name, "JSON", f"its list holds values that aren't records. {SHAPES_ACCEPTED}"
    )


def _is_list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)


def _is_header_table(items: list[Any]) -> bool:
    return (
        bool(items) and _is_list_of(items, list) and all(isinstance(name, str) for name in items[0])
    )


def _flat_keys(records: Iterable[dict[str, Any]], stop_above: int) -> tuple[int, bool]:
    """How many columns flattening will make (counting no further than just past `stop_above`),
    and whether any record holds a nested object to flatten."""
    keys: set[tuple[str, ...]] = set()
    for record in records:
        _collect_keys(record, (), keys)
        if len(keys) > stop_above:
            break
    return len(keys), any(len(key) > 1 for key in keys)


def _collect_keys(
    record: dict[str, Any], prefix: tuple[str, ...], keys: set[tuple[str, ...]]
) -> None:
    for key, value in record.items():
        path = (*prefix, str(key))
        if isinstance(value, dict) and value and len(path) < FLATTEN_LEVELS:
            _collect_keys(value, path, keys)
        else:
            keys.add(path)


def _check_rows(rows: int, file_name: str, limits: IngestLimits) -> None:
    if rows > limits.max_rows:
        raise TooManyRows(file_name, limits.max_rows)


def _check_columns(columns: int, file_name: str, limits: IngestLimits) -> None:
    if columns > limits.max_columns:
        raise TooManyColumns(file_name, columns, limits.max_columns)
