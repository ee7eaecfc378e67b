"""Text encodings as real exports write them: the bytes are made here, in the encoding named."""

from __future__ import annotations

from pathlib import Path

from ingest.limits import IngestLimits
from ingest.load import ingest_file


def _ingest(tmp_path: Path, data: bytes, limits: IngestLimits) -> tuple[list[str], list[str]]:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    ingested = ingest_file(path, "export.csv", tmp_path / "work", limits)
    frame = ingested.read_frame()
    return [str(c) for c in frame.columns], [str(v) for v in frame.iloc[:, 0].tolist()]


def test_short_european_header_in_cp1252_is_not_taken_for_a_cjk_code_page(
    tmp_path: Path, limits: IngestLimits
) -> None:
    data = "Région;Ventes\r\nNord;12\r\nSud;7\r\n".encode("cp1252")

    columns, first = _ingest(tmp_path, data, limits)

    assert columns == ["Région", "Ventes"]
    assert first == ["Nord", "Sud"]


def test_euro_sign_and_accents_in_a_latin1_export(tmp_path: Path, limits: IngestLimits) -> None:
    data = "Ville;Montant (€)\r\nGenève;1,5\r\nZürich;2,5\r\n".encode("cp1252")

    columns, first = _ingest(tmp_path, data, limits)

    assert columns == ["Ville", "Montant (€)"]
    assert first == ["Genève", "Zürich"]


def test_cyrillic_windows_1251(tmp_path: Path, limits: IngestLimits) -> None:
    data = "Город;Продажи\r\nМосква;12\r\nКазань;5\r\n".encode("cp1251")

    columns, first = _ingest(tmp_path, data, limits)

    assert columns == ["Город", "Продажи"]
    assert first == ["Москва", "Казань"]


def test_japanese_shift_jis(tmp_path: Path, limits: IngestLimits) -> None:
    data = "都市,売上\r\n東京,12\r\n大阪,5\r\n名古屋,3\r\n".encode("shift_jis")

    columns, first = _ingest(tmp_path, data, limits)

    assert columns == ["都市", "売上"]
    assert first == ["東京", "大阪", "名古屋"]


def test_utf8_file_with_pasted_cp1252_rows_keeps_its_cjk(
    tmp_path: Path, limits: IngestLimits
) -> None:
    utf8_rows = "".join(f"東京支店{i},{i}\n" for i in range(5))
    cp1252_rows = "".join(f"Région {i},{i}\n" for i in range(20))
    data = b"branch,n\n" + utf8_rows.encode() + cp1252_rows.encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)

    ingested = ingest_file(path, "mixed.csv", tmp_path / "work", limits)

    branches = ingested.read_frame()["branch"].tolist()
    assert branches[:2] == ["東京支店0", "東京支店1"]
    assert branches[5:7] == ["Région 0", "Région 1"]
    assert any("Windows-1252" in note for note in ingested.profile.notes)
