"""The static chart-code policy: what it refuses, how it says so, and what it must let through.

Accepted snippets are also run against a real table, so they stay honest examples of chart code;
every chart our own compiler emits must pass as well.
"""

from __future__ import annotations

import ast
import dataclasses
import threading
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from core.errors import CodeRefused
from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec, Filter, Sort
from planner.rules import plan_from_rules
from sandbox.policy import Violation, check_code, find_violations


def refusals(code: str) -> list[str]:
    with pytest.raises(CodeRefused) as info:
        check_code(code)
    return info.value.reasons


def orders(days: int = 90) -> pd.DataFrame:
    i = np.arange(days)
    return pd.DataFrame(
        {
            "order_id": i + 1,
            "order_date": pd.date_range("2023-01-01", periods=days, freq="D"),
            "region": [("EU", "US", "APAC")[k % 3] for k in i],
            "product": [("Widget", "Gadget", "Gizmo", "Doohickey")[k % 4] for k in i],
            "revenue": (i % 7) * 10.0 + 5,
            "units": i % 4 + 1,
        }
    )


# --- refused, one rule at a time: line 2, with the offending name in backticks ---------------

REFUSED = [
    # imports: an allowlist
    ("import os", "importing `os`"),
    ("import subprocess", "importing `subprocess`"),
    ("from os import path", "importing `os`"),
    ("import sys", "importing `sys`"),
    ("import importlib", "importing `importlib`"),
    ("import ctypes", "importing `ctypes`"),
    ("import pickle", "importing `pickle`"),
    ("import builtins", "importing `builtins`"),
    ("import io", "importing `io`"),
    ("import pathlib", "importing `pathlib`"),
    ("import socket", "importing `socket`"),
    ("import urllib.request", "importing `urllib.request`"),
    ("import requests", "importing `requests`"),
    ("import asyncio", "importing `asyncio`"),
    ("import numpy.ctypeslib", "importing `numpy.ctypeslib`"),
    ("from numpy import f2py", "importing `f2py` from `numpy`"),
    ("import pandas.io.common", "importing `pandas.io.common`"),
    ("from pandas import testing", "importing `testing` from `pandas`"),
    ("import numpy.lib.format", "importing `numpy.lib.format`"),
    ("from pandas import read_csv", "importing `read_csv` from `pandas`"),
    ("from . import helpers", "a relative import"),
    ("from pandas import *", "`from pandas import *`"),
    ("import math as __builtins__", "the name `__builtins__`"),
    # attributes: private names and ways out through allowed libraries
    ("kind = df.__class__", "the attribute `__class__`"),
    ("subs = ().__class__.__base__.__subclasses__()", "the attribute `__subclasses__`"),
    ("g = len.__self__", "the attribute `__self__`"),
    ("lib = pd._libs", "the attribute `_libs`"),
    ("x = pd.io.common", "`pd.io`"),
    ("x = pd.compat", "`pd.compat`"),
    ("x = np.ctypeslib", "`np.ctypeslib`"),
    ("x = np.testing.assert_equal", "`np.testing`"),
    ("import datetime\nx = datetime.sys.modules", "the attribute `sys`"),
    ("import json\nx = json.codecs", "the attribute `codecs`"),
    ("import typing\nx = typing.types.CodeType", "the attribute `types`"),
    ("frame = (i for i in []).gi_frame.f_back", "the attribute `gi_frame`"),
    ("x = np.lib.stride_tricks.as_strided", "the attribute `as_strided`"),
    ("import plotly.io as pio\npio.renderers['browser']", "the attribute `renderers`"),
    # names
    ('eval("1 + 1")', "`eval`"),
    ('exec("x = 1")', "`exec`"),
    ('code = compile("1", "f", "eval")', "`compile`"),
    ('m = __import__("math")', "the name `__import__`"),
    ('text = open("/etc/passwd").read()', "`open`"),
    ("names = globals()", "`globals`"),
    ("names = locals()", "`locals`"),
    ("names = vars(df)", "`vars`"),
    ("names = dir(df)", "`dir`"),
    ("breakpoint()", "`breakpoint`"),
    ("answer = input()", "`input`"),
    ("help(df)", "`help`"),
    ("exit()", "`exit`"),
    ("quit()", "`quit`"),
    ("view = memoryview(b'x')", "`memoryview`"),
    ("_secret = 1", "the name `_secret`"),
    ("b = __builtins__", "the name `__builtins__`"),
    ("x = getattr(df, name)", "`getattr` with a computed attribute name"),
    ('x = getattr(df, "__class__")', "the string `__class__`"),
    ('x = getattr(pd, "read_csv")', "the attribute `read_csv`"),
    ('x = hasattr(df, "_mgr")', "the attribute `_mgr`"),
    ("get = getattr", "passing `getattr` around"),
    ('setattr(pd, "read_csv", len)', "changing `pd`"),
    ('delattr(np, "nan")', "changing `np`"),
    # monkeypatching modules
    ("import json\njson.dumps = str", "changing `json.dumps`"),
    ("pd.DataFrame.plot = None", "changing `pd.DataFrame.plot`"),
    ("pd.options.display.max_rows = 5", "changing `pd.options.display.max_rows`"),
    ("del np.random", "changing `np.random`"),
    ("p = pd\np.DataFrame.sum = len", "changing `p.DataFrame.sum`"),
    ("from plotly.io import templates\ntemplates['mine'] = 1", "changing `templates`"),
    ("px.defaults.template = 'ggplot2'", "changing `px.defaults.template`"),
    # I/O
    ('other = pd.read_csv("other.csv")', "the attribute `read_csv`"),
    ('other = pd.read_pickle("x.pkl")', "the attribute `read_pickle`"),
    ('other = pd.read_html("page.html")', "the attribute `read_html`"),
    ("other = pd.read_clipboard()", "the attribute `read_clipboard`"),
    ('df.to_pickle("x.pkl")', "the attribute `to_pickle`"),
    ("df.to_clipboard()", "the attribute `to_clipboard`"),
    ('df.to_csv("out.csv")', "`to_csv` with a destination"),
    ('df.to_excel(excel_writer="out.xlsx")', "`to_excel` with a destination"),
    ('df.to_json(path_or_buf="out.json")', "`to_json` with a destination"),
    ("df.to_parquet(**options)", "`to_parquet` with a destination"),
    ("save = df.to_csv", "the attribute `to_csv`"),
    ('fig.write_html("chart.html")', "the attribute `write_html`"),
    ('fig.write_image("chart.png")', "the attribute `write_image`"),
    ("fig.show()", "the attribute `show`"),
    ("png = fig.to_image()", "the attribute `to_image`"),
    ('arr = np.load("x.npy")', "the attribute `load`"),
    ('np.save("x.npy", df["units"].to_numpy())', "the attribute `save`"),
    ('arr = np.fromfile("x.bin")', "the attribute `fromfile`"),
    ('df["units"].to_numpy().tofile("x.bin")', "the attribute `tofile`"),
    ('arr = np.memmap("x.bin")', "the attribute `memmap`"),
    ('arr = np.loadtxt("x.txt")', "the attribute `loadtxt`"),
    ('arr = np.genfromtxt("x.txt")', "the attribute `genfromtxt`"),
    ("import plotly.io as pio\npio.write_json(fig, 'f.json')", "the attribute `write_json`"),
    ("import plotly.io as pio\nf = pio.read_json('f.json')", "the attribute `read_json`"),
    ('w = pd.ExcelWriter("out.xlsx")', "the attribute `ExcelWriter`"),
    ('store = pd.HDFStore("x.h5")', "the attribute `HDFStore`"),
    ("pd.show_versions()", "the attribute `show_versions`"),
    ('df.agg("to_clipboard")', "`agg` with the method name `to_clipboard`"),
    ('import operator\nf = operator.methodcaller("to_pickle", "x")', "the attribute `to_pickle`"),
    ("import operator\nf = operator.attrgetter(name)", "`attrgetter` with a computed name"),
    # expressions evaluated by pandas
    ('big = df.query("revenue > @limit")', "`query` with `@` variables"),
    ("big = df.query(condition)", "`query` with a computed expression"),
    ('big = df.query("revenue > " + str(limit))', "`query` with a computed expression"),
    ("total = pd.eval(text)", "`eval` with a computed expression"),
    ('big = df.query("revenue.__class__ == 1")', "the `query` expression"),
    ('big = df.query("revenue > 3", local_dict={})', "`query` with `local_dict`"),
    ("run = df.eval", "`eval` used without calling it"),
    # files and URLs handed to a call
    (
        "fig.add_layout_image(source='https://example.com/logo.png')",
        "`https://example.com/logo.png`",
    ),
    (
        "fig.update_layout(images=[dict(source='http://169.254.169.254/')])",
        "`http://169.254.169.254/`",
    ),
    ('s = pd.Series(["s3://bucket/key"])', "`s3://bucket/key`"),
    ('s = pd.Series(["gs://bucket/key"])', "`gs://bucket/key`"),
    ('n = len("file:///etc/passwd")', "`file:///etc/passwd`"),
    ('n = len("ftp://host/x")', "`ftp://host/x`"),
    ('n = len("/proc/self/environ")', "`/proc/self/environ`"),
    ('n = len("/dev/shm/x")', "`/dev/shm/x`"),
    ('n = len("/sys/kernel")', "`/sys/kernel`"),
    ('n = len(f"https://{host}/x")', "`https://`"),
    # async, dynamic classes, format templates, text annotations, plotting backends
    ("async def fetch():\n    return 1", "async code"),
    ("await fetch()", "async code"),
    ('"{0.__class__}".format(df)', "the format field `.__class__`"),
    ("text = template.format(df)", "`.format()` on a computed template"),
    ('T = type("T", (), {})', "`type()` with three arguments"),
    ('import enum\nColor = enum.Enum("Color", "RED GREEN")', "calling `Enum(…)`"),
    ('def f(x: "int"):\n    return x', "the text annotation `int`"),
    ('x = "__globals__"', "the string `__globals__`"),
    ("d = dict(__class__=1)", "the keyword `__class__`"),
    ("match df:\n    case object(__class__=c):\n        pass", "the attribute `__class__`"),
    ('df.plot(backend="matplotlib")', "the `backend` argument"),
    ('pd.set_option("plotting.backend", "x")', "`set_option` for the option `plotting.backend`"),
    ("with pd.option_context(key, 1):\n    pass", "`option_context` for the option"),
]


@pytest.mark.parametrize(("code", "fragment"), REFUSED)
def test_refused_with_the_line_and_the_offending_name(code: str, fragment: str) -> None:
    reasons = refusals("table = df.head()\n" + code)
    assert any(fragment in r for r in reasons), reasons
    assert all(r.startswith("line ") and " is not allowed: " in r for r in reasons), reasons
    offending = [r for r in reasons if fragment in r]
    assert offending[0].startswith(("line 2: ", "line 3: ", "line 4: "))


def test_import_refusal_says_what_may_be_imported() -> None:
    (reason,) = refusals("import math\n\nimport os\n")
    assert reason == (
        "line 3: importing `os` is not allowed: chart code may only import pandas, numpy, "
        "plotly and a few standard modules (math, statistics, datetime, re, json, collections, "
        "itertools, functools…)"
    )


def test_file_reads_explain_that_the_data_is_already_loaded() -> None:
    (reason,) = refusals('other = pd.read_csv("other.csv")')
    assert "the data is already loaded as `df`" in reason


def test_url_refusal_uses_plain_words() -> None:
    (reason,) = refusals("fig.add_layout_image(source='https://example.com/a.png')")
    assert "reading files or URLs is not allowed" in reason


# --- full-width letters and strings built to dodge the rules --------------------------------


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("import ｏｓ", "importing `os`"),
        ('ｅｖａｌ("1")', "`eval`"),
        ('x = getattr(df, "\uff3f\uff3fclass\uff3f\uff3f")', "`__class__`"),
        ('x = getattr(df, "ｒｅａｄ_csv")', "the attribute `read_csv`"),
        ("x = df.ｆ_globals", "the attribute `f_globals`"),
        ('fig.add_layout_image(source="ｈｔｔｐｓ://x.example")', "`https://x.example`"),
        ('fig.add_layout_image(source="ht\\ttp://x.example")', "the location"),
        ('m = __import__("o" + "s")', "the name `__import__`"),
        ('m = __import__("o" "s")', "the name `__import__`"),
        ('f = getattr(pd, "read_" + "csv")', "`getattr` with a computed attribute name"),
        ('f = getattr(pd, "read_" "csv")', "the attribute `read_csv`"),
        ('fig.add_layout_image(source="ht" + "tp://x.example")', "`http://x.example`"),
    ],
)
def test_disguised_names_are_still_caught(code: str, fragment: str) -> None:
    assert any(fragment in r for r in refusals(code))


# --- how violations are reported ------------------------------------------------------------


def test_every_violation_is_reported_in_line_order() -> None:
    code = "import os\nfig = px.bar(df)\neval('1')\nx = df.__dict__\n"
    assert [v.line for v in find_violations(code)] == [1, 3, 4]
    assert [v.rule for v in find_violations(code)] == ["import", "name", "attribute"]


def test_identical_messages_are_reported_once_per_line() -> None:
    reasons = refusals("eval('1'); eval('2')\neval('3')\n")
    assert reasons == [
        "line 1: `eval` is not allowed: it runs code built from text at run time",
        "line 2: `eval` is not allowed: it runs code built from text at run time",
    ]


def test_violations_are_frozen_records() -> None:
    (violation,) = find_violations("import os")
    assert (violation.line, violation.rule) == (1, "import")
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.line = 2  # type: ignore[misc]
    assert isinstance(violation, Violation)


def test_refusal_reads_well_in_slack() -> None:
    with pytest.raises(CodeRefused) as info:
        check_code("import os\nimport sys\n")
    assert info.value.user_message.startswith("I refused to run the chart code, because:\n• line 1")


def test_code_that_does_not_parse_is_refused_with_its_line() -> None:
    (reason,) = refusals("fig = px.bar(df)\nfig.update_layout(title='x'\n")
    assert reason.startswith("line 2: the code is not valid Python: ")


def test_code_over_the_size_cap_is_refused() -> None:
    (reason,) = refusals("x = 1\n" * 20_000)
    assert reason.startswith("chart code over 100 KB is not allowed")


def test_code_over_the_node_cap_is_refused() -> None:
    (reason,) = refusals("x = [" + "a," * 40_000 + "]\n")
    assert "syntax nodes is not allowed" in reason


@pytest.mark.parametrize("code", ["x = 1" + "+1" * 40_000, "x = " + "-" * 90_000 + "1"])
def test_deeply_nested_code_is_refused_not_crashed(code: str) -> None:
    assert refusals(code)


def test_clean_code_has_no_violations() -> None:
    assert find_violations("fig = px.bar(df, x='region', y='revenue')\n") == []


# --- typical chart code is accepted, and runs -----------------------------------------------

ACCEPTED = {
    "groupby and sum": """
table = df.groupby("region", as_index=False)["revenue"].sum()
fig = px.bar(table, x="region", y="revenue", title="Revenue by region")
""",
    "named aggregation": """
table = df.groupby("product").agg(total=("revenue", "sum"), orders=("revenue", "count"))
fig = px.bar(table.reset_index().sort_values("total", ascending=False), x="product", y="total")
""",
    "resample": """
monthly = df.set_index("order_date")["revenue"].resample("MS").sum().reset_index()
fig = px.line(monthly, x="order_date", y="revenue", markers=True)
""",
    "pivot table heatmap": """
wide = df.pivot_table(index="region", columns="product", values="revenue", aggfunc="sum")
fig = go.Figure(go.Heatmap(z=wide.to_numpy(), x=list(wide.columns), y=list(wide.index)))
""",
    "scatter with np.where": """
df["size"] = np.where(df["units"] > 2, "big", "small")
fig = px.scatter(df, x="units", y="revenue", color="size")
""",
    "histogram": 'fig = px.histogram(df, x="revenue", nbins=20)\n',
    "box": 'fig = px.box(df, x="region", y="revenue", points="outliers")\n',
    "pie": """
shares = df["region"].value_counts().reset_index()
fig = px.pie(shares, names="region", values="count", hole=0.4)
""",
    "rolling mean with traces": """
daily = df.groupby("order_date")["revenue"].sum()
smooth = daily.rolling(7, min_periods=1).mean()
fig = go.Figure()
fig.add_trace(go.Scatter(x=daily.index, y=daily.values, name="daily", mode="lines"))
fig.add_trace(go.Scatter(x=smooth.index, y=smooth.values, name="7-day mean"))
fig.update_layout(title="Revenue, 7-day mean", template="plotly_white", hovermode="x unified")
fig.layout.title.font.size = 20
""",
    "subplots": """
from plotly.subplots import make_subplots
fig = make_subplots(rows=1, cols=2, subplot_titles=["Revenue", "Units"])
fig.add_trace(go.Bar(x=df["region"], y=df["revenue"]), row=1, col=1)
fig.add_trace(go.Bar(x=df["region"], y=df["units"]), row=1, col=2)
""",
    "datetime, f-strings and comprehensions": """
import datetime as dt
import math
from collections import Counter
start = df["order_date"].min()
recent = df[df["order_date"] >= start + pd.Timedelta(days=30)]
weeks = (recent["order_date"] - dt.datetime(2023, 1, 1)).dt.days // 7
counts = Counter(recent["region"])
labels = {k: f"{k} ({v} orders)" for k, v in counts.items()}
share = [round(v / max(1, sum(counts.values())) * 100, 1) for v in counts.values()]
title = f"Share since {start:%b %d} ({math.ceil(weeks.max())} weeks)"
fig = px.bar(x=[labels[k] for k in counts], y=share, title=title)
fig.update_traces(hovertemplate="%{x}: %{y:.1f}%")
""",
    "query, text exports and dunder words in titles": """
big = df.query("revenue > 30 and region == 'EU'")
summary = {"rows": len(big), "by_product": big.groupby("product")["revenue"].sum().to_dict()}
text = big.head().to_csv(index=False)
fig = px.bar(big, x="product", y="revenue")
fig.update_layout(title="__init__ in a title string is fine")
""",
    "lambdas": """
df = df.assign(per_unit=lambda d: d["revenue"] / d["units"])
df["band"] = df["per_unit"].apply(lambda m: "high" if m > 10 else "low")
fig = px.strip(df, x="band", y="per_unit")
""",
    "functions, generators and literal templates": """
def label(value):
    return "{:,.0f}".format(value)

def pairs(frame):
    for region, part in frame.groupby("region"):
        yield region, part["revenue"].sum()

totals = dict(pairs(df))
try:
    best = max(totals, key=totals.get)
except ValueError:
    best = None
values = list(totals.values())
fig = go.Figure(go.Bar(x=list(totals), y=values, text=[label(v) for v in values]))
""",
    "numpy histogram and statistics": """
import statistics
values = df["revenue"].to_numpy()
counts, edges = np.histogram(values, bins=np.histogram_bin_edges(values, bins="auto"))
fig = go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges)))
fig.add_vline(x=statistics.median(values))
""",
    "plotly.io templates, read only": """
import plotly.io as pio
fig = px.bar(df, x="region", y="revenue", template=pio.templates["plotly_white"])
""",
    "getattr and hasattr with plain names": """
fig = px.line(df, x="order_date", y="revenue")
if hasattr(fig.layout, "title") and getattr(fig.layout.title, "text", None) is None:
    fig.update_layout(title="Revenue")
""",
    "json, re and throwaway names": """
import json
import re
names = [re.sub(r"[^a-z]", "", p.lower()) for p in df["product"].unique()]
for _ in range(2):
    names.sort()
fig = px.bar(df, x="product", y="revenue", title=json.dumps(names)[:40])
""",
    "dataclass": """
from dataclasses import dataclass

@dataclass
class Band:
    low: float
    high: float

bands = [Band(0, 30), Band(30, 100)]
df["band"] = pd.cut(df["revenue"], bins=[b.low for b in bands] + [bands[-1].high])
fig = px.histogram(x=df["band"].astype(str))
""",
    "own attributes and columns": """
df["double"] = df["revenue"] * 2
fig = px.bar(df, x="region", y="double")
fig.layout.xaxis.title.text = "Region"
pd.set_option("display.max_rows", 20)
""",
}


@pytest.mark.parametrize("code", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_typical_chart_code_is_accepted_and_runs(code: str) -> None:
    check_code(code)
    namespace: dict[str, Any] = {"df": orders(), "pd": pd, "np": np, "px": px, "go": go}
    exec(compile(code, "<chart>", "exec"), namespace)  # noqa: S102 - the examples are ours
    assert isinstance(namespace["fig"], go.Figure)


# --- every chart our compiler writes passes --------------------------------------------------

QUESTIONS = [
    "revenue by region",
    "how many orders per product where region is EU",
    "average revenue by product with units over 2",
    "bottom 2 products by revenue",
    "top 3 products by revenue",
    "revenue over time",
    "revenue by month and region",
    "revenue by region in 2023",
    "distribution of revenue",
    "revenue vs units",
    "share of revenue by region as a pie chart",
    "box plot of revenue by region",
    "revenue by product stacked by region",
    "orders per region between 2023-01-10 and 2023-02-01",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_planned_chart_compiles_to_accepted_code(question: str) -> None:
    df = orders(400)
    profile = build_profile(df, file_name="orders.csv", file_kind="csv")
    for spec in plan_from_rules(question, profile).charts:
        check_code(compile_chart(spec, profile))


def _awkward() -> pd.DataFrame:
    """Column names and values that look like the things the policy hunts for."""
    return pd.DataFrame(
        {
            "when": pd.date_range("2024-01-01", periods=40, freq="D", tz="Europe/Paris"),
            "page": [f"https://example.com/p{k % 5}" for k in range(40)],
            "path": [("/etc/hosts", "/tmp/x", "~/notes", "C:\\data")[k % 4] for k in range(40)],
            "os": [("linux", "mac")[k % 2] for k in range(40)],
            "open": np.arange(40) * 1.5,
            "_id": np.arange(40),
            "paid": [k % 3 == 0 for k in range(40)],
        }
    )


SPECS = [
    ChartSpec(chart_type="bar", x="page", y="open", aggregate="sum", title="Open by page"),
    ChartSpec(
        chart_type="bar",
        x="path",
        y="open",
        aggregate="mean",
        color="os",
        barmode="stack",
        limit=2,
        other_bucket=True,
        sort=Sort(by="y", order="desc"),
        filters=[Filter(column="page", op="in", value=["https://example.com/p1", "/etc/x"])],
        title="https://example.com first",
    ),
    ChartSpec(
        chart_type="line",
        x="when",
        y="open",
        aggregate="sum",
        color="os",
        time_grain="W",
        filters=[Filter(column="when", op="between", value=["2024-01-05", "2024-02-01"])],
        title="Open per week",
    ),
    ChartSpec(
        chart_type="pie",
        x="os",
        aggregate="count",
        filters=[Filter(column="paid", op="eq", value=True)],
        title="Rows by os",
    ),
    ChartSpec(chart_type="scatter", x="_id", y="open", title="Open vs id"),
    ChartSpec(chart_type="histogram", x="open", bins=10, title="Distribution of open"),
    ChartSpec(chart_type="histogram", x="path", title="Distribution of path"),
    ChartSpec(chart_type="box", y="open", title="Spread of open"),
    ChartSpec(
        chart_type="box",
        x="os",
        y="open",
        filters=[
            Filter(column="path", op="ne", value="/proc/self"),
            Filter(column="when", op="year", value=2024),
            Filter(column="open", op="not_in", value=[3, 4.5]),
        ],
        title="Spread of open by os",
    ),
    ChartSpec(
        chart_type="bar",
        x="os",
        aggregate="count",
        filters=[
            Filter(column="when", op="gt", value="2024-01-03"),
            Filter(column="when", op="lte", value="2024-02-01"),
            Filter(column="page", op="eq", value="file:///etc/passwd"),
        ],
        title="Rows by os",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=[s.chart_type for s in SPECS])
def test_compiled_charts_over_awkward_names_are_accepted(spec: ChartSpec) -> None:
    df = _awkward()
    profile = build_profile(df, file_name="awkward.csv", file_kind="csv")
    check_code(compile_chart(spec, profile))


def test_names_bound_to_module_parts_are_followed() -> None:
    reasons = refusals("core = pd.core\nframe = core.frame\nDF = pd.DataFrame\nDF.x = 1\n")
    assert reasons[0].startswith("line 1: `pd.core` is not allowed")
    assert reasons[-1].startswith("line 4: changing `DF.x` is not allowed")


def test_names_imported_from_allowed_modules_are_fine() -> None:
    check_code("from re import compile as rx\nfrom math import sqrt\nfig = px.bar(x=[sqrt(4)])\n")


def test_a_parser_recursion_mismatch_on_this_thread_still_gets_a_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CPython 3.11's parser can report a recursion depth mismatch (SystemError) on a thread
    where it once hit its recursion limit; the policy parses again on a fresh thread."""
    real_parse = ast.parse
    main = threading.get_ident()

    def parse_failing_on_this_thread(source: str, *args: Any, **kwargs: Any) -> ast.Module:
        if threading.get_ident() == main:
            raise SystemError("AST constructor recursion depth mismatch (before=120, after=170)")
        tree: ast.Module = real_parse(source, *args, **kwargs)
        return tree

    monkeypatch.setattr(ast, "parse", parse_failing_on_this_thread)
    (reason,) = refusals("x = [" + "a," * 40_000 + "]\n")
    assert "syntax nodes is not allowed" in reason
    assert find_violations("fig = px.bar(df, x='region', y='revenue')\n") == []
