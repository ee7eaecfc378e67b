"""The red-team summary: payloads by category, refused by the policy, contained per backend.

Test modules record what they found here; `conftest.py` prints the table at the end of the run
and writes it to a file in the temp folder, so the figures can go into the README.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.security.containment import Batch
from tests.security.payloads import PAYLOADS, categories

BATCHES: dict[str, Batch] = {}
POLICY: dict[str, bool] = {}  # test id -> refused by the policy
REPORT_PATH = Path(tempfile.gettempdir()) / "chartroom-security-report.md"


def record(backend: str, batch: Batch) -> None:
    BATCHES[backend] = batch


def record_policy(test_id: str, refused: bool) -> None:
    POLICY[test_id] = refused


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.0f}%)" if total else "-"


def lines() -> list[str]:
    """The summary as Markdown lines; empty when no security test recorded anything."""
    if not BATCHES and not POLICY:
        return []
    backends = sorted(BATCHES)
    header = ["category", "payloads", "policy refused", *(f"{b} contained" for b in backends)]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    totals = {"n": 0, "policy": 0, **dict.fromkeys(backends, 0)}
    for category, count in categories().items():
        ids = [p.test_id for p in PAYLOADS if p.category == category]
        refused = sum(POLICY.get(i, False) for i in ids)
        row = [category, str(count), f"{refused}/{count}" if POLICY else "-"]
        totals["n"] += count
        totals["policy"] += refused
        for backend in backends:
            outcomes = BATCHES[backend].outcomes
            contained = sum(outcomes[i].contained for i in ids if i in outcomes)
            totals[backend] += contained
            row.append(f"{contained}/{count}")
        out.append("| " + " | ".join(row) + " |")
    n = totals["n"]
    total_row = ["**all**", str(n), _rate(totals["policy"], n) if POLICY else "-"]
    total_row += [_rate(totals[b], n) for b in backends]
    out.append("| " + " | ".join(total_row) + " |")
    for backend in backends:
        batch = BATCHES[backend]
        out.append("")
        slowest = max(batch.outcomes.values(), key=lambda o: o.elapsed_s)
        out.append(
            f"{backend}: {len(batch.outcomes)} payloads (and a normal chart after each category) "
            f"in {batch.wall_s:.0f} s; slowest run {slowest.elapsed_s:.1f} s "
            f"({slowest.payload.test_id}, {slowest.ended})"
        )
        for outcome in batch.outcomes.values():
            if not outcome.contained:
                problems = "; ".join(str(p) for p in outcome.problems)
                out.append(f"- not contained by {backend}: {outcome.payload.test_id}: {problems}")
    return out
