"""Parquet files: types survive, limits come from the footer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.errors import TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits
from ingest.load import ingest_file, load_file


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.date_range("2024-01-01", periods=4, freq="D"),
            "region": pd.Categorical(["N", "S", "N", "S"]),
            "units": [1, 2, 3, 4],
            "ok": [True, False, True, True],
        }
    )


def test_round_trip(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "in.parquet"
    _frame().to_parquet(path)

    data = ingest_file(path, "in.parquet", tmp_path / "work", limits)

    assert list(data.read_frame().columns) == ["day", "region", "units", "ok"]
    assert data.read_frame()["units"].tolist() == [1, 2, 3, 4]
    assert data.profile.column("day").role == "time"
    assert data.profile.column("ok").role == "boolean"
    assert data.profile.column("region").role == "category"
    assert pd.read_parquet(data.parquet_path)["region"].tolist() == ["N", "S", "N", "S"]


def test_saved_index_becomes_a_column(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "indexed.parquet"
    _frame().set_index("day").to_parquet(path)

    data = ingest_file(path, "indexed.parquet", tmp_path / "work", limits)

    assert data.read_frame().columns[0] == "day"


def test_too_many_rows_from_metadata(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    _frame().to_parquet(path)

    with pytest.raises(TooManyRows):
        load_file(path, "rows.parquet", IngestLimits(1024 * 1024, max_rows=3, max_columns=10))


def test_too_many_columns_from_metadata(tmp_path: Path) -> None:
    path = tmp_path / "wide.parquet"
    _frame().to_parquet(path)

    with pytest.raises(TooManyColumns):
        load_file(path, "wide.parquet", IngestLimits(1024 * 1024, max_rows=10, max_columns=3))


def test_damaged_parquet(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\x01" * 500 + b"PAR1")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "broken.parquet", limits)
    assert "as Parquet" in caught.value.user_message
