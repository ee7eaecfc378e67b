"""Score the rule-based planner on nvbench-dev (154 nvBench questions over Spider tables).

usage: python bench/nvbench.py [--eval-dir DIR] [--out PREDICTIONS.jsonl] [--misses]

For each item: read the CSV, turn date-looking text columns into datetimes (as our ingest does),
profile it, plan with `plan_from_rules`, and write one prediction line. Then run the set's own
`check.py` on the predictions and print its table. A development signal only: the set's README warns
that tuning to its sentences proves nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from core.errors import ChartroomError  # noqa: E402
from ingest.profiling import build_profile  # noqa: E402
from planner.plan import Plan  # noqa: E402
from planner.rules import plan_from_rules  # noqa: E402

_DATEISH = re.compile(
    r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$"
)


def load_table(path: Path) -> pd.DataFrame:
    """Read a CSV and parse columns whose every value is a date string, like our ingest."""
    df = pd.read_csv(path)
    for name in df.columns:
        series = df[name]
        if series.dtype != object and not pd.api.types.is_string_dtype(series):
            continue
        values = series.dropna().astype(str)
        if values.empty or not values.str.match(_DATEISH).all():
            continue
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        if parsed.notna().all():
            df[name] = pd.to_datetime(series, errors="coerce", format="mixed")
    return df


def predict(item: dict[str, Any], eval_dir: Path) -> dict[str, Any]:
    """One prediction line; planner failures become a line of nulls (scored as wrong)."""
    empty: dict[str, Any] = {
        "id": item["id"],
        "chart_type": None,
        "x": None,
        "y": None,
        "aggregate": None,
        "group": None,
    }
    csv = eval_dir / item["csv"]
    df = load_table(csv)
    profile = build_profile(df, file_name=csv.name, file_kind="csv")
    try:
        plan: Plan = plan_from_rules(item["question"], profile)
    except ChartroomError as exc:
        return {**empty, "error": type(exc).__name__}
    spec = plan.primary
    return {
        "id": item["id"],
        "chart_type": "bar" if spec.chart_type == "histogram" else spec.chart_type,
        "x": spec.x,
        "y": spec.y,
        "aggregate": spec.aggregate,
        "group": spec.color,
    }


def show_misses(eval_dir: Path, items: list[dict[str, Any]], preds: list[dict[str, Any]]) -> None:
    """Print question, gold and prediction of every item not fully right, scored by check.py."""
    spec = importlib.util.spec_from_file_location("nvbench_check", eval_dir / "check.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {eval_dir / 'check.py'}")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    fields = ("chart_type", "x", "y", "aggregate", "group")
    for item, pred in zip(items, preds, strict=True):
        result: dict[str, bool] = check.score(item["gold"], pred)
        wrong = [f for f in fields if not result[f]]
        if wrong:
            print(f"{item['id']}: {item['question']}")
            print(f"   gold {[item['gold'].get(f) for f in fields]}")
            print(f"   pred {[pred.get(f) for f in fields]}  wrong: {wrong}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--eval-dir", type=Path, default=REPO / ".." / "shared" / "eval" / "nvbench-dev"
    )
    ap.add_argument("--out", type=Path, help="where to write predictions (default: a temp file)")
    ap.add_argument("--misses", action="store_true", help="print every item not fully right")
    args = ap.parse_args()
    eval_dir: Path = args.eval_dir.resolve()
    items = [
        json.loads(line)
        for line in (eval_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    predictions = [predict(item, eval_dir) for item in items]
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="nvbench-")) / "predictions.jsonl"
    out.write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    if args.misses:
        show_misses(eval_dir, items, predictions)
    failed = sum(1 for p in predictions if "error" in p)
    print(f"predictions: {out}   planner raised on {failed} item(s)")
    result = subprocess.run(
        [
            sys.executable,
            str(eval_dir / "check.py"),
            str(out),
            "--items",
            str(eval_dir / "items.jsonl"),
        ],
        check=False,
    )
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
