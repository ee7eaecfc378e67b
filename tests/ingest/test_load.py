"""ingest_file end to end: the Parquet on disk and the profile planners see."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.errors import EmptyFile, UnparseableFile
from ingest.limits import IngestLimits
from ingest.load import PARQUET_NAME, ingest_file, load_file


def test_writes_normalized_parquet_and_profile(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(
        "Date,Region,Revenue ($),Share,\n"
        '2024-01-05,North,"$1,200.50",12%,\n'
        '2024-02-05,South,"$3,000",5%,\n'
        "2024-03-05,North,($12.00),1%,\n",
        encoding="utf-8",
    )

    data = ingest_file(path, "sales.csv", tmp_path / "work", limits)

    assert data.parquet_path == tmp_path / "work" / PARQUET_NAME
    on_disk = pd.read_parquet(data.parquet_path)
    assert list(on_disk.columns) == ["Date", "Region", "Revenue ($)", "Share"]
    assert on_disk["Revenue ($)"].tolist() == [1200.5, 3000.0, -12.0]
    profile = data.profile
    assert (profile.file_name, profile.file_kind, profile.rows) == ("sales.csv", "csv", 3)
    assert profile.names("time") == ["Date"]
    assert profile.names("number") == ["Revenue ($)", "Share"]
    assert profile.names("category") == ["Region"]
    assert profile.column("Revenue ($)").min == -12.0
    assert any("Revenue ($)" in note and "currency" in note for note in profile.notes)
    assert profile.sample_rows[0]["Region"] == "North"


def test_workdir_is_created(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n", encoding="utf-8")

    data = ingest_file(path, "a.csv", tmp_path / "deep" / "er", limits)

    assert data.parquet_path.exists()


def test_only_empty_columns_is_an_empty_file(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "hollow.csv"
    path.write_text("a,b\n,\n,\n", encoding="utf-8")

    with pytest.raises(EmptyFile):
        ingest_file(path, "hollow.csv", tmp_path / "work", limits)


def test_load_file_reports_kind_and_decimal(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("a;b\n1,5;2,25\n3,5;4,75\n", encoding="utf-8")

    table = load_file(path, "eu.csv", limits)

    assert table.kind == "csv"
    assert table.decimal == ","


def test_parser_failures_come_out_as_unparseable(tmp_path: Path, limits: IngestLimits) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"rows": [{"a": 1}, {"a": 2}', encoding="utf-8")

    with pytest.raises(UnparseableFile) as caught:
        load_file(path, "broken.json", limits)
    message = caught.value.user_message
    assert message.startswith("I couldn't read *broken.json* as JSON:")
    assert "line 1" in message
    assert str(tmp_path) not in message
