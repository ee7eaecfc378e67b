"""JSON in the shapes people and tools produce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from core.errors import TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits
from ingest.load import ingest_file, load_file

RECORDS = [
    {"city": "Oslo", "day": "2024-01-01", "temp": -3.5},
    {"city": "Rome", "day": "2024-01-02", "temp": 11},
]


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "document",
    [
        RECORDS,
        {"city": ["Oslo", "Rome"], "day": ["2024-01-01", "2024-01-02"], "temp": [-3.5, 11]},
        {"data": RECORDS},
        {"meta": {"source": "api", "page": 1}, "results": RECORDS},
        pd.DataFrame(RECORDS).to_dict(orient="dict"),  # pandas' default to_json layout
        json.loads(pd.DataFrame(RECORDS).to_json(orient="split")),
        [["city", "day", "temp"], ["Oslo", "2024-01-01", -3.5], ["Rome", "2024-01-02", 11]],
    ],
    ids=[
        "records",
        "columns",
        "data-key",
        "records-beside-meta",
        "pandas-columns",
        "split",
        "header-rows",
    ],
)
def test_accepted_shapes(tmp_path: Path, limits: IngestLimits, document: Any) -> None:
    path = _write(tmp_path / "data.json", document)

    data = ingest_file(path, "data.json", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["city", "day", "temp"]
    assert data.read_frame()["city"].tolist() == ["Oslo", "Rome"]
    assert data.read_frame()["temp"].tolist() == [-3.5, 11.0]
    assert data.read_frame()["day"].tolist() == [pd.Timestamp(2024, 1, 1), pd.Timestamp(2024, 1, 2)]
    assert data.profile.file_kind == "json"


def test_records_under_a_key_are_noted(tmp_path: Path, limits: IngestLimits) -> None:
    path = _write(tmp_path / "wrapped.json", {"items": RECORDS})

    table = load_file(path, "wrapped.json", limits)

    assert "Read the records under “items”" in table.notes


def test_nested_values_are_flattened_shallowly(tmp_path: Path, limits: IngestLimits) -> None:
    document = [
        {"id": 1, "address": {"city": "Oslo", "geo": {"lat": 59.9}}, "tags": ["a", "b"]},
        {"id": 2, "address": {"city": "Rome", "geo": {"lat": 41.9}}, "tags": []},
    ]
    path = _write(tmp_path / "nested.json", document)

    data = ingest_file(path, "nested.json", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["id", "tags", "address.city", "address.geo"]
    assert data.read_frame()["address.city"].tolist() == ["Oslo", "Rome"]
    assert data.read_frame()["address.geo"].tolist() == ['{"lat": 59.9}', '{"lat": 41.9}']
    assert data.read_frame()["tags"].tolist() == ['["a", "b"]', "[]"]
    assert pd.read_parquet(data.parquet_path).shape == (2, 4)


def test_json_lines(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")

    table = load_file(path, "events.jsonl", limits)

    assert table.df["city"].tolist() == ["Oslo", "Rome"]
    assert "JSON Lines" in " ".join(table.notes)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("42", "holds no table"),
        ('"just text"', "holds no table"),
        ("[1, 2, 3]", "aren't records"),
        ('{"a": 1, "b": 2}', "layout"),
        ('{"a": [1, 2], "b": [1]}', "layout"),
        ('[{"a": 1},', "Expecting"),
    ],
)
def test_unaccepted_shapes_explain_what_is_accepted(
    tmp_path: Path, limits: IngestLimits, content: str, expected: str
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "odd.json", limits)
    assert expected in caught.value.user_message


def test_deeply_nested_json_is_unparseable(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "deep.json", limits)
    assert "nested too deeply" in caught.value.user_message


def test_too_many_rows(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=3, max_columns=10)
    path = _write(tmp_path / "rows.json", [{"n": i} for i in range(4)])

    with pytest.raises(TooManyRows):
        load_file(path, "rows.json", limits)


def test_too_many_columns_from_flattening(tmp_path: Path) -> None:
    limits = IngestLimits(max_bytes=1024 * 1024, max_rows=10, max_columns=5)
    path = _write(tmp_path / "wide.json", [{"id": 1, "nested": {f"k{i}": i for i in range(10)}}])

    with pytest.raises(TooManyColumns):
        load_file(path, "wide.json", limits)


def test_infinities_become_blanks(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "inf.json"
    path.write_text('[{"k": "a", "v": Infinity}, {"k": "b", "v": 2.5}]', encoding="utf-8")

    data = ingest_file(path, "inf.json", tmp_path / "work", limits)

    assert data.read_frame()["v"].isna().tolist() == [True, False]
    assert "Column “v” had 1 value of infinity, left blank" in data.profile.notes


def test_huge_integer_is_unparseable(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "digits.json"
    path.write_text('[{"a": ' + "9" * 5000 + "}]", encoding="utf-8")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "digits.json", limits)
    assert "thousands of digits" in caught.value.user_message
