"""The fault suite's table: each case, the time until the person heard something, the outcome.
Tests record a row; `conftest.py` prints the table at the end of the run and writes it to a file
in the temp folder, so the figures can go into the README."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

REPORT_PATH = Path(tempfile.gettempdir()) / "chartroom-fault-report.md"


@dataclass(frozen=True)
class Row:
    case: str
    first_word_s: float
    outcome: str


ROWS: list[Row] = []


def record(case: str, first_word_s: float, outcome: str) -> None:
    ROWS.append(Row(case, first_word_s, outcome))


def lines() -> list[str]:
    if not ROWS:
        return []
    out = ["| case | time to first word | outcome |", "|---|---:|---|"]
    out += [f"| {r.case} | {r.first_word_s:.1f} s | {r.outcome} |" for r in ROWS]
    return out
