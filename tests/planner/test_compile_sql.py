"""Aggregation pushed down to DuckDB draws the same numbers as the pandas chart code.

Every chart the rule planner plans for the people's questions (over the real public datasets,
through our real ingest), plus hand-written specs for each filter, grain and aggregate, is drawn
both ways: `compile_chart`'s code over the whole file, and DuckDB's groups (`compile_pushdown`,
`workers.pushdown.aggregate`) with the code after grouping. The figures (every trace's values,
names, labels) and the summaries must be equal, floats to 1e-9 relative (summation order).
"""

from __future__ import annotations

import base64
import gzip
import json
import math
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from bench.people.datasets import DATASETS, dataset_path, default_limits
from core.errors import ChartroomError
from ingest.load import ingest_file
from ingest.profile import DataProfile
from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.compile_sql import Fallback, PushedDown, compile_pushdown, quote
from planner.plan import ChartSpec, Filter, Sort, Transform
from planner.rules import plan_from_rules
from sandbox.policy import check_code
from workers.pushdown import aggregate

PEOPLE = Path(__file__).parents[2] / "bench" / "people"
Data = tuple[Path, DataProfile]


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Data]:
    """Each public dataset ingested once, as a person uploading it would get it."""
    out = {}
    for name, entry in DATASETS.items():
        scratch = tmp_path_factory.mktemp(name)
        source = dataset_path(name)
        upload = scratch / entry.upload_name
        opener = gzip.open if source.suffix == ".gz" else open
        with opener(source, "rb") as src:
            upload.write_bytes(src.read())
        ingested = ingest_file(upload, entry.upload_name, scratch / "work", default_limits())
        out[name] = (ingested.parquet_path, ingested.profile)
    return out


def run(code: str, data: Path) -> dict[str, Any]:
    """Chart code run the way the sandbox runner runs it: `df` read from the Parquet."""
    check_code(code)
    namespace: dict[str, Any] = {"df": pd.read_parquet(data), "pd": pd, "np": np, "px": px}
    namespace["go"] = go
    exec(compile(code, "<chart>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def plain(value: Any) -> Any:
    """Figure JSON as comparable Python values: arrays as lists, times as text."""
    if isinstance(value, dict) and "bdata" in value:  # Plotly's packed arrays
        return plain(np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray | pd.Series | pd.Index):
        return [plain(v) for v in list(value)]
    if isinstance(value, np.datetime64 | pd.Timestamp):
        return str(pd.Timestamp(value))
    if isinstance(value, np.generic):
        return value.item()
    return value


def same(a: Any, b: Any, where: str = "") -> list[str]:
    """Where `a` and `b` differ (numbers equal to 1e-9 relative; NaN equals NaN)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if a == b else [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, int | float) and isinstance(b, int | float):
        if (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            return []
        return [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in same(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} != {len(b)} items"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in same(x, y, f"{where}[{i}]")
        ]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def attempt(step: Callable[[], Any]) -> tuple[Any, str | None]:
    """`step()`'s value, or the message of the ValueError it raised (a chart refused)."""
    try:
        return step(), None
    except ValueError as exc:
        return None, str(exc)


def both_ways(spec: ChartSpec, data: Data, tmp_path: Path) -> list[str] | None:
    """Differences between the two paths' figures and summaries; None when not pushed down."""
    path, profile = data
    code, refused = attempt(lambda: compile_chart(spec, profile))
    pushed, refused_too = attempt(lambda: compile_pushdown(spec, profile))
    assert refused == refused_too  # a spec the compiler refuses is refused alike
    if refused or isinstance(pushed, Fallback):
        return None

    def pushed_down() -> dict[str, Any]:
        done = aggregate(pushed, path, tmp_path / "agg.parquet")
        return run(done.code, done.path)

    pandas_out, failed = attempt(lambda: run(code, path))
    pushed_out, failed_too = attempt(pushed_down)
    if failed or failed_too:  # e.g. no rows left: both say the same
        return [] if failed == failed_too else [f"errors: {failed_too} != {failed}"]
    drawn = same(
        plain(pandas_out["fig"].to_plotly_json()["data"]),
        plain(pushed_out["fig"].to_plotly_json()["data"]),
        "data",
    )
    return drawn + same(plain(pandas_out["summary"]), plain(pushed_out["summary"]), "summary")


def people_questions() -> list[tuple[str, str, str]]:
    rows = []
    for name in ("questions.jsonl", "heldout.jsonl"):
        for line in (PEOPLE / name).read_text().splitlines():
            item = json.loads(line)
            rows.append((item["id"], item["dataset"], item["question"]))
    return rows


def planned(question: str, profile: DataProfile) -> list[ChartSpec]:
    try:
        return plan_from_rules(question, profile).charts
    except ChartroomError:  # a question the rules refuse has no chart to compare
        return []


@pytest.mark.parametrize(("dataset", "question"), [q[1:] for q in people_questions()],
                         ids=[q[0] for q in people_questions()])  # fmt: skip
def test_every_chart_planned_for_peoples_questions_draws_the_same_numbers_both_ways(
    dataset: str, question: str, datasets: dict[str, Data], tmp_path: Path
) -> None:
    for chart in planned(question, datasets[dataset][1]):
        assert both_ways(chart, datasets[dataset], tmp_path) in (None, [])


def test_most_charts_people_ask_for_are_grouped_by_duckdb(datasets: dict[str, Data]) -> None:
    """The comparison above covers the bulk of the answers, not a few special cases."""
    kinds = []
    for _, dataset, question in people_questions():
        profile = datasets[dataset][1]
        for chart in planned(question, profile):
            pushed, refused = attempt(partial(compile_pushdown, chart, profile))
            if refused is None:
                kinds.append(isinstance(pushed, PushedDown))
    assert sum(kinds) >= 3 * (len(kinds) - sum(kinds)), (sum(kinds), len(kinds))


def spec(**fields: Any) -> ChartSpec:
    return ChartSpec(title="t", **fields)


def tips(**fields: Any) -> ChartSpec:
    """A bar of tips by day, with `fields` changed."""
    return spec(**{"chart_type": "bar", "x": "day", "y": "tip", "aggregate": "sum", **fields})


def prices(**fields: Any) -> ChartSpec:
    """A line of prices over time, with `fields` changed."""
    return spec(**{"chart_type": "line", "x": "date", "y": "price", "aggregate": "sum", **fields})


def where(column: str, op: str, value: Any) -> list[Filter]:
    return [Filter(column=column, op=op, value=value)]


HAND_WRITTEN = [
    # filters of each kind, on numbers and text
    tips(filters=where("size", "gte", 3)),
    tips(aggregate="mean", filters=where("sex", "ne", "Male")),
    tips(y=None, aggregate="count", filters=where("time", "in", ["Dinner"])),
    tips(x="smoker", y="total_bill", aggregate="median", filters=where("day", "not_in", ["Sat"])),
    tips(aggregate="max", filters=where("total_bill", "between", [10, 20.5])),
    tips(aggregate="min", filters=where("day", "between", ["Fri", "Sat"])),
    # several measures, a ratio, a percentage, distinct counts, colour splits
    tips(extra_y=["total_bill"]),
    tips(denominator="total_bill", as_percent=True),
    tips(y="size", aggregate="distinct", color="sex", barmode="stack"),
    tips(color="time", transform=Transform(kind="share")),
    tips(chart_type="pie", y="total_bill"),
    tips(chart_type="table", aggregate="mean", color="sex"),
    # top N, bottom N, within each group
    tips(x="size", limit=3),
    tips(limit=2, sort=Sort(by="y", order="asc")),
    tips(color="sex", limit=1, limit_within="day"),
]
TIMED = [
    prices(aggregate="mean", color="symbol", time_grain="Q"),
    prices(aggregate="last", color="symbol", time_grain="Y"),
    prices(y=None, aggregate="count", time_grain="W", filters=where("symbol", "eq", "AAPL")),
    prices(time_grain="M", transform=Transform(kind="rolling_mean", window=3)),
    prices(time_grain="Y", transform=Transform(kind="yoy")),
    prices(color="symbol", time_grain="Y", transform=Transform(kind="cumsum"), limit=2),
    prices(color="symbol", time_grain="Y", transform=Transform(kind="pct_change")),
    prices(chart_type="bar", time_grain="D", filters=where("date", "eq", "2005-03-01")),
    prices(time_grain="M", filters=where("date", "between", ["2004-01-01", "2005-06-30"])),
    prices(
        aggregate="mean",
        time_grain="M",
        filters=[*where("date", "gt", "2008-01-01"), *where("date", "lte", "2009-01-01")],
    ),
    prices(chart_type="bar", x="symbol", aggregate="mean", filters=where("date", "year", 2007)),
    prices(chart_type="bar", x="symbol", filters=where("date", "ne", "2005-03-01")),
    prices(
        chart_type="bar", x="symbol", y=None, aggregate="count", filters=where("price", "gt", 1e9)
    ),
]


@pytest.mark.parametrize(
    "chart", HAND_WRITTEN, ids=lambda s: s.model_dump_json(exclude_defaults=True)
)
def test_each_filter_aggregate_and_limit_draws_the_same_numbers_both_ways(
    chart: ChartSpec, datasets: dict[str, Data], tmp_path: Path
) -> None:
    assert both_ways(chart, datasets["tips"], tmp_path) == []


@pytest.mark.parametrize("chart", TIMED, ids=lambda s: s.model_dump_json(exclude_defaults=True))
def test_time_buckets_filters_and_transforms_draw_the_same_numbers_both_ways(
    chart: ChartSpec, datasets: dict[str, Data], tmp_path: Path
) -> None:
    assert both_ways(chart, datasets["stocks-long"], tmp_path) == []


def test_rows_drawn_one_by_one_stay_on_the_pandas_path(datasets: dict[str, Data]) -> None:
    profile = datasets["tips"][1]
    for chart in (
        spec(chart_type="histogram", x="tip"),
        spec(chart_type="box", x="day", y="tip"),
        spec(chart_type="scatter", x="total_bill", y="tip"),
        spec(chart_type="bar", x="day", y="tip", aggregate="sum", limit=2, other_bucket=True),
    ):
        assert isinstance(compile_pushdown(chart, profile), Fallback)


def test_names_and_values_never_enter_the_sql_as_text(datasets: dict[str, Data]) -> None:
    hostile = "x'); DROP TABLE t; --"
    df = pd.DataFrame({'we"ird': ["a", hostile], "n": [1, 2]})
    profile = build_profile(df, file_name="h.csv", file_kind="csv")
    chart = spec(
        chart_type="bar",
        x='we"ird',
        y="n",
        aggregate="sum",
        filters=[Filter(column='we"ird', op="ne", value=hostile)],
    )
    pushed = compile_pushdown(chart, profile)
    assert isinstance(pushed, PushedDown)
    assert hostile not in pushed.sql
    assert quote('we"ird') == '"we""ird"' and '"we""ird"' in pushed.sql
    assert hostile in pushed.params
