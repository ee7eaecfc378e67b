"""Bytes of the interactive HTML uploaded with each chart, for HTML_PLOTLYJS=inline and =cdn.

    .venv/bin/python bench/html_size.py [FILE] [--question "..."]...

Each question is planned by the rules over FILE (default examples/sales.csv, through the real
ingest), its compiled code drawn in this process (the same code the sandbox runs), and the page
written both ways. Prints the bytes per page and what the PNG weighs beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from ingest.limits import IngestLimits  # noqa: E402
from ingest.load import ingest_file  # noqa: E402
from planner.compile import compile_chart  # noqa: E402
from planner.rules import plan_from_rules  # noqa: E402
from render.html import CDN_URL, figure_html  # noqa: E402
from render.process import RendererProcess  # noqa: E402

QUESTIONS = ["monthly revenue by region", "total units by product", "revenue share by region"]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples" / "sales.csv"))
    parser.add_argument("--question", action="append")
    args = parser.parse_args()
    path = Path(args.file)
    limits = IngestLimits.from_settings(Settings(_env_file=None))
    renderer = RendererProcess(timeout_s=60)
    print(f"cdn: {CDN_URL}")
    print(f"{'question':34} {'inline':>12} {'cdn':>9} {'PNG':>9}")
    with tempfile.TemporaryDirectory() as scratch:
        ingested = ingest_file(path, path.name, Path(scratch), limits)
        df = pd.read_parquet(ingested.parquet_path)
        for question in args.question or QUESTIONS:
            spec = plan_from_rules(question, ingested.profile).primary
            namespace: dict[str, Any] = {"df": df.copy(), "pd": pd, "np": np, "px": px, "go": go}
            code = compile_chart(spec, ingested.profile)
            exec(compile(code, "<chart>", "exec"), namespace)  # noqa: S102 - our compiled code
            figure = json.loads(namespace["fig"].to_json())
            inline = len(figure_html(figure, title=spec.title).encode("utf-8"))
            cdn = len(figure_html(figure, title=spec.title, plotlyjs="cdn").encode("utf-8"))
            png = len(await renderer.png(figure, width=1000, height=600, scale=2.0))
            print(f"{question:34} {inline:12,} {cdn:9,} {png:9,}")
    await renderer.aclose()


if __name__ == "__main__":
    asyncio.run(main())
